import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../infra/storage/migrations/index.ts';
import { openRepository } from '../../../infra/storage/open.ts';
import { PostgresRepository } from '../../../infra/storage/postgres.ts';
import { usePostgresCluster } from '../../support/postgres-suite.ts';
import { defineRepositoryContract } from '../../unit/storage/repository.contract.ts';

const cluster = usePostgresCluster();

defineRepositoryContract('Postgres', async () => {
  const url = await cluster.createDatabase();
  const repo = await PostgresRepository.open(url);
  await repo.migrate();
  const opened = [repo];

  return {
    repo,
    async reopen() {
      const again = await PostgresRepository.open(url);
      opened.push(again);
      return again;
    },
    async exec(sql) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    async cleanup() {
      for (const r of opened) await r.close();
    },
  };
});

describe('Postgres storage', () => {
  it('two processes migrating one database at once both succeed', async () => {
    const url = await cluster.createDatabase();
    const repos = await Promise.all([
      openRepository({ database: { kind: 'postgres', url } }),
      openRepository({ database: { kind: 'postgres', url } }),
    ]);
    try {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY 1');
        expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(repos.map((r) => r.close()));
    }
  });

  it('audit table refuses TRUNCATE', async () => {
    const url = await cluster.createDatabase();
    const repo = await openRepository({ database: { kind: 'postgres', url } });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await expect(client.query('TRUNCATE audit')).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
      await repo.close();
    }
  });

  it('a wrong DATABASE_URL fails with a message that does not echo the URL', async () => {
    const url = `postgresql://postgres:hunter2@localhost/nope?host=${encodeURIComponent(cluster.dir)}`;
    const failure = openRepository({ database: { kind: 'postgres', url } });
    await expect(failure).rejects.toMatchObject({ code: 'BLKSHP_CONFIG_INVALID' });
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});
