/**
 * What the fleet-wide rate limit costs: the same Hono route behind no limiter, behind the
 * in-memory buckets (one process), and behind the buckets in Postgres (replicas: one write per
 * request), in one run, on a throwaway Postgres over its unix socket. Not a test.
 *
 *   node bench/rate-limit.ts [requests=4000] [concurrency=20]
 */
import { Hono } from 'hono';
import type { ApiEnv } from '../api/env.ts';
import { type RateLimitOptions, rateLimit } from '../api/middleware/rate-limit.ts';
import { PostgresRepository } from '../infra/storage/postgres.ts';
import { startPostgres } from '../test/support/postgres.ts';

const REQUESTS = Number(process.argv[2] ?? 4000);
const CONCURRENCY = Number(process.argv[3] ?? 20);
// Large enough that every request passes: the bench times the counting, not the refusals.
const LIMITS: RateLimitOptions = { capacity: 1e9, refillPerSecond: 1e9 };

function app(limiter: ReturnType<typeof rateLimit> | null): Hono<ApiEnv> {
  const hono = new Hono<ApiEnv>();
  hono.use('*', async (c, next) => {
    c.set('principal', {
      tokenId: `tok-${Math.floor(Math.random() * 10)}`,
      name: 'bench',
      scopes: ['read'],
      actor: { id: 'api:bench', channel: 'api' },
    });
    await next();
  });
  if (limiter) hono.use('*', limiter);
  hono.get('/v1/ping', (c) => c.text('pong'));
  return hono;
}

/** Requests per second through `target`, CONCURRENCY at a time; throws on a non-200. */
async function measure(target: Hono<ApiEnv>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < REQUESTS) {
      next += 1;
      const response = await target.request('/v1/ping');
      if (response.status !== 200) throw new Error(`answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return REQUESTS / ((performance.now() - started) / 1000);
}

const cluster = await startPostgres();
const repo = await PostgresRepository.open(await cluster.createDatabase());
try {
  await repo.migrate();
  const targets = {
    'no limiter': app(null),
    'memory buckets': app(rateLimit(LIMITS)),
    'Postgres buckets': app(rateLimit({ ...LIMITS, store: repo })),
  };
  // Warm-up, then three rounds taking turns; the median of each.
  for (const target of Object.values(targets)) await measure(target);
  const samples = new Map<string, number[]>();
  for (let round = 0; round < 3; round += 1) {
    for (const [name, target] of Object.entries(targets)) {
      samples.set(name, [...(samples.get(name) ?? []), await measure(target)]);
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[1] ?? Number.NaN;
  const bare = median(samples.get('no limiter') ?? []);
  console.log(`${REQUESTS} requests, ${CONCURRENCY} at a time, in-process (no sockets)`);
  console.table(
    [...samples].map(([name, values]) => ({
      target: name,
      'req/s': Math.round(median(values)),
      'share of no limiter': (median(values) / bare).toFixed(3),
    })),
  );
} finally {
  await repo.close();
  await cluster.stop();
}
