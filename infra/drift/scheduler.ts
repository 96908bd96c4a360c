/**
 * Fires scheduled drift checks. Croner computes when each schedule is next due; the scheduler
 * sleeps on one timer until then, and on waking queues a low-priority drift check per due
 * property, each delayed by a random jitter so a fleet does not start at once. The operations
 * queue keeps its own limit on engine runs; the scheduler only ever goes through `driftCheck`.
 * A property whose last drift check is still queued or running is skipped, and the skip is
 * audited, so slow checks never pile up. At start-up, `catchUp` makes up for runs missed while
 * the service was down.
 */
import type { Logger } from 'pino';
import type { Actor, ControlPlaneApi } from '../control-plane-api.ts';
import { isFinished } from '../operations/model.ts';
import type { Repository, Schedule } from '../storage/repository.ts';
import { propertiesThatMissedARun, type TimetableEntry } from './missed-runs.ts';
import { compileSchedule, DEFAULT_FLEET_SCHEDULE, FLEET_SCOPE } from './schedules.ts';

export const SCHEDULE_ACTOR: Actor = { id: 'schedule', channel: 'schedule' };

export type SchedulerControlPlane = Pick<
  ControlPlaneApi,
  'listProperties' | 'listOperations' | 'driftCheck' | 'audit'
>;

/** Time and timers, injected so tests can run a day of schedules in milliseconds. */
export interface SchedulerClock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// Looked up at call time, so vitest's fake timers replace them too.
export const systemClock: SchedulerClock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface DriftSchedulerOptions {
  controlPlane: SchedulerControlPlane;
  repo: Pick<Repository, 'listSchedules'>;
  logger: Logger;
  /** Each due check starts after a random delay up to this (default 5 minutes). */
  maxJitterMs?: number;
  /** A number in [0, 1); Math.random unless a test makes it deterministic. */
  random?: () => number;
  clock?: SchedulerClock;
  /** The fleet schedule while none is stored; null means no checks until one is stored. */
  defaultSchedule?: { cron: string; timezone: string } | null;
  /** Longest sleep before the timetable is read again (default 1 hour). */
  maxSleepMs?: number;
  /**
   * Someone else says when schedules are due (the job engine's cron, with replicas) and calls
   * `fire`; the scheduler then keeps no timer of its own.
   */
  externalTicks?: boolean;
}

/**
 * Holds a due check until its start somewhere that outlives this process (the job engine, with
 * replicas), so a replica that dies while a check waits out its jitter loses nothing.
 */
export interface CheckDeferral {
  /** Starts `runDeferredCheck(slug)` on some replica after `delayMs`; false if one is waiting. */
  defer(slug: string, delayMs: number): Promise<boolean>;
}

export interface SchedulerStats {
  /** Wake-ups at which at least one schedule was due. */
  ticks: number;
  enqueued: number;
  skipped: number;
  /** Enqueues that failed for another reason (logged). */
  failed: number;
  /** Checks started at start-up for runs missed while the service was down. */
  caughtUp: number;
}

// Node's timers overflow past 2^31 - 1 ms; the scheduler never sleeps that long anyway.
const ONE_HOUR_MS = 3_600_000;

export class DriftScheduler {
  readonly #options: DriftSchedulerOptions;
  readonly #clock: SchedulerClock;
  readonly #logger: Logger;
  /** Runs due at or before this instant have been handled. */
  #cursor: Date;
  #timer: unknown = null;
  readonly #jittered = new Map<string, unknown>();
  #deferral: CheckDeferral | null = null;
  readonly #inflight = new Set<Promise<void>>();
  #stopped = false;
  #arming: Promise<void> = Promise.resolve();
  readonly #stats: SchedulerStats = { ticks: 0, enqueued: 0, skipped: 0, failed: 0, caughtUp: 0 };

  private constructor(options: DriftSchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger.child({ component: 'drift-scheduler' });
    this.#cursor = this.#clock.now();
  }

  /** Starts sleeping until the next due schedule. */
  static async start(options: DriftSchedulerOptions): Promise<DriftScheduler> {
    const scheduler = new DriftScheduler(options);
    await scheduler.reload();
    return scheduler;
  }

  stats(): SchedulerStats {
    return { ...this.#stats };
  }

  /**
   * Makes up for runs missed while no service was up (call once at start, after `useDeferral`):
   * each property that missed one (see missed-runs.ts) gets one check now, with the usual jitter.
   * Each property's last finished check is the memory, so nothing extra is stored. A run skipped
   * because a check was busy counts as missed too (at worst one check more than needed).
   * Resolves with the properties it queued.
   */
  catchUp(): Promise<string[]> {
    let missed: string[] = [];
    this.#arming = this.#arming.then(async () => {
      if (this.#stopped) return;
      try {
        const timetable = await this.#timetable();
        missed = await propertiesThatMissedARun(
          this.#options.controlPlane,
          timetable,
          this.#clock.now(),
        );
        if (missed.length === 0) return;
        this.#stats.caughtUp += missed.length;
        this.#logger.info({ properties: missed }, 'catching up drift checks missed while down');
        this.#dispatchChecks(missed);
      } catch (error) {
        this.#logger.error({ err: error }, 'catching up missed drift checks failed');
      }
    });
    return this.#arming.then(() => missed);
  }

