import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DriftScheduler, type DriftSchedulerOptions } from '../../../infra/drift/scheduler.ts';
import { createSchedulesApi } from '../../../infra/drift/schedules.ts';
import type { OperationStatus } from '../../../infra/operations/model.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';
import { storedPropertyRow } from '../../support/drift-fixtures.ts';
import { FakeDriftQueue, newDriftCheck } from '../../support/fake-drift-queue.ts';

const logger = pino({ level: 'silent' });
const MINUTE = 60_000;

describe('DriftScheduler (fake clock, fake queue)', () => {
  let repo: SqliteRepository;
  let scheduler: DriftScheduler | undefined;

  beforeEach(async () => {
    vi.useFakeTimers();
    repo = await SqliteRepository.open(':memory:');
    await repo.migrate();
  });

  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    await repo.close();
    vi.useRealTimers();
  });

  async function start(queue: FakeDriftQueue, options: Partial<DriftSchedulerOptions> = {}) {
    scheduler = await DriftScheduler.start({
      controlPlane: queue,
      repo,
      logger,
      maxJitterMs: 0,
      defaultSchedule: null,
      ...options,
    });
    return scheduler;
  }

  async function schedule(scope: string, cron: string, timezone: string) {
    await createSchedulesApi({ repo }).upsert(scope, cron, timezone);
  }

  /** Moves the fake clock to an instant, running every timer due on the way. */
  async function advanceTo(iso: string) {
    await vi.advanceTimersByTimeAsync(Date.parse(iso) - Date.now());
    await scheduler?.idle();
    // A tick at the very end may have set jitter timers due now; run those too.
    await vi.advanceTimersByTimeAsync(0);
    await scheduler?.idle();
  }

  it('fires at 03:00 New York time, before and after the DST change', async () => {
    vi.setSystemTime(new Date('2025-03-07T12:00:00Z'));
    await repo.insertProperty(storedPropertyRow('alpha'));
    await schedule('*', '0 3 * * *', 'America/New_York');
    const queue = new FakeDriftQueue(['alpha', 'beta'], { maxConcurrent: 4, checkMs: MINUTE });
    await start(queue);

    await advanceTo('2025-03-08T07:59:59Z');
    expect(queue.driftCalls).toHaveLength(0);
    await advanceTo('2025-03-08T08:00:00Z'); // 03:00 EST
    expect(queue.driftCalls.map((c) => c.slug)).toEqual(['alpha', 'beta']);
    expect(queue.driftCalls[0]).toMatchObject({
      actor: { id: 'schedule', channel: 'schedule' },
      priority: 'scheduled',
    });

    await advanceTo('2025-03-09T06:59:59Z');
    expect(queue.driftCalls).toHaveLength(2);
    await advanceTo('2025-03-09T07:00:00Z'); // 03:00 EDT, an hour earlier in UTC
    expect(queue.driftCalls).toHaveLength(4);
  });

  it('lets an override replace the fleet schedule, and a disabled one stop it', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:30Z'));
    for (const slug of ['alpha', 'beta', 'gamma'])
      await repo.insertProperty(storedPropertyRow(slug));
    await schedule('*', '0 * * * *', 'UTC');
    await schedule('beta', '*/15 * * * *', 'UTC');
    await repo.upsertSchedule({
      scope: 'gamma',
      cron: '*/5 * * * *',
      timezone: 'UTC',
      enabled: false,
      updatedAt: new Date().toISOString(),
    });
    const queue = new FakeDriftQueue(['alpha', 'beta', 'gamma'], { maxConcurrent: 4, checkMs: 1 });
    await start(queue);

    await advanceTo('2025-01-01T01:00:00Z');
    const counts = Object.groupBy(queue.driftCalls, (c) => c.slug);
    expect(counts.alpha).toHaveLength(1);
    expect(counts.beta).toHaveLength(4);
    expect(counts.gamma).toBeUndefined();
  });

  it('spreads due checks over the jitter window (deterministic random)', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:30Z'));
    await schedule('*', '0 * * * *', 'UTC');
    const queue = new FakeDriftQueue(['a', 'b', 'c'], { maxConcurrent: 4, checkMs: 1 });
    const randoms = [0.9, 0.1, 0.5];
    await start(queue, { maxJitterMs: 10 * MINUTE, random: () => randoms.shift() ?? 0 });

    const at: Record<string, string> = {};
    const calls = () => queue.driftCalls.map((c) => c.slug);
    for (const minute of [1, 5, 9]) {
      await advanceTo(`2025-01-01T01:0${minute}:00Z`);
      for (const slug of calls()) at[slug] ??= `+${minute}m`;
    }
    expect(at).toEqual({ b: '+1m', c: '+5m', a: '+9m' });
  });

  it('hands each delay to a deferral when one is set, and audits a property already waiting', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:30Z'));
    await schedule('*', '0 * * * *', 'UTC');
    const queue = new FakeDriftQueue(['a', 'b'], { maxConcurrent: 4, checkMs: 1 });
    const started = await start(queue, { maxJitterMs: 10 * MINUTE, random: () => 0.5 });
    const deferred: Array<[string, number]> = [];
    started.useDeferral({
      // 'b' is already waiting somewhere: the deferral refuses it.
      defer: async (slug, delayMs) => {
        deferred.push([slug, delayMs]);
        return slug !== 'b';
      },
    });

    await advanceTo('2025-01-01T01:30:00Z');
    // No local timer ran a check: the deferral owns the wait.
    expect(queue.driftCalls).toHaveLength(0);
    expect(deferred).toEqual([
      ['a', 5 * MINUTE],
      ['b', 5 * MINUTE],
    ]);
    const skips = queue.auditLog.filter((r) => r.action === 'drift.skipped');
    expect(skips.map((r) => [r.property, r.detail])).toEqual([
      ['b', 'a scheduled check is still waiting for its start'],
    ]);

    // When the wait is over, whoever held it starts the check through the scheduler.
    await started.runDeferredCheck('a');
    expect(queue.driftCalls.map((c) => [c.slug, c.priority])).toEqual([['a', 'scheduled']]);
  });

  it('keeps the wait on its own timer when the deferral fails', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:30Z'));
    await schedule('*', '0 * * * *', 'UTC');
    const queue = new FakeDriftQueue(['a'], { maxConcurrent: 4, checkMs: 1 });
    const started = await start(queue, { maxJitterMs: 10 * MINUTE, random: () => 0.5 });
    started.useDeferral({
      defer: async () => {
        throw new Error('connection terminated');
      },
    });

    await advanceTo('2025-01-01T01:04:59Z');
    expect(queue.driftCalls).toHaveLength(0);
    await advanceTo('2025-01-01T01:05:00Z');
    expect(queue.driftCalls.map((c) => c.slug)).toEqual(['a']);
    expect(started.stats()).toMatchObject({ enqueued: 1, failed: 0 });
  });

  it('skips a property whose last drift check is still running and audits the skip', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:30Z'));
    await schedule('*', '*/10 * * * *', 'UTC');
    // Each check takes 25 minutes, so the ticks at :20 and :30 find it still running.
    const queue = new FakeDriftQueue(['alpha'], { maxConcurrent: 1, checkMs: 25 * MINUTE });
    const started = await start(queue);

    await advanceTo('2025-01-01T00:40:00Z');
    expect(queue.driftCalls).toHaveLength(2); // at :10, then :40 after the first finished at :35
    expect(started.stats()).toMatchObject({ enqueued: 2, skipped: 2 });
    const skips = queue.auditLog.filter((a) => a.action === 'drift.skipped');
    expect(skips).toHaveLength(2);
    expect(skips[0]).toMatchObject({
      actor: 'schedule',
      property: 'alpha',
      operationId: 'op-1',
      result: 'skipped',
      detail: expect.stringContaining('still running'),
    });
  });

  it("records the control plane's busy refusal as a skip", async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:30Z'));
    await schedule('*', '0 * * * *', 'UTC');
    const queue = new FakeDriftQueue(['alpha'], { maxConcurrent: 1, checkMs: 1 });
    vi.spyOn(queue, 'listOperations').mockResolvedValue([]); // a race: the check just got queued
    vi.spyOn(queue, 'driftCheck').mockResolvedValue({
      accepted: false,
      code: 'busy',
      reason: 'A drift check of alpha is already queued (op-9).',
    });
    const started = await start(queue);

    await advanceTo('2025-01-01T01:00:00Z');
    expect(started.stats()).toMatchObject({ enqueued: 0, skipped: 1 });
    expect(queue.auditLog).toEqual([
      expect.objectContaining({ action: 'drift.skipped', detail: expect.stringContaining('op-9') }),
    ]);
  });

  it('never runs more checks at once than the queue allows, and never piles them up', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:30Z'));
    await schedule('*', '*/5 * * * *', 'UTC');
    const slugs = Array.from({ length: 12 }, (_, i) => `hotel-${i}`);
    // 12 checks of 4 minutes at 2 at a time need 24 minutes: every tick meets busy properties.
    const queue = new FakeDriftQueue(slugs, { maxConcurrent: 2, checkMs: 4 * MINUTE });
    const started = await start(queue, { maxJitterMs: MINUTE, random: () => 0.5 });

    await advanceTo('2025-01-01T01:01:00Z'); // past the last tick's jitter
    expect(queue.peakRunning).toBe(2);
    const perProperty = queue.operations.filter((o) => o.property === 'hotel-0');
    const active = perProperty.filter((o) => o.status === 'queued' || o.status === 'running');
    expect(active.length).toBeLessThanOrEqual(1);
    expect(started.stats().skipped).toBeGreaterThan(0);
    expect(queue.driftCalls.every((c) => c.priority === 'scheduled')).toBe(true);
    const stats = started.stats();
    expect(stats.enqueued + stats.skipped).toBe(12 * 12);
  });

  it('re-reads the timetable when a schedule changes through the schedules API', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:30Z'));
    await repo.insertProperty(storedPropertyRow('alpha'));
    const queue = new FakeDriftQueue(['alpha'], { maxConcurrent: 1, checkMs: 1 });
    const started = await start(queue);
    const api = createSchedulesApi({ repo, onChange: () => void started.reload() });

    await advanceTo('2025-01-01T00:30:00Z');
    expect(queue.driftCalls).toHaveLength(0);
    await api.upsert('*', '45 * * * *', 'UTC');
    await advanceTo('2025-01-01T00:45:00Z');
    expect(queue.driftCalls).toHaveLength(1);
    await api.remove('*');
    await advanceTo('2025-01-01T02:00:00Z');
    expect(queue.driftCalls).toHaveLength(1);
  });

  it('uses the built-in fleet default while no fleet schedule is stored', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:30Z'));
    const queue = new FakeDriftQueue(['alpha'], { maxConcurrent: 1, checkMs: 1 });
    await start(queue, { defaultSchedule: undefined });
    await advanceTo('2025-01-01T00:17:00Z');
    expect(queue.driftCalls).toHaveLength(1);
    expect(newDriftCheck('x', 'alpha', { id: 'a', channel: 'c' }).kind).toBe('drift-check');
  });

  describe('catching up runs missed while the service was down', () => {
    const schedule_ = { id: 'schedule', channel: 'schedule' } as const;

    /** A drift check of `slug` that ended (or was cut short) at `at`. */
    function pastCheck(
      queue: FakeDriftQueue,
      slug: string,
      at: string,
      status: OperationStatus = 'succeeded',
    ) {
      const check = newDriftCheck(`old-${slug}`, slug, schedule_, 'scheduled', at);
      queue.operations.push({ ...check, status, finishedAt: at });
    }

    it('checks once each property whose schedule came due after its newest check', async () => {
      vi.setSystemTime(new Date('2025-01-01T10:20:00Z'));
      await schedule('*', '0 * * * *', 'UTC');
      const queue = new FakeDriftQueue(['alpha', 'beta', 'gamma', 'delta'], {
        maxConcurrent: 4,
        checkMs: 1,
        // gamma was added after the 10:00 run; delta long before and never checked.
        createdAt: { gamma: '2025-01-01T10:10:00.000Z', delta: '2024-06-01T00:00:00.000Z' },
      });
      // alpha was last checked at 08:30 (two runs missed), beta after the 10:00 run.
      pastCheck(queue, 'alpha', '2025-01-01T08:30:00.000Z');
      pastCheck(queue, 'beta', '2025-01-01T10:05:00.000Z');
      const started = await start(queue);

      expect(await started.catchUp()).toEqual(['alpha', 'delta']);
      await started.idle();
      expect(queue.driftCalls.map((c) => c.slug)).toEqual(['alpha', 'delta']);
      expect(queue.driftCalls[0]).toMatchObject({ actor: schedule_, priority: 'scheduled' });
      expect(started.stats()).toMatchObject({ caughtUp: 2, enqueued: 2 });

      // The next run is the timer's as usual, for everyone.
      await advanceTo('2025-01-01T11:00:00Z');
      expect(queue.driftCalls).toHaveLength(6);
    });

    it("follows a property's override, and a disabled override stops the catch-up", async () => {
      vi.setSystemTime(new Date('2025-01-02T12:00:00Z'));
      await repo.insertProperty(storedPropertyRow('alpha'));
      await schedule('*', '0 * * * *', 'UTC');
      await schedule('alpha', '0 3 * * *', 'Europe/Lisbon');
      await repo.upsertSchedule({
        scope: 'beta',
        cron: '0 * * * *',
        timezone: 'UTC',
        enabled: false,
        updatedAt: new Date().toISOString(),
      });
      const queue = new FakeDriftQueue(['alpha', 'beta', 'gamma'], {
        maxConcurrent: 4,
        checkMs: 1,
      });
      // Each checked at 04:00 today: after alpha's daily 03:00, before the fleet's hourly runs.
      for (const slug of ['alpha', 'beta', 'gamma']) {
        pastCheck(queue, slug, '2025-01-02T04:00:00.000Z');
      }
      const started = await start(queue);

      expect(await started.catchUp()).toEqual(['gamma']);
    });

    it('counts a check the outage cut short as no check', async () => {
      vi.setSystemTime(new Date('2025-01-01T10:20:00Z'));
      await schedule('*', '0 * * * *', 'UTC');
      const queue = new FakeDriftQueue(['alpha', 'beta'], { maxConcurrent: 4, checkMs: 1 });
      pastCheck(queue, 'alpha', '2025-01-01T09:30:00.000Z');
      pastCheck(queue, 'beta', '2025-01-01T09:30:00.000Z');
      // alpha's 10:00 check was running when the service died.
      pastCheck(queue, 'alpha', '2025-01-01T10:01:00.000Z', 'interrupted');
      pastCheck(queue, 'beta', '2025-01-01T10:01:00.000Z');
      const started = await start(queue);

      expect(await started.catchUp()).toEqual(['alpha']);
    });

    it('hands the caught-up checks to the deferral when one is set', async () => {
      vi.setSystemTime(new Date('2025-01-01T10:20:00Z'));
      await schedule('*', '0 * * * *', 'UTC');
      const queue = new FakeDriftQueue(['alpha', 'beta'], { maxConcurrent: 4, checkMs: 1 });
      const started = await start(queue, { maxJitterMs: 10 * MINUTE, random: () => 0.25 });
      const deferred: Array<[string, number]> = [];
      started.useDeferral({
        defer: async (slug, delayMs) => {
          deferred.push([slug, delayMs]);
          return true;
        },
      });

      expect(await started.catchUp()).toEqual(['alpha', 'beta']);
      await started.idle();
      expect(deferred).toEqual([
        ['alpha', 2.5 * MINUTE],
        ['beta', 2.5 * MINUTE],
      ]);
      expect(queue.driftCalls).toHaveLength(0);
    });

    it('queues nothing without a schedule, or when nothing came due since the last check', async () => {
      vi.setSystemTime(new Date('2025-01-01T10:20:00Z'));
      const queue = new FakeDriftQueue(['alpha'], {
        maxConcurrent: 4,
        checkMs: 1,
        createdAt: { alpha: '2025-01-01T10:01:00.000Z' },
      });
      const started = await start(queue);
      expect(await started.catchUp()).toEqual([]);
      await schedule('*', '0 * * * *', 'UTC');
      expect(await started.catchUp()).toEqual([]);
      expect(queue.driftCalls).toHaveLength(0);
      expect(started.stats().caughtUp).toBe(0);
    });
  });
});
