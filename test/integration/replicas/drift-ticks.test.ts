import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ReplicatedDriftTicks } from '../../../infra/drift/replicated-ticks.ts';
import { DriftScheduler } from '../../../infra/drift/scheduler.ts';
import { createSchedulesApi } from '../../../infra/drift/schedules.ts';
import { QUEUES } from '../../../infra/jobs/job-engine.ts';
import type { Replication } from '../../../infra/jobs/replication.ts';
import type { PostgresRepository } from '../../../infra/storage/postgres.ts';
import { insertPropertyRow } from '../../support/drift-fixtures.ts';
import { FakeDriftQueue } from '../../support/fake-drift-queue.ts';
import { usePostgresCluster } from '../../support/postgres-suite.ts';
import { openTestReplication } from '../../support/test-replication.ts';

const logger = pino({ level: 'silent' });
/** A fleet schedule that never fires while a test runs. */
const YEARLY = '0 0 1 1 *';
const cluster = usePostgresCluster();

interface TickReplica {
  replication: Replication;
  repo: PostgresRepository;
  scheduler: DriftScheduler;
  ticks: ReplicatedDriftTicks;
  close(): Promise<void>;
  /** Dies as a killed process would: no graceful stop, nothing handed back. */
  kill(): Promise<void>;
}

async function startTickReplica(
  url: string,
  name: string,
  queue: FakeDriftQueue,
  options: { fleetCron?: string; maxJitterMs?: number; random?: () => number } = {},
) {
  const { repo, replication } = await openTestReplication(url, name, {
    maxEngineRuns: 1,
    logger,
    cronMonitorIntervalSeconds: 1,
  });
  const scheduler = await DriftScheduler.start({
    controlPlane: queue,
    repo,
    logger,
    maxJitterMs: options.maxJitterMs ?? 0,
    ...(options.random ? { random: options.random } : {}),
    defaultSchedule: { cron: options.fleetCron ?? '* * * * *', timezone: 'UTC' },
    externalTicks: true,
  });
  const ticks = await ReplicatedDriftTicks.start(replication.boss, scheduler, logger);
  let killed = false;
  return {
    replication,
    repo,
    scheduler,
    ticks,
    async close() {
      if (killed) return;
      await ticks.stop();
      await scheduler.stop();
      await replication.close();
      await repo.close();
    },
    async kill() {
      killed = true;
      await replication.boss.stop({ graceful: false, close: true });
      await scheduler.stop();
      await replication.relay.close();
      await replication.lockPool.end();
      await repo.close();
    },
  } satisfies TickReplica;
}

