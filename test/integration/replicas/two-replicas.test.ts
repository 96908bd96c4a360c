/**
 * Two real service processes on one Postgres and one S3-compatible store, driven through their
 * REST APIs; one is killed (SIGKILL, whole process group) in the middle of an apply.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { getEngine } from '../../../infra/pulumi/engine.ts';
import { openStack } from '../../../infra/pulumi/workspace.ts';
import { PostgresRepository } from '../../../infra/storage/postgres.ts';
import { createToken } from '../../../infra/tokens/index.ts';
import { usePostgresCluster } from '../../support/postgres-suite.ts';
import { testPropertyInput } from '../../support/properties.ts';
import {
  type ReplicaProcess,
  replicaApi,
  startReplicaProcess,
} from '../../support/replica-process.ts';
import { startLocalS3 } from '../../support/s3-server.ts';
import { withTempDir } from '../../support/temp-dir.ts';

const PASSPHRASE = 'two replicas share this passphrase';

const cluster = usePostgresCluster();

async function waitUntil(check: () => Promise<boolean>, what: string, ms = 240_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('two replicas on one Postgres and one object store', () => {
  it('run 20 operations over 10 properties once each, and survive losing a replica mid-apply', async () => {
    await withTempDir('replicas', scenario);
  });
});

async function scenario(dir: string): Promise<void> {
  const databaseUrl = await cluster.createDatabase();
  const s3 = await startLocalS3(join(dir, 's3'));
  // The sandbox cloud is the one thing on disk the replicas share (it stands for the real
  // cloud); each keeps its own work directories, with the stack settings from Postgres.
  const shared = { sandbox: join(dir, 'shared', 'sandbox') };
  await mkdir(shared.sandbox, { recursive: true });

  const repo = await PostgresRepository.open(databaseUrl);
  await repo.migrate();
  const token = (await createToken(repo, 'replica-test', ['apply'])).secret;

  const sharedSettings = {
    databaseUrl,
    backendUrl: s3.backendUrl,
    backendEnv: s3.env,
    passphrase: PASSPHRASE,
    sandboxDir: shared.sandbox,
  };
  const replicas: ReplicaProcess[] = [];
  const startReplica = async (name: string) => {
    const replica = await startReplicaProcess(dir, name, sharedSettings);
    replicas.push(replica);
    return replica;
  };
  const api = replicaApi(token);
  const settled = async (ids: string[]) => {
    const rows = await Promise.all(ids.map((id) => repo.getOperation(id)));
    return rows.every((o) => o && !['queued', 'running'].includes(o.status));
  };

  try {
    const [a, b] = [await startReplica('replica-a'), await startReplica('replica-b')];
    if (!a || !b) throw new Error('replicas did not start');

    // 10 properties, added through both replicas: 10 previews.
    const slugs = Array.from({ length: 10 }, (_, i) => `twin-${i}`);
    const previews: string[] = [];
    for (const [i, slug] of slugs.entries()) {
      const created = await api(i % 2 === 0 ? a : b, '/v1/properties', testPropertyInput(slug));
      expect(created.status).toBe(202);
      previews.push(created.body.operationId as string);
    }

    // Progress reaches every replica's streams, whichever replica runs the operation.
    const [streamA, streamB] = await Promise.all(
      [a, b].map((r) => readEvents(`${r.url}/v1/operations/${previews[9]}/events`, token)),
    );
    expect(streamA).toContain('finished');
    expect(streamB).toContain('finished');

    await waitUntil(() => settled(previews), 'the previews');
    for (const id of previews) expect((await repo.getOperation(id))?.status).toBe('succeeded');

    // 10 applies, approved through both replicas.
    const auditBeforeApplies = await repo.queryAudit({ limit: 10_000 });
    const applies: string[] = [];
    for (const [i, id] of previews.entries()) {
      const applied = await api(i % 2 === 0 ? b : a, `/v1/operations/${id}/apply`, {});
      expect(applied.status).toBe(202);
      applies.push(applied.body.operationId as string);
    }

    // Kill replica a while it is creating resources for one of the applies.
    const victim = await waitForApplyOn(databaseUrl, repo, 'replica-a', shared.sandbox);
    await a.kill();

    await waitUntil(() => settled(applies), 'every apply to end');
    const operations = await repo.listOperations({});
    expect(operations).toHaveLength(20);
    const byStatus = Map.groupBy(operations, (o) => o.status);
    // Every operation finished, or was marked interrupted, the killed one among them.
    expect([...byStatus.keys()].every((s) => s === 'succeeded' || s === 'interrupted')).toBe(true);
    const interrupted = byStatus.get('interrupted') ?? [];
    expect(interrupted.map((o) => o.property)).toContain(victim);
    for (const o of interrupted) {
      expect(o.kind).toBe('apply');
      expect(o.error).toMatch(/replica running this operation stopped/);
    }

    // No two operations overlapped on one stack.
    for (const slug of slugs) {
      const runs = operations
        .filter((o) => o.property === slug)
        .sort((x, y) => String(x.startedAt).localeCompare(String(y.startedAt)));
      for (let i = 1; i < runs.length; i += 1) {
        expect(String(runs[i]?.startedAt) >= String(runs[i - 1]?.finishedAt)).toBe(true);
      }
    }

    // None ran twice: the engine recorded at most one update per stack in the shared state.
    const engine = await getEngine();
    for (const slug of slugs) {
      const stack = await openStack(
        {
          engine,
          workspacesDir: join(dir, 'inspect'),
          backendUrl: s3.backendUrl,
          extraEnv: { ...s3.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
        },
        slug,
        async () => {},
      );
      const updates = (await stack.history()).filter((h) => h.kind === 'update');
      const apply = operations.find((o) => o.property === slug && o.kind === 'apply');
      if (apply?.status === 'succeeded')
        expect(updates.map((u) => u.result)).toEqual(['succeeded']);
      else expect(updates.length).toBeLessThanOrEqual(1);
    }

    // The audit lost nothing: what was there stays, and each operation has one queued and one
    // finished record.
    const audit = await repo.queryAudit({ limit: 10_000 });
    const ids = new Set(audit.map((r) => r.id));
    for (const record of auditBeforeApplies) expect(ids.has(record.id)).toBe(true);
    for (const o of operations) {
      const mine = audit.filter((r) => r.operationId === o.id);
      expect(mine.filter((r) => r.result === 'queued')).toHaveLength(1);
      expect(mine.filter((r) => r.action === `${o.kind}.finished`)).toHaveLength(1);
    }

    // The interrupted stack was recovered: the surviving replica previews it cleanly.
    const again = await api(b, `/v1/properties/${victim}/preview`, {});
    expect(again.status).toBe(202);
    const fresh = again.body.operationId as string;
    await waitUntil(() => settled([fresh]), 'a preview of the recovered stack');
    const recovered = await repo.getOperation(fresh);
    expect(recovered?.error).toBeNull();
    expect(recovered?.status).toBe('succeeded');

    // Every stack's settings (salt, encrypted secrets) are in Postgres, and every replica's
    // copy in its own work directory is that one: nothing about a stack lives on one disk only.
    let copies = 0;
    for (const slug of slugs) {
      const stored = await repo.getStackSettings(`blkshp-property/${slug}`);
      expect(stored).toMatch(/^encryptionsalt: /m);
      for (const name of ['replica-a', 'replica-b']) {
        const file = join(dir, name, 'workspaces', 'blkshp-property', slug, `Pulumi.${slug}.yaml`);
        const copy = await readFile(file, 'utf8').catch(() => null);
        if (copy === null) continue;
        copies += 1;
        expect(copy).toBe(stored);
      }
    }
    // Each stack ran at least twice (preview, apply), on one replica or both.
    expect(copies).toBeGreaterThanOrEqual(slugs.length);
  } finally {
    for (const replica of replicas) await replica.stop();
    await repo.close();
    await s3.stop();
  }
}

/** Reads an SSE stream to its end; returns the event names seen. */
async function readEvents(url: string, token: string): Promise<string[]> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1] as string);
}

/**
 * Waits until `replica` holds the stack lock of a running apply whose resources have started to
 * appear in the sandbox; returns that property.
 */
async function waitForApplyOn(
  databaseUrl: string,
  repo: PostgresRepository,
  replica: string,
  sandboxDir: string,
): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      const running = await repo.listOperations({ kind: 'apply', status: 'running' });
      for (const operation of running) {
        const { rows } = await client.query<{ held: boolean }>(
          `SELECT EXISTS (
             SELECT 1 FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted
               AND l.objid = hashtext($1)::oid AND s.application_name = $2
           ) AS held`,
          [operation.property, `blkshp-locks ${replica}`],
        );
        const files = await readdir(join(sandboxDir, operation.property)).catch(() => []);
        if (rows[0]?.held && files.length > 0) return operation.property;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${replica} never ran an apply`);
  } finally {
    await client.end();
  }
}