  /** A tick decided elsewhere: dispatches the properties of these scopes as if they were due. */
  fire(scopes: string[]): Promise<void> {
    this.#arming = this.#arming.then(async () => {
      if (this.#stopped) return;
      try {
        this.#stats.ticks += 1;
        await this.#dispatch(new Set(scopes), await this.#timetable());
      } catch (error) {
        this.#logger.error({ err: error, scopes }, 'drift schedule tick failed');
      }
    });
    return this.#arming;
  }

  /** From now on, due checks wait out their jitter in `deferral` instead of a local timer. */
  useDeferral(deferral: CheckDeferral | null): void {
    this.#deferral = deferral;
  }

  /** A check whose jitter was waited out by the deferral: queued now, unless one is busy. */
  async runDeferredCheck(slug: string): Promise<void> {
    if (this.#stopped) return;
    const work = this.#check(slug);
    this.#track(work);
    await work;
  }

  /** The stored schedules and the fleet default, as the timer reads them. */
  async timetable(): Promise<
    Array<{ scope: string; cron: string; timezone: string; enabled: boolean }>
  > {
    return this.#rows();
  }

  /** Re-reads the timetable now (after a schedule changed); earlier runs are not replayed. */
  reload(): Promise<void> {
    this.#arming = this.#arming.then(() => {
      this.#cursor = maxDate(this.#cursor, this.#clock.now());
      return this.#arm();
    });
    return this.#arming;
  }

  /** Stops all timers; checks already queued in the control plane run on. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
    for (const handle of this.#jittered.values()) this.#clock.clearTimeout(handle);
    this.#jittered.clear();
    await this.idle();
  }

  /** Resolves when the enqueues started so far have finished (tests and shutdown). */
  async idle(): Promise<void> {
    await this.#arming;
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  async #arm(): Promise<void> {
    if (this.#stopped || this.#options.externalTicks) return;
    this.#clock.clearTimeout(this.#timer);
    const timetable = await this.#timetable();
    const enabled = timetable.filter((entry) => entry.enabled);
    const next = earliest(enabled.map((entry) => entry.cron.nextRun(this.#cursor)));
    const maxSleep = this.#options.maxSleepMs ?? ONE_HOUR_MS;
    const now = this.#clock.now().getTime();
    const delay = next === null ? maxSleep : Math.min(Math.max(next.getTime() - now, 0), maxSleep);
    this.#timer = this.#clock.setTimeout(() => {
      this.#arming = this.#arming.then(() => this.#wake());
    }, delay);
  }

  async #wake(): Promise<void> {
    if (this.#stopped) return;
    try {
      const now = this.#clock.now();
      const timetable = await this.#timetable();
      const due = new Set(
        timetable
          .filter((entry) => entry.enabled)
          .filter((entry) => {
            const next = entry.cron.nextRun(this.#cursor);
            return next !== null && next.getTime() <= now.getTime();
          })
          .map((entry) => entry.scope),
      );
      this.#cursor = now;
      if (due.size > 0) {
        this.#stats.ticks += 1;
        await this.#dispatch(due, timetable);
      }
    } catch (error) {
      this.#logger.error({ err: error }, 'drift schedule tick failed');
    }
    await this.#arm();
  }

  /** Due properties: those under a due override, and those without one when the fleet is due. */
  async #dispatch(due: Set<string>, timetable: TimetableEntry[]): Promise<void> {
    // A disabled override is still an override: it turns that property's checks off.
    const overrides = new Set(timetable.map((e) => e.scope).filter((s) => s !== FLEET_SCOPE));
    const properties = await this.#options.controlPlane.listProperties();
    const slugs = properties
      .map((p) => p.spec.slug)
      .filter((slug) => due.has(overrides.has(slug) ? slug : FLEET_SCOPE))
      .sort();
    this.#logger.info({ due: [...due], properties: slugs.length }, 'drift schedule due');
    this.#dispatchChecks(slugs);
  }

  /** Starts a check per property, each after its jitter (locally or through the deferral). */
  #dispatchChecks(slugs: string[]): void {
    const maxJitter = this.#options.maxJitterMs ?? 5 * 60_000;
    const random = this.#options.random ?? Math.random;
    for (const slug of slugs) {
      const delay = Math.floor(random() * maxJitter);
      const deferral = this.#deferral;
      if (deferral) this.#track(this.#defer(deferral, slug, delay));
      else this.#waitLocally(slug, delay);
    }
  }

  /** Runs the check after `delay` on this process's own timer. */
  #waitLocally(slug: string, delay: number): void {
    if (this.#stopped) return;
    if (this.#jittered.has(slug)) {
      this.#track(this.#skip(slug, 'a scheduled check is still waiting for its start', null));
      return;
    }
    if (delay === 0) {
      this.#track(this.#check(slug));
      return;
    }
    const handle = this.#clock.setTimeout(() => {
      this.#jittered.delete(slug);
      if (!this.#stopped) this.#track(this.#check(slug));
    }, delay);
    this.#jittered.set(slug, handle);
  }

  async #defer(deferral: CheckDeferral, slug: string, delayMs: number): Promise<void> {
    try {
      if (!(await deferral.defer(slug, delayMs))) {
        await this.#skip(slug, 'a scheduled check is still waiting for its start', null);
      }
    } catch (error) {
      // The job engine could not take it (a database hiccup): this process keeps the wait, so
      // the check is lost only if this replica also dies before its start.
      this.#logger.warn(
        { err: error, property: slug },
        'could not defer a scheduled drift check; waiting for it here',
      );
      this.#waitLocally(slug, delayMs);
    }
  }

  async #check(slug: string): Promise<void> {
    const { controlPlane } = this.#options;
    try {
      const [last] = await controlPlane.listOperations({
        property: slug,
        kind: 'drift-check',
        limit: 1,
      });
      if (last && !isFinished(last.status)) {
        await this.#skip(slug, `drift check ${last.id} is still ${last.status}`, last.id);
        return;
      }
      const result = await controlPlane.driftCheck(slug, SCHEDULE_ACTOR, 'scheduled');
      if (result.accepted) {
        this.#stats.enqueued += 1;
        this.#logger.debug(
          { property: slug, operation: result.operation.id },
          'drift check queued',
        );
      } else if (result.code === 'busy') {
        await this.#skip(slug, result.reason, null);
      } else {
        this.#stats.failed += 1;
        this.#logger.warn({ property: slug, code: result.code }, 'scheduled drift check refused');
      }
    } catch (error) {
      this.#stats.failed += 1;
      this.#logger.error({ err: error, property: slug }, 'scheduled drift check failed to queue');
    }
  }

  async #skip(slug: string, reason: string, operationId: string | null): Promise<void> {
    this.#stats.skipped += 1;
    this.#logger.info({ property: slug, reason }, 'scheduled drift check skipped');
    try {
      await this.#options.controlPlane.audit({
        actor: SCHEDULE_ACTOR.id,
        channel: SCHEDULE_ACTOR.channel,
        action: 'drift.skipped',
        property: slug,
        operationId,
        result: 'skipped',
        detail: reason,
      });
    } catch (error) {
      this.#logger.warn({ err: error, property: slug }, 'could not audit a skipped drift check');
    }
  }

  #track(work: Promise<void>): void {
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work));
  }

  async #rows(): Promise<Array<Pick<Schedule, 'scope' | 'cron' | 'timezone' | 'enabled'>>> {
    const stored = await this.#options.repo.listSchedules();
    const rows: Array<Pick<Schedule, 'scope' | 'cron' | 'timezone' | 'enabled'>> = stored.map(
      ({ scope, cron, timezone, enabled }) => ({ scope, cron, timezone, enabled }),
    );
    const fallback =
      this.#options.defaultSchedule === undefined
        ? DEFAULT_FLEET_SCHEDULE
        : this.#options.defaultSchedule;
    if (fallback && !stored.some((s) => s.scope === FLEET_SCOPE)) {
      rows.push({ scope: FLEET_SCOPE, ...fallback, enabled: true });
    }
    return rows;
  }

  async #timetable(): Promise<TimetableEntry[]> {
    const rows = await this.#rows();
    const entries: TimetableEntry[] = [];
    for (const row of rows) {
      try {
        entries.push({
          scope: row.scope,
          enabled: row.enabled,
          cron: compileSchedule(row.cron, row.timezone),
        });
      } catch (error) {
        // Stored schedules were validated on the way in; one that no longer parses is skipped.
        this.#logger.warn({ err: error, scope: row.scope }, 'ignoring an unparsable schedule');
      }
    }
    return entries;
  }
}

function earliest(dates: Array<Date | null>): Date | null {
  let best: Date | null = null;
  for (const date of dates) if (date && (!best || date < best)) best = date;
  return best;
}

function maxDate(a: Date, b: Date): Date {
  return a > b ? a : b;
}
