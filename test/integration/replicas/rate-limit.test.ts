/**
 * The API's rate limit with buckets in Postgres: two replicas' middleware on one database allow a
 * token its rate once between them, not once each.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiEnv, Principal } from '../../../api/env.ts';
import { rateLimit } from '../../../api/middleware/rate-limit.ts';
import { PostgresRepository } from '../../../infra/storage/postgres.ts';
import { usePostgresCluster } from '../../support/postgres-suite.ts';

const cluster = usePostgresCluster();

const principal: Principal = {
  tokenId: 'tok-1',
  name: 'ci',
  scopes: ['read'],
  actor: { id: 'api:ci', channel: 'api' },
};

/** One replica's API: the principal already authenticated, then the shared rate limit. */
function replicaApp(repo: PostgresRepository) {
  const app = new Hono<ApiEnv>();
  app.use('*', async (c, next) => {
    c.set('principal', principal);
    await next();
  });
  app.use('*', rateLimit({ capacity: 5, refillPerSecond: 0.01, store: repo }));
  app.get('/v1/ping', (c) => c.text('pong'));
  return app;
}

describe('rate limit shared by replicas', () => {
  it('allows a token its burst once across two replicas, even when they race', async () => {
    const url = await cluster.createDatabase();
    const repos = [await PostgresRepository.open(url), await PostgresRepository.open(url)];
    try {
      await repos[0]?.migrate();
      const [a, b] = repos.map(replicaApp);
      if (!a || !b) throw new Error('no apps');

      // 20 requests at once, half through each replica.
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).request('/v1/ping')),
      );
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(15);
      const refused = answers.find((r) => r.status === 429);
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused?.json()).toMatchObject({ code: 'BLKSHP_RATE_LIMITED' });
    } finally {
      for (const repo of repos) await repo.close();
    }
  });
});
