import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../infra/storage/migrations/index.ts';
import { openRepository } from '../../../infra/storage/open.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';
import { defineRepositoryContract } from './repository.contract.ts';

defineRepositoryContract('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'blkshp-sqlite-'));
  const file = join(dir, 'blkshp.sqlite');
  const repo = await SqliteRepository.open(file);
  await repo.migrate();
  const opened = [repo];

  return {
    repo,
    async reopen() {
      const again = await SqliteRepository.open(file);
      opened.push(again);
      return again;
    },
    async exec(sql) {
      const db = new DatabaseSync(file);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async cleanup() {
      for (const r of opened) await r.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite storage', () => {
  it('openRepository creates the file in WAL mode and migrates it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blkshp-sqlite-'));
    const file = join(dir, 'nested', 'blkshp.sqlite');
    try {
      const repo = await openRepository({ database: { kind: 'sqlite', file } });
      await repo.close();

      const db = new DatabaseSync(file);
      try {
        expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
        const versions = db.prepare('SELECT version FROM schema_migrations').all();
        expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
      } finally {
        db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
