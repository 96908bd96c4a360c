/**
 * Posts the fleet digest (where every property stands after its latest drift check) to the drift
 * Slack channel on a schedule, once a day by default. A single process keeps a croner timer;
 * replicas use a pg-boss cron schedule, and the replica taking a tick claims its occurrence first,
 * so the channel gets one digest per tick however many replicas run.
 *
 * Each posted digest is audited (`drift.digest`). At start, when a digest time passed after the
 * last posted one (the service was down then), the missed digest is posted once; replicas claim
 * that occurrence like a tick, so it is posted once for all. A service that never posted one
 * does not start with a digest.
 */
import { Cron } from 'croner';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { AuditRecord } from '../control-plane-api.ts';
import { BlkshpError, ERROR_CODES } from '../errors.ts';
import { QUEUES } from '../jobs/job-engine.ts';
import { claimOccurrence, createClaimsQueue, occurrenceOf } from '../jobs/occurrence-claims.ts';
import type { Repository } from '../storage/repository.ts';
import { collectFleetDigest } from './digest.ts';
import { SCHEDULE_ACTOR } from './scheduler.ts';
import { FLEET_SCOPE, scheduleIssues } from './schedules.ts';
import type { PostMessage } from './slack.ts';
import { fleetDigestBlocks, fleetDigestText } from './slack-blocks.ts';

export interface DigestTiming {
  cron: string;
  timezone: string;
}

const DEFAULT_TIMING: DigestTiming = { cron: '0 8 * * *', timezone: 'UTC' };
const SCHEDULE_KEY = 'digest';
export const DIGEST_AUDIT_ACTION = 'drift.digest';

/** The audit record of a posted digest: what the catch-up at start reads back. */
export function digestPostedRecord(detail: string | null): Omit<AuditRecord, 'id' | 'at'> {
  return {
    actor: SCHEDULE_ACTOR.id,
    channel: SCHEDULE_ACTOR.channel,
    action: DIGEST_AUDIT_ACTION,
    property: null,
    operationId: null,
    result: 'posted',
    detail,
  };
}

/**
 * Reads BLKSHP_DRIFT_DIGEST_CRON (five fields, or `off`) and BLKSHP_DRIFT_DIGEST_TIMEZONE (an
 * IANA zone); null when the digest is off. Throws BLKSHP_CONFIG_INVALID naming each bad value.
 */
export function parseDigestTiming(env: Record<string, string | undefined>): DigestTiming | null {
  const cron = env.BLKSHP_DRIFT_DIGEST_CRON?.trim() || DEFAULT_TIMING.cron;
  if (cron === 'off') return null;
  const timezone = env.BLKSHP_DRIFT_DIGEST_TIMEZONE?.trim() || DEFAULT_TIMING.timezone;
  const issues = scheduleIssues(FLEET_SCOPE, cron, timezone);
  if (issues.length > 0) {
    const names = { cron: 'BLKSHP_DRIFT_DIGEST_CRON', timezone: 'BLKSHP_DRIFT_DIGEST_TIMEZONE' };
    const lines = issues.map(
      (i) => `${names[i.field as keyof typeof names] ?? i.field}: ${i.message}`,
    );
    throw new BlkshpError(ERROR_CODES.configInvalid, lines.join('\n'));
  }
  return { cron, timezone };
}

export interface DigestScheduleOptions {
  timing: DigestTiming;
  channel: string;
  postMessage: PostMessage;
  repo: Pick<
    Repository,
    'listProperties' | 'listDriftResults' | 'getDriftIgnore' | 'appendAudit' | 'queryAudit'
  >;
  logger: Logger;
  /** With replicas: pg-boss's cron fires the digest, once per tick for all. */
  boss?: PgBoss;
}

export class DigestSchedule {
  readonly #options: DigestScheduleOptions;
  readonly #logger: Logger;
  #timer: Cron | null = null;
  #posting: Promise<void> = Promise.resolve();
  #posted = 0;

  private constructor(options: DigestScheduleOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'drift-digest' });
  }

  static async start(options: DigestScheduleOptions): Promise<DigestSchedule> {
    const digest = new DigestSchedule(options);
    const { boss, timing } = options;
    if (!boss) {
      // protect: a digest still posting when the next tick comes is not posted twice at once.
      digest.#timer = new Cron(timing.cron, { timezone: timing.timezone, protect: true }, () =>
        digest.post(),
      );
      digest.#catchUp();
      return digest;
    }
    await createClaimsQueue(boss);
    await boss.createQueue(QUEUES.driftDigest, { expireInSeconds: 300, retryLimit: 2 });
    await boss.schedule(
      QUEUES.driftDigest,
      timing.cron,
      {},
      { tz: timing.timezone, key: SCHEDULE_KEY },
    );
    await boss.work(
      QUEUES.driftDigest,
      { pollingIntervalSeconds: 2, includeMetadata: true },
      async ([job]: JobWithMetadata<object>[]) => {
        if (!job) return;
        const occurrence = occurrenceOf(timing, job.createdOn);
        if (!(await claimOccurrence(boss, SCHEDULE_KEY, occurrence))) {
          digest.#logger.warn({ occurrence, job: job.id }, 'repeated digest tick ignored');
          return;
        }
        await digest.post();
      },
    );
    digest.#catchUp();
    return digest;
  }

  /**
   * Queues the digest whose time passed while no service was up, behind any other post: start-up
   * does not wait on Slack, and `stop` waits for it like for any post.
   */
  #catchUp(): void {
    this.#posting = this.#posting.then(async () => {
      const { timing, repo, boss } = this.#options;
      try {
        const occurrence = occurrenceOf(timing, new Date());
        const [last] = await repo.queryAudit({ action: DIGEST_AUDIT_ACTION, limit: 1 });
        if (!last || Date.parse(last.at) >= Date.parse(occurrence)) return;
        if (boss && !(await claimOccurrence(boss, SCHEDULE_KEY, occurrence))) return;
        this.#logger.info(
          { occurrence, lastPosted: last.at },
          'posting a digest missed while down',
        );
        await this.#postNow();
      } catch (error) {
        this.#logger.error({ err: error }, 'catching up a missed digest failed');
      }
    });
  }

  /** Removes the job-engine schedule an earlier configuration left (it would fire unworked). */
  static async unschedule(boss: PgBoss): Promise<void> {
    await boss.unschedule(QUEUES.driftDigest, SCHEDULE_KEY).catch(() => undefined);
  }

  /** Digests this process posted (for tests and diagnostics). */
  posted(): number {
    return this.#posted;
  }

  /** Collects the digest and posts it now; a failure is logged, never thrown to the timer. */
  post(): Promise<void> {
    this.#posting = this.#posting.then(() => this.#postNow());
    return this.#posting;
  }

  async #postNow(): Promise<void> {
    try {
      const digest = await collectFleetDigest(this.#options.repo);
      const text = fleetDigestText(digest);
      await this.#options.postMessage(this.#options.channel, text, fleetDigestBlocks(digest));
      this.#posted += 1;
      this.#logger.info({ counts: digest.counts }, 'drift digest posted');
      await this.#options.repo.appendAudit(digestPostedRecord(`${this.#options.channel}: ${text}`));
    } catch (error) {
      this.#logger.error({ err: error }, 'drift digest failed');
    }
  }

  async stop(): Promise<void> {
    this.#timer?.stop();
    await this.#options.boss?.offWork(QUEUES.driftDigest, { wait: false }).catch(() => undefined);
    await this.#posting;
  }
}