describe('drift schedules shared by two replicas', () => {
  it('a fleet sweep fires once per tick, whichever replica takes it', async () => {
    const url = await cluster.createDatabase();
    const queue = new FakeDriftQueue(['alpha', 'beta', 'gamma'], { maxConcurrent: 3, checkMs: 10 });
    const a = await startTickReplica(url, 'ticks-a', queue);
    const b = await startTickReplica(url, 'ticks-b', queue);
    try {
      // The first minute boundary, plus pg-boss's cron and worker passes.
      const deadline = Date.now() + 80_000;
      while (queue.driftCalls.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      // Let a duplicate, if there were one, arrive.
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      await Promise.all([a.scheduler.idle(), b.scheduler.idle()]);
      // A schedule created inside a minute that is due may fire for it and for the next one:
      // what must hold is one tick per occurrence, and one check per property per tick.
      const ticks = [...a.ticks.handled(), ...b.ticks.handled()];
      expect(ticks.length).toBeGreaterThanOrEqual(1);
      const occurrences = ticks.map((t) => `${t.scope}@${t.occurrence}`);
      expect(new Set(occurrences).size, JSON.stringify(ticks)).toBe(occurrences.length);
      for (const t of ticks) expect(t.occurrence).toMatch(/T\d\d:\d\d:00\.000Z$/);
      expect(a.scheduler.stats().ticks + b.scheduler.stats().ticks).toBe(ticks.length);
      for (const slug of ['alpha', 'beta', 'gamma']) {
        expect(queue.driftCalls.filter((c) => c.slug === slug)).toHaveLength(ticks.length);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a tick the job engine hands over twice is dispatched once', async () => {
    const url = await cluster.createDatabase();
    const queue = new FakeDriftQueue(['alpha', 'beta'], { maxConcurrent: 2, checkMs: 10 });
    // A yearly schedule: no tick of its own comes during the test; the repeats are sent by hand.
    const a = await startTickReplica(url, 'repeat-a', queue, { fleetCron: YEARLY });
    const b = await startTickReplica(url, 'repeat-b', queue, { fleetCron: YEARLY });
    try {
      await a.replication.boss.send(QUEUES.driftTick, { scope: '*' });
      await b.replication.boss.send(QUEUES.driftTick, { scope: '*' });
      const deadline = Date.now() + 30_000;
      while (queue.driftCalls.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // Both jobs are taken and settled before counting.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await Promise.all([a.scheduler.idle(), b.scheduler.idle()]);
      expect(queue.driftCalls.map((c) => c.slug).sort()).toEqual(['alpha', 'beta']);
      const ticks = [...a.ticks.handled(), ...b.ticks.handled()];
      expect(ticks).toHaveLength(1);
      expect(ticks[0]?.occurrence).toMatch(/-01-01T00:00:00\.000Z$/);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a check waiting out its jitter runs on the other replica when its own dies', async () => {
    const url = await cluster.createDatabase();
    const queue = new FakeDriftQueue(['alpha', 'beta'], { maxConcurrent: 2, checkMs: 10 });
    // Every check waits 3 seconds; the yearly fleet schedule never ticks on its own.
    const jitter = { fleetCron: YEARLY, maxJitterMs: 4_000, random: () => 0.75 };
    const a = await startTickReplica(url, 'jitter-a', queue, jitter);
    const b = await startTickReplica(url, 'jitter-b', queue, jitter);
    try {
      await a.scheduler.fire(['*']);
      await a.scheduler.idle();
      // A second tick while both wait: nothing more waits, and each skip is audited.
      await a.scheduler.fire(['*']);
      await a.scheduler.idle();
      const skips = queue.auditLog.filter((r) => r.action === 'drift.skipped');
      expect(skips.map((r) => r.property).sort()).toEqual(['alpha', 'beta']);
      expect(queue.driftCalls).toHaveLength(0);

      // Replica a dies before the checks start: nothing of it runs again.
      await a.kill();
      const deadline = Date.now() + 30_000;
      while (queue.driftCalls.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await b.scheduler.idle();
      expect(queue.driftCalls.map((c) => c.slug).sort()).toEqual(['alpha', 'beta']);
      expect(queue.driftCalls.every((c) => c.priority === 'scheduled')).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('two replicas back from an outage catch up each missed property once', async () => {
    const url = await cluster.createDatabase();
    // Added in 2020 and never checked: the yearly run of January 1st was missed.
    const queue = new FakeDriftQueue(['alpha', 'beta'], { maxConcurrent: 2, checkMs: 10 });
    const jitter = { fleetCron: YEARLY, maxJitterMs: 6_000, random: () => 0.5 };
    const a = await startTickReplica(url, 'outage-a', queue, jitter);
    const b = await startTickReplica(url, 'outage-b', queue, jitter);
    try {
      const [fromA, fromB] = await Promise.all([a.scheduler.catchUp(), b.scheduler.catchUp()]);
      expect(fromA).toEqual(['alpha', 'beta']);
      expect(fromB).toEqual(['alpha', 'beta']);
      await Promise.all([a.scheduler.idle(), b.scheduler.idle()]);
      // Both asked; the job engine let one wait per property. Each runs after its 3 s jitter.
      const deadline = Date.now() + 30_000;
      while (queue.driftCalls.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await Promise.all([a.scheduler.idle(), b.scheduler.idle()]);
      expect(queue.driftCalls.map((c) => c.slug).sort()).toEqual(['alpha', 'beta']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a schedule stored on one replica becomes a job-engine schedule for all', async () => {
    const url = await cluster.createDatabase();
    const queue = new FakeDriftQueue(['alpha'], { maxConcurrent: 1, checkMs: 10 });
    const a = await startTickReplica(url, 'sync-a', queue);
    try {
      await insertPropertyRow(a.repo, 'alpha');
      const api = createSchedulesApi({ repo: a.repo, onChange: () => void a.ticks.sync() });
      await api.upsert('alpha', '0 3 * * *', 'Europe/Lisbon');
      await a.ticks.sync();
      const stored = await a.replication.boss.getSchedules(QUEUES.driftTick);
      expect(stored.map((s) => [s.key, s.cron, s.timezone]).sort()).toEqual([
        ['fleet', '* * * * *', 'UTC'],
        ['property/alpha', '0 3 * * *', 'Europe/Lisbon'],
      ]);
      await api.remove('alpha');
      await a.ticks.sync();
      const after = await a.replication.boss.getSchedules(QUEUES.driftTick);
      expect(after.map((s) => s.key)).toEqual(['fleet']);
    } finally {
      await a.close();
    }
  });
});
