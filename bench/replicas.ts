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
 * Besides wall time each phase prints the median run of one operation (it grows when engine runs
 * contend for the cores) and how busy the engine slots were (sum of run times over wall time: it
 * falls below the engine runs in total when the queue leaves slots idle).
 *
 * With several rounds the three set-ups take turns (so a load spike on this shared machine falls
 * on all of them) and each figure is the median over the rounds.
 *
 *   node bench/replicas.ts [properties=12] [rounds=1]
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Operation } from '../infra/operations/model.ts';
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
const rounds = Number(process.argv[3] ?? 1);

interface Phase {
  seconds: number;
  perMinute: number;
  /** Median seconds from an operation's start to its end: longer means engine runs contend. */
  medianRun: number;
  /** Sum of run times over wall time: below the engine runs in total means idle slots. */
  busy: number;
}

interface Row {
  replicas: number;
  engineRuns: number;
  previews: Phase;
  sweep: Phase;
  failed: number;
}

/** Waits for every operation to end; returns the ended rows. */
async function waitForAll(repo: PostgresRepository, ids: string[]): Promise<Operation[]> {
  for (;;) {
    const rows = await Promise.all(ids.map((id) => repo.getOperation(id)));
    if (rows.every((o) => o && o.status !== 'queued' && o.status !== 'running')) {
      return rows as Operation[];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function phase(operations: Operation[], seconds: number): Phase {
  const runs = operations
    .map((o) => (Date.parse(o.finishedAt ?? '') - Date.parse(o.startedAt ?? '')) / 1000)
    .filter((s) => Number.isFinite(s))
    .sort((a, b) => a - b);
  const total = runs.reduce((sum, s) => sum + s, 0);
  return {
    seconds,
    perMinute: (operations.length / seconds) * 60,
    medianRun: runs[Math.floor(runs.length / 2)] ?? Number.NaN,
    busy: total / seconds,
  };
}

const failures = (operations: Operation[]) =>
  operations.filter((o) => o.status !== 'succeeded').length;

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
    const previewed = await waitForAll(repo, previews);
    const previewSeconds = (performance.now() - previewStart) / 1000;

    const applies: string[] = [];
    for (const [i, id] of previews.entries()) {
      const applied = await api(via(i), `/v1/operations/${id}/apply`, {});
      applies.push(applied.body.operationId as string);
    }
    const applied = await waitForAll(repo, applies);

    const sweepStart = performance.now();
    const checks: string[] = [];
    for (const [i, slug] of slugs.entries()) {
      const queued = await api(via(i), `/v1/properties/${slug}/drift-check`, {});
      checks.push(queued.body.operationId as string);
    }
    const checked = await waitForAll(repo, checks);
    const sweepSeconds = (performance.now() - sweepStart) / 1000;
    return {
      replicas: replicaCount,
      engineRuns,
      previews: phase(previewed, previewSeconds),
      sweep: phase(checked, sweepSeconds),
      failed: failures(previewed) + failures(applied) + failures(checked),
    };
  } finally {
    for (const replica of replicas) await replica.stop();
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Per field, the median over the rounds of one set-up. */
function medianRow(samples: Row[]): Row {
  const mid = <T>(values: T[], by: (v: T) => number) =>
    values.map(by).sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const medianPhase = (pick: (r: Row) => Phase): Phase => ({
    seconds: mid(samples, (r) => pick(r).seconds),
    perMinute: mid(samples, (r) => pick(r).perMinute),
    medianRun: mid(samples, (r) => pick(r).medianRun),
    busy: mid(samples, (r) => pick(r).busy),
  });
  const [first] = samples;
  return {
    replicas: first?.replicas ?? 0,
    engineRuns: first?.engineRuns ?? 0,
    previews: medianPhase((r) => r.previews),
    sweep: medianPhase((r) => r.sweep),
    failed: samples.reduce((sum, r) => sum + r.failed, 0),
  };
}

// One replica, then two with the same engine runs in total, then two with twice as many.
const SETUPS = [
  [1, 2],
  [2, 1],
  [2, 2],
] as const;

const cluster = await startPostgres();
try {
  const samples: Row[][] = SETUPS.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [i, [replicas, runs]] of SETUPS.entries()) {
      samples[i]?.push(await scenario(cluster, replicas, runs));
    }
  }
  const rows = samples.map(medianRow);
  console.log(`${count} properties, ${rounds} round(s), ${availableParallelism()} CPU cores`);
  for (const [name, pick] of [
    ['Queued previews', (r: Row) => r.previews],
    ['Fleet drift sweep', (r: Row) => r.sweep],
  ] as const) {
    console.log(name);
    console.table(
      rows.map((r) => ({
        replicas: r.replicas,
        'engine runs each': r.engineRuns,
        'wall (s)': pick(r).seconds.toFixed(1),
        'per min': pick(r).perMinute.toFixed(1),
        'median run (s)': pick(r).medianRun.toFixed(2),
        busy: pick(r).busy.toFixed(2),
        failed: r.failed,
      })),
    );
  }
  const [one, ...others] = rows;
  for (const row of one ? others : []) {
    console.log(
      `${row.replicas} replicas x ${row.engineRuns} runs vs 1 x ${one?.engineRuns}: previews ` +
        `${((one?.previews.seconds ?? 0) / row.previews.seconds).toFixed(2)}x, drift sweep ` +
        `${((one?.sweep.seconds ?? 0) / row.sweep.seconds).toFixed(2)}x as fast`,
    );
  }
} finally {
  await cluster.stop();
}
