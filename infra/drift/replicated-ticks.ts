/**
 * With replicas, the job engine's cron says when drift schedules are due: each stored schedule
 * (and the fleet default) is a pg-boss schedule keyed by its scope, and pg-boss sends one job
 * per tick however many replicas run its cron. Whichever replica takes the job dispatches the
 * due properties through the ordinary scheduler.
 *
 * The replica first claims the occurrence (see infra/jobs/occurrence-claims.ts), since pg-boss can
 * hand one over twice.
 *
 * Each due check then waits out its jitter as a deferred job (one waiting per property), not as
 * a timer in the replica that took the tick: if that replica dies, another one starts the check.
 */
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { QUEUES } from '../jobs/job-engine.ts';
import { claimOccurrence, createClaimsQueue, occurrenceOf } from '../jobs/occurrence-claims.ts';
import type { CheckDeferral, DriftScheduler } from './scheduler.ts';
import { FLEET_SCOPE } from './schedules.ts';

/** How many handled ticks a replica remembers (for tests and diagnostics). */
const HANDLED_KEPT = 200;

interface TickJob {
  scope: string;
}

interface CheckJob {
  slug: string;
}

export class ReplicatedDriftTicks implements CheckDeferral {
  readonly #boss: PgBoss;
  readonly #scheduler: DriftScheduler;
  readonly #logger: Logger;
  #sync: Promise<void> = Promise.resolve();
  readonly #handled: Array<{ scope: string; occurrence: string; job: string }> = [];

  private constructor(boss: PgBoss, scheduler: DriftScheduler, logger: Logger) {
    this.#boss = boss;
    this.#scheduler = scheduler;
    this.#logger = logger.child({ component: 'drift-ticks' });
  }

  static async start(
    boss: PgBoss,
    scheduler: DriftScheduler,
    logger: Logger,
  ): Promise<ReplicatedDriftTicks> {
    const ticks = new ReplicatedDriftTicks(boss, scheduler, logger);
    // A dispatch takes seconds; one still active after 5 minutes belonged to a dead replica.
    await boss.createQueue(QUEUES.driftTick, { expireInSeconds: 300, retryLimit: 2 });
    await createClaimsQueue(boss);
    // `short`: one waiting check per property (its singleton key); a repeat send returns null.
    // Queueing a check takes well under a minute; one active longer belonged to a dead replica.
    await boss.createQueue(QUEUES.driftCheck, {
      policy: 'short',
      expireInSeconds: 60,
      retryLimit: 2,
    });
    await ticks.sync();
    await boss.work(
      QUEUES.driftCheck,
      { pollingIntervalSeconds: 2 },
      async ([job]: Array<{ data: CheckJob }>) => {
        if (job) await scheduler.runDeferredCheck(job.data.slug);
      },
    );
    scheduler.useDeferral(ticks);
    await boss.work(
      QUEUES.driftTick,
      { pollingIntervalSeconds: 2, includeMetadata: true },
      async ([job]: JobWithMetadata<TickJob>[]) => {
        if (!job) return;
        const { scope } = job.data;
        const schedule = (await scheduler.timetable()).find((r) => r.scope === scope);
        const occurrence = occurrenceOf(schedule, job.createdOn);
        if (!(await claimOccurrence(boss, scope, occurrence))) {
          ticks.#logger.warn({ scope, occurrence, job: job.id }, 'repeated drift tick ignored');
          return;
        }
        ticks.#handled.push({ scope, occurrence, job: job.id });
        // A replica lives for months: keep the recent ticks only.
        if (ticks.#handled.length > HANDLED_KEPT) ticks.#handled.shift();
        ticks.#logger.info({ scope, occurrence }, 'drift schedule tick');
        await scheduler.fire([scope]);
      },
    );
    return ticks;
  }

  async defer(slug: string, delayMs: number): Promise<boolean> {
    const job: CheckJob = { slug };
    const startAfter = Math.ceil(delayMs / 1000);
    const id = await this.#boss.send(QUEUES.driftCheck, job, { singletonKey: slug, startAfter });
    return id !== null;
  }

  /** The latest ticks this replica took: which schedule, and the occurrence (its minute slot). */
  handled(): Array<{ scope: string; occurrence: string; job: string }> {
    return [...this.#handled];
  }

  /** Makes pg-boss's schedules match the stored ones (after any change, from any replica). */
  sync(): Promise<void> {
    this.#sync = this.#sync
      .then(() => this.#syncOnce())
      .catch((error: unknown) => this.#logger.error({ err: error }, 'schedule sync failed'));
    return this.#sync;
  }

  async stop(): Promise<void> {
    await this.#sync;
    this.#scheduler.useDeferral(null);
    // Checks still waiting stay in the job engine for the other replicas.
    for (const queue of [QUEUES.driftTick, QUEUES.driftCheck]) {
      await this.#boss.offWork(queue, { wait: false }).catch(() => undefined);
    }
  }

  async #syncOnce(): Promise<void> {
    const wanted = (await this.#scheduler.timetable()).filter((row) => row.enabled);
    for (const row of wanted) {
      try {
        await this.#boss.schedule(
          QUEUES.driftTick,
          row.cron,
          { scope: row.scope } satisfies TickJob,
          {
            tz: row.timezone,
            key: scheduleKey(row.scope),
          },
        );
      } catch (error) {
        this.#logger.warn({ err: error, scope: row.scope }, 'the job engine refused a schedule');
      }
    }
    const keep = new Set(wanted.map((row) => scheduleKey(row.scope)));
    for (const existing of await this.#boss.getSchedules(QUEUES.driftTick)) {
      if (!keep.has(existing.key)) await this.#boss.unschedule(QUEUES.driftTick, existing.key);
    }
  }
}

/** pg-boss keys allow letters, digits, `_.-/`: the fleet's `*` becomes `fleet`. */
export function scheduleKey(scope: string): string {
  return scope === FLEET_SCOPE ? 'fleet' : `property/${scope}`;
}
