/**
 * Replica benchmark (not a test): the same work through one replica and through two, side by
 * side in one run, on one Postgres and one shared `file://` state directory. Each replica is a
 * `blkshp serve` process; rows: 1 replica x 2 engine runs, 2 x 1 (the same engine runs in total:
 * what distribution costs), 2 x 2 (twice the engine runs: what it buys on this machine).
 *
 * 1. Queued previews: N properties added through the REST API (round-robin over the replicas),
 *    each queueing a preview; timed from the first request until every preview has ended.
 * 2. Fleet drift sweep: the N properties applied (untimed), then a drift check of each queued
 *    at once, timed until all have ended (what a scheduled sweep queues, without waiting for
 *    the minute the cron fires on).
 *
 *   node bench/replicas.ts [properties=12]
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresRepository } from '../infra/storage/postgres.ts';
import { createToken } from '../infra/tokens/index.ts';
import { type PostgresCluster, startPostgres } from '../test/support/postgres.ts';
import { testPropertyInput } from '../test/support/properties.ts';
import {
  type ReplicaProcess,
  replicaApi,
  startReplicaProcess,
} from '../test/support/replica-process.ts';

const count = Number(process.argv[2] ?? 12);

interface Row {
  replicas: number;
  engineRuns: number;
  previewSeconds: number;
  previewsPerMinute: number;
  sweepSeconds: number;
  checksPerMinute: number;
  failed: number;
}

async function waitForAll(repo: PostgresRepository, ids: string[]): Promise<number> {
  for (;;) {
    const rows = await Promise.all(ids.map((id) => repo.getOperation(id)));
    if (rows.every((o) => o && o.status !== 'queued' && o.status !== 'running')) {
      return rows.filter((o) => o?.status !== 'succeeded').length;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function scenario(
  cluster: PostgresCluster,
  replicaCount: number,
  engineRuns: number,
): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), `blkshp-bench-replicas-${replicaCount}-`));
  const databaseUrl = await cluster.createDatabase();
  const shared = {
    databaseUrl,
    backendUrl: `file://${join(dir, 'shared', 'state')}`,
    passphrase: 'bench',
    workspacesDir: join(dir, 'shared', 'workspaces'),
    sandboxDir: join(dir, 'shared', 'sandbox'),
    maxEngineRuns: engineRuns,
  };
  await mkdir(join(dir, 'shared', 'state'), { recursive: true });
  const repo = await PostgresRepository.open(databaseUrl);
  await repo.migrate();
  const api = replicaApi((await createToken(repo, 'bench', ['apply'])).secret);
  const replicas: ReplicaProcess[] = [];
  try {
    for (let i = 0; i < replicaCount; i += 1) {
      replicas.push(await startReplicaProcess(dir, `bench-${i}`, shared));
    }
    const via = (i: number) => replicas[i % replicas.length] as ReplicaProcess;
    const slugs = Array.from({ length: count }, (_, i) => `bench-${replicaCount}-${i}`);

    const previewStart = performance.now();
    const previews: string[] = [];
    for (const [i, slug] of slugs.entries()) {
      const created = await api(via(i), '/v1/properties', testPropertyInput(slug));
      previews.push(created.body.operationId as string);
    }
    let failed = await waitForAll(repo, previews);
    const previewSeconds = (performance.now() - previewStart) / 1000;

    const applies: string[] = [];
    for (const [i, id] of previews.entries()) {
      const applied = await api(via(i), `/v1/operations/${id}/apply`, {});
      applies.push(applied.body.operationId as string);
    }
    failed += await waitForAll(repo, applies);

    const sweepStart = performance.now();
    const checks: string[] = [];
    for (const [i, slug] of slugs.entries()) {
      const queued = await api(via(i), `/v1/properties/${slug}/drift-check`, {});
      checks.push(queued.body.operationId as string);
    }
    failed += await waitForAll(repo, checks);
    const sweepSeconds = (performance.now() - sweepStart) / 1000;
    return {
      replicas: replicaCount,
      engineRuns,
      previewSeconds,
      previewsPerMinute: (count / previewSeconds) * 60,
      sweepSeconds,
      checksPerMinute: (count / sweepSeconds) * 60,
      failed,
    };
  } finally {
    for (const replica of replicas) await replica.stop();
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const cluster = await startPostgres();
try {
  const rows: Row[] = [];
  // One replica, then two with the same engine runs in total, then two with twice as many.
  for (const [replicas, runs] of [
    [1, 2],
    [2, 1],
    [2, 2],
  ] as const) {
    rows.push(await scenario(cluster, replicas, runs));
  }
  console.log(`${count} properties, ${availableParallelism()} CPU cores`);
  console.table(
    rows.map((r) => ({
      replicas: r.replicas,
      'engine runs each': r.engineRuns,
      'previews (s)': r.previewSeconds.toFixed(1),
      'previews/min': r.previewsPerMinute.toFixed(1),
      'drift sweep (s)': r.sweepSeconds.toFixed(1),
      'checks/min': r.checksPerMinute.toFixed(1),
      failed: r.failed,
    })),
  );
  const [one, ...others] = rows;
  for (const row of one ? others : []) {
    console.log(
      `${row.replicas} replicas x ${row.engineRuns} runs vs 1 x ${one?.engineRuns}: previews ` +
        `${((one?.previewSeconds ?? 0) / row.previewSeconds).toFixed(2)}x, drift sweep ` +
        `${((one?.sweepSeconds ?? 0) / row.sweepSeconds).toFixed(2)}x as fast`,
    );
  }
} finally {
  await cluster.stop();
}
