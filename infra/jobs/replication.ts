/**
 * What a replica shares with the others when DATABASE_URL is set: the job engine, connections
 * for the stack locks, and the event relay. Opened once per process by the service.
 */
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { PgRelay, type RelayMessage } from '../events/pg-relay.ts';
import { startJobEngine } from './job-engine.ts';

export interface Replication {
  replicaName: string;
  boss: PgBoss;
  /** One connection per running operation holds its stack's lock. */
  lockPool: pg.Pool;
  relay: PgRelay;
  heartbeatSeconds: number;
  /** On stop, how long running operations may finish before they are cancelled. */
  drainSeconds: number;
  /** Where messages from other replicas go; the control plane sets it when it opens. */
  handleMessages(handler: (message: RelayMessage) => void): void;
  close(): Promise<void>;
}

export interface ReplicationOptions {
  url: string;
  replicaName: string;
  heartbeatSeconds: number;
  drainSeconds?: number;
  maxEngineRuns: number;
  logger: Logger;
  /** Faster supervision and cron passes (tests); pg-boss's defaults otherwise. */
  superviseIntervalSeconds?: number;
  cronMonitorIntervalSeconds?: number;
}

export async function startReplication(options: ReplicationOptions): Promise<Replication> {
  const { url, logger } = options;
  const lockPool = new pg.Pool({
    connectionString: url,
    max: options.maxEngineRuns + 2,
    // Named, so an operator can see which replica holds which stack in pg_stat_activity.
    application_name: `blkshp-locks ${options.replicaName}`,
  });
  lockPool.on('error', (error) => logger.warn({ err: error }, 'stack lock pool error'));
  let boss: PgBoss | undefined;
  let relay: PgRelay | undefined;
  try {
    boss = await startJobEngine({
      url,
      logger,
      replicaName: options.replicaName,
      ...(options.superviseIntervalSeconds
        ? { superviseIntervalSeconds: options.superviseIntervalSeconds }
        : {}),
      ...(options.cronMonitorIntervalSeconds
        ? { cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds }
        : {}),
    });
    let handler: (message: RelayMessage) => void = () => {};
    relay = await PgRelay.start({
      url,
      origin: options.replicaName,
      logger,
      onMessage: (message) => handler(message),
    });
    const started = { boss, relay };
    logger.info({ replica: options.replicaName }, 'replication started');
    return {
      replicaName: options.replicaName,
      ...started,
      lockPool,
      heartbeatSeconds: options.heartbeatSeconds,
      drainSeconds: options.drainSeconds ?? 0,
      handleMessages(next) {
        handler = next;
      },
      async close() {
        await started.relay.close();
        await started.boss.stop({ graceful: true, timeout: 10_000 });
        await lockPool.end();
      },
    };
  } catch (error) {
    await relay?.close().catch(() => undefined);
    await boss?.stop({ graceful: false }).catch(() => undefined);
    await lockPool.end().catch(() => undefined);
    throw error;
  }
}
