/**
 * The operations queue shared by replicas (with DATABASE_URL). The operations table stays the
 * record; pg-boss carries one job per operation, whose id is the operation's id. Guarantees:
 *
 * - Each operation runs once: a replica runs it only after moving its row from queued to running
 *   atomically; a job delivered twice finds the row taken and ends.
 * - One operation per stack across replicas: the queue's singleton policy keyed by the property
 *   keeps a second job of a stack from starting, and the run itself holds the stack's advisory
 *   lock (see jobs/stack-lock.ts), which also covers a job retried while its first run lives.
 * - A replica that dies mid-run stops sending its job's heartbeat; pg-boss fails and retries the
 *   job on another replica, which finds the row running with the stack lock free, marks it
 *   interrupted and recovers the stack (unlock, drop pending operations) before anything else
 *   runs on it. A restarting replica does the same for every orphan it finds.
 */

import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { QUEUES } from '../jobs/job-engine.ts';
import { type StackLock, tryStackLock, waitForStackLock } from '../jobs/stack-lock.ts';
import type { NewOperation, Repository } from '../storage/repository.ts';
import type { OperationDispatcher } from './dispatcher.ts';
import { isFinished, type Operation } from './model.ts';
import type { RunOperation } from './queue.ts';
import { cancelIfQueued, runOne } from './run-one.ts';

export interface ReplicatedQueueOptions {
  boss: PgBoss;
  /** Connections for the stack locks: one is held per running operation. */
  lockPool: pg.Pool;
  repo: Repository;
  run: RunOperation;
  /**
   * Unlocks and cleans a stack whose run died with its replica; returns the resources whose
   * create was cut short.
   */
  recoverStack: (property: string) => Promise<{ pendingCreates: string[] }>;
  /** Asks every replica to stop this operation if it runs it (the relay's cancel message). */
  broadcastCancel: (operationId: string) => Promise<void>;
  /** False: only queue and cancel (a command-line process); the service replicas run the work. */
  takeWork?: boolean;
  /** Engine runs at once on this replica. */
  maxConcurrent: number;
  timeoutMs: number;
  heartbeatSeconds: number;
  /** On close, how long running operations may finish before they are cancelled (default 0). */
  drainMs?: number;
  logger: Logger;
  onChange: (operation: Operation) => void;
}

interface OperationJob {
  operationId: string;
  property: string;
}

/** Interactive work goes first: pg-boss fetches higher priorities first, oldest first within. */
const PRIORITY = { interactive: 1, scheduled: 0 } as const;

export class ReplicatedOperationQueue implements OperationDispatcher {
  readonly #options: ReplicatedQueueOptions;
  readonly #logger: Logger;
  /** Operations running on this replica, by id. */
  readonly #running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  readonly #closing = new AbortController();

