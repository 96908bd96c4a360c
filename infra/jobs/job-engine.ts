/**
 * The distributed job engine behind replicas: pg-boss on the service's own Postgres. It carries
 * the operations queue (one job per operation) and the drift schedules (its cron fires each tick
 * once, whichever replica gets there first). Its tables live in their own schema.
 */
import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';

export const JOB_SCHEMA = 'blkshp_jobs';

/** Queue names. pg-boss allows letters, digits, dashes, dots and underscores. */
export const QUEUES = {
  operations: 'blkshp-operations',
  driftTick: 'blkshp-drift-tick',
  /** Never worked: a job per handled cron occurrence, whose id makes a repeat fail. */
  driftTickClaims: 'blkshp-drift-tick-claims',
  /** The daily fleet digest to Slack, from pg-boss's cron. */
  driftDigest: 'blkshp-drift-digest',
  /** A due check waiting out its jitter: one per property (queue policy `short`). */
  driftCheck: 'blkshp-drift-check',
} as const;

export interface JobEngineOptions {
  url: string;
  logger: Logger;
  /** This replica's name in pg-boss's instance registry. */
  replicaName: string;
  /** Seconds between supervision passes: how soon a dead replica's job is noticed. */
  superviseIntervalSeconds?: number;
  /** Seconds between passes of the cron that fires schedules. */
  cronMonitorIntervalSeconds?: number;
}

/** Starts pg-boss (installing or migrating its schema on first use). Stop it with `stop()`. */
export async function startJobEngine(options: JobEngineOptions): Promise<PgBoss> {
  const logger = options.logger.child({ component: 'job-engine' });
  const boss = new PgBoss({
    connectionString: options.url,
    schema: JOB_SCHEMA,
    application_name: `blkshp ${options.replicaName}`,
    instanceName: options.replicaName,
    useListenNotify: true,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? 10,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds ?? 30,
    max: 4,
  });
  // Without a listener an 'error' event would crash the process; pg-boss retries on its own.
  boss.on('error', (error) => logger.error({ err: error }, 'job engine error'));
  boss.on('warning', (warning) => logger.warn({ warning }, 'job engine warning'));
  await boss.start();
  return boss;
}
