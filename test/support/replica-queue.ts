/**
 * A replica's queue without the engine: the real job engine, stack locks and event relay on a
 * test Postgres, with a run function the test controls. For tests of the guarantees themselves.
 */
import pg from 'pg';
import { ProgressBus } from '../../infra/events/bus.ts';
import type { ProgressEvent } from '../../infra/events/model.ts';
import { fromWire, toWire } from '../../infra/events/pg-relay.ts';
import type { Replication } from '../../infra/jobs/replication.ts';
import { createLogger } from '../../infra/logging/logger.ts';
import type { Operation } from '../../infra/operations/model.ts';
import type { RunOperation } from '../../infra/operations/queue.ts';
import { ReplicatedOperationQueue } from '../../infra/operations/replicated-queue.ts';
import type { PostgresRepository } from '../../infra/storage/postgres.ts';
import { openTestReplication } from './test-replication.ts';

export interface TestReplica {
  name: string;
  repo: PostgresRepository;
  replication: Replication;
  queue: ReplicatedOperationQueue;
  events: ProgressEvent[];
  recovered: string[];
  close(): Promise<void>;
  /**
   * Dies as a killed process would: the job engine stops without finishing anything, the stack
   * lock connections drop, and nothing of this replica writes again.
   */
  kill(): Promise<void>;
}

export async function startTestReplica(
  url: string,
  name: string,
  run: RunOperation,
  options: { maxConcurrent?: number; drainMs?: number } = {},
): Promise<TestReplica> {
  const logger = createLogger({
    logLevel: process.env.BLKSHP_TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent',
  });
  const { repo, replication } = await openTestReplication(url, name, {
    maxEngineRuns: options.maxConcurrent ?? 2,
    logger,
    superviseIntervalSeconds: 1,
  });
  const bus = new ProgressBus(logger);
  const events: ProgressEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const recovered: string[] = [];
  const queue = new ReplicatedOperationQueue({
    boss: replication.boss,
    lockPool: replication.lockPool,
    repo,
    run,
    recoverStack: async (property) => {
      recovered.push(property);
      return { pendingCreates: [] };
    },
    broadcastCancel: (operationId) => replication.relay.publish({ kind: 'cancel', operationId }),
    maxConcurrent: options.maxConcurrent ?? 2,
    timeoutMs: 120_000,
    heartbeatSeconds: 10,
    ...(options.drainMs ? { drainMs: options.drainMs } : {}),
    logger,
    onChange: (operation: Operation) =>
      bus.emit({
        type: 'status',
        operationId: operation.id,
        property: operation.property,
        status: operation.status,
      }),
  });
  bus.forwardTo(
    (event) => void replication.relay.publish({ kind: 'progress', event: toWire(event) }),
  );
  replication.handleMessages((message) => {
    if (message.kind === 'cancel') queue.abortLocal(message.operationId);
    else
      void fromWire(message.event, (id) => repo.getOperation(id)).then((e) => e && bus.deliver(e));
  });
  await queue.start();
  return {
    name,
    repo,
    replication,
    queue,
    events,
    recovered,
    async close() {
      await queue.close();
      await replication.close();
      await repo.close();
    },
    async kill() {
      await replication.boss.stop({ graceful: false, close: true });
      await replication.relay.close();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [`blkshp-locks ${name}`],
        );
      } finally {
        await admin.end();
      }
      await repo.close();
    },
  };
}