  constructor(options: ReplicatedQueueOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'replicated-queue' });
  }

  async start(): Promise<Operation[]> {
    const { boss, repo, heartbeatSeconds, timeoutMs, maxConcurrent } = this.#options;
    await boss.createQueue(QUEUES.operations, {
      policy: 'singleton',
      heartbeatSeconds,
      // A live run is bounded by the operation timeout; the job outlives it a little.
      expireInSeconds: Math.ceil(timeoutMs / 1000) + 300,
      retryLimit: 20,
      retryDelay: 5,
      notify: true,
    });
    if (this.#options.takeWork === false) return [];
    const interrupted = await this.#reapOrphans();
    // A job lost between the row's insert and the send (a crash there) is sent again; the
    // operation's id is the job's id, so a job that exists is not duplicated.
    for (const operation of await repo.listOperations({ status: 'queued' })) {
      await this.#send(operation);
    }
    await boss.work<OperationJob>(
      QUEUES.operations,
      {
        localConcurrency: maxConcurrent,
        // A finished job frees its stack without a notification: poll soon for the next.
        pollingIntervalSeconds: 1,
        notifyPollingIntervalSeconds: 1,
      },
      async ([job]) => {
        if (job) await this.#handle(job.data);
      },
    );
    this.#logger.info({ interrupted: interrupted.length }, 'replicated operations queue started');
    return interrupted;
  }

  async enqueue(newOperation: NewOperation): Promise<Operation> {
    const operation = await this.#options.repo.insertOperation(newOperation);
    this.#options.onChange(operation);
    await this.#send(operation);
    return operation;
  }

  async cancel(id: string): Promise<{ cancelled: boolean; reason?: string }> {
    const { repo } = this.#options;
    if (await cancelIfQueued(repo, id, this.#options.onChange)) return { cancelled: true };
    const operation = await repo.getOperation(id);
    if (!operation) return { cancelled: false, reason: 'no such operation' };
    if (operation.status !== 'running') {
      return { cancelled: false, reason: `the operation is already ${operation.status}` };
    }
    if (!this.abortLocal(id)) await this.#options.broadcastCancel(id);
    return { cancelled: true };
  }

  /** Stops an operation if this replica runs it (a cancel from any replica lands here). */
  abortLocal(operationId: string): boolean {
    const entry = this.#running.get(operationId);
    entry?.controller.abort(new Error('cancelled'));
    return entry !== undefined;
  }

  async close(): Promise<void> {
    // Stop fetching first, so nothing new starts while the running work finishes or stops.
    await this.#options.boss.offWork(QUEUES.operations, { wait: false }).catch(() => undefined);
    this.#closing.abort();
    const running = () => Promise.allSettled([...this.#running.values()].map((e) => e.done));
    const drainMs = this.#options.drainMs ?? 0;
    if (drainMs > 0 && this.#running.size > 0) {
      this.#logger.info({ running: this.#running.size, drainMs }, 'draining before stop');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise((resolve) => {
        timer = setTimeout(resolve, drainMs);
      });
      await Promise.race([running(), deadline]);
      clearTimeout(timer);
    }
    for (const entry of this.#running.values()) entry.controller.abort(new Error('shutdown'));
    await running();
  }

  async #send(operation: Operation): Promise<void> {
    const data: OperationJob = { operationId: operation.id, property: operation.property };
    await this.#options.boss.send(QUEUES.operations, data, {
      id: operation.id,
      singletonKey: operation.property,
      priority: PRIORITY[operation.priority],
    });
  }

  async #handle(job: OperationJob): Promise<void> {
    const { repo, lockPool } = this.#options;
    const lock = await waitForStackLock(lockPool, job.property, this.#closing.signal);
    // Shutting down: throwing hands the job back to pg-boss for a retry elsewhere.
    if (!lock) throw new Error('replica is shutting down');
    try {
      const { recovered } = await this.#interruptOrphans(job.property, lock);
      const operation = await repo.getOperation(job.operationId);
      if (!operation || isFinished(operation.status)) return;
      if (!(await repo.transitionOperation(operation.id, 'queued', 'running'))) return;
      const started = await repo.updateOperation(operation.id, {
        startedAt: new Date().toISOString(),
      });
      // When recovering the stack just now failed, the run tries again before it starts.
      await this.#execute(started, !recovered, lock.lost);
    } finally {
      await lock.release();
    }
  }

  async #execute(
    operation: Operation,
    recoverStack: boolean,
    lockLost: AbortSignal,
  ): Promise<void> {
    const controller = new AbortController();
    const entry = { controller, done: Promise.resolve() };
    this.#running.set(operation.id, entry);
    this.#options.onChange(operation);
    const work = runOne(this.#options, operation, controller, {
      recoverStack,
      extraSignal: lockLost,
      onlyIfRunning: true,
    });
    entry.done = work.then(
      () => undefined,
      () => undefined,
    );
    try {
      const { finished, stored } = await work;
      // A dropped outcome's row belongs to whoever interrupted it; it announced the change.
      if (stored) this.#options.onChange(finished);
    } finally {
      this.#running.delete(operation.id);
    }
  }

  /**
   * Called with the stack's lock held: any operation of the stack still marked running has lost
   * its replica. Marks each interrupted and recovers the stack once.
   */
  async #interruptOrphans(
    property: string,
    _lock: StackLock,
  ): Promise<{ interrupted: Operation[]; recovered: boolean }> {
    const { repo } = this.#options;
    const orphans = await repo.listOperations({ property, status: 'running' });
    if (orphans.length === 0) return { interrupted: [], recovered: true };
    // Recover first, so that a row reads interrupted only with its final message.
    const recovery = await this.#recover(property);
    const interrupted: Operation[] = [];
    for (const orphan of orphans) {
      if (!(await repo.transitionOperation(orphan.id, 'running', 'interrupted'))) continue;
      const updated = await repo.updateOperation(orphan.id, {
        finishedAt: new Date().toISOString(),
        error: interruptedMessage(recovery?.pendingCreates ?? []),
      });
      this.#logger.warn({ operation: orphan.id, property }, 'recovered an orphaned operation');
      interrupted.push(updated);
      this.#options.onChange(updated);
    }
    return { interrupted, recovered: recovery !== null };
  }

  /** Null when recovery failed: the next run of the stack then recovers before it starts. */
  async #recover(property: string): Promise<{ pendingCreates: string[] } | null> {
    try {
      return await this.#options.recoverStack(property);
    } catch (error) {
      this.#logger.error({ err: error, property }, 'stack recovery failed');
      return null;
    }
  }

  /** Start-up: every running operation whose stack nobody holds belonged to a dead replica. */
  async #reapOrphans(): Promise<Operation[]> {
    const { repo, lockPool } = this.#options;
    const running = await repo.listOperations({ status: 'running' });
    const interrupted: Operation[] = [];
    for (const property of new Set(running.map((o) => o.property))) {
      const lock = await tryStackLock(lockPool, property);
      if (!lock) continue; // a live replica runs it
      try {
        interrupted.push(...(await this.#interruptOrphans(property, lock)).interrupted);
      } finally {
        await lock.release();
      }
    }
    return interrupted;
  }
}

function interruptedMessage(pendingCreates: string[]): string {
  const base = 'The replica running this operation stopped; its stack was recovered.';
  if (pendingCreates.length === 0) return base;
  return (
    `${base} These resources were being created and may exist in the cloud without being ` +
    `tracked: ${pendingCreates.join(', ')}. Run a refresh, then a preview.`
  );
}
