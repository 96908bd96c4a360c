/**
 * With replicas, the job engine's cron says when drift schedules are due: each stored schedule
 * (and the fleet default) is a pg-boss schedule keyed by its scope, and pg-boss sends one job
 * per tick however many replicas run its cron. Whichever replica takes the job dispatches the
 * due properties through the ordinary scheduler.
 */
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { QUEUES } from '../jobs/job-engine.ts';
import type { DriftScheduler } from './scheduler.ts';
import { FLEET_SCOPE } from './schedules.ts';

interface TickJob {
  scope: string;
}

export class ReplicatedDriftTicks {
  readonly #boss: PgBoss;
  readonly #scheduler: DriftScheduler;
  readonly #logger: Logger;
  #sync: Promise<void> = Promise.resolve();
  readonly #handled: Array<{ scope: string; occurrence: string }> = [];

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
    // A tick that nobody took within a minute is stale: the next one will come.
    await boss.createQueue(QUEUES.driftTick, { expireInSeconds: 300, retryLimit: 2 });
    await ticks.sync();
    await boss.work(
      QUEUES.driftTick,
      { pollingIntervalSeconds: 2, includeMetadata: true },
      async ([job]: JobWithMetadata<TickJob>[]) => {
        if (!job) return;
        // pg-boss files each occurrence under its minute slot; a tick is one (scope, slot).
        const occurrence = (job.singletonOn ?? job.createdOn).toISOString();
        ticks.#handled.push({ scope: job.data.scope, occurrence });
        ticks.#logger.info({ scope: job.data.scope, occurrence }, 'drift schedule tick');
        await scheduler.fire([job.data.scope]);
      },
    );
    return ticks;
  }

  /** The ticks this replica took: which schedule, and the occurrence (its minute slot). */
  handled(): Array<{ scope: string; occurrence: string }> {
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
    await this.#boss.offWork(QUEUES.driftTick, { wait: false }).catch(() => undefined);
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
