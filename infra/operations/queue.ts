/**
 * The durable operations queue. The operations table is the queue: an operation is a row, taken
 * by moving it from queued to running atomically, so a restart loses nothing. Rules:
 * one operation per stack at a time; at most `maxConcurrent` engine runs overall; interactive
 * work before scheduled work, oldest first within each.
 */
import type { Logger } from 'pino';
import type { NewOperation, Repository } from '../storage/repository.ts';
import type { Operation, OperationStatus } from './model.ts';
import { cancelIfQueued, runOne } from './run-one.ts';

/** What running an operation produced; the queue stores it. */
export interface OperationOutcome {
  status: Extract<OperationStatus, 'succeeded' | 'failed' | 'cancelled'>;
  changeSet?: Operation['changeSet'];
  outputs?: Operation['outputs'];
  error?: string | null;
  fingerprint?: string | null;
}

export type RunOperation = (
  operation: Operation,
  signal: AbortSignal,
  options: { recoverStack: boolean },
) => Promise<OperationOutcome>;

export interface QueueOptions {
  repo: Repository;
  run: RunOperation;
  maxConcurrent: number;
  timeoutMs: number;
  logger: Logger;
  /** Called whenever an operation's row changed (status or result). */
  onChange: (operation: Operation) => void;
}

interface RunningEntry {
  operation: Operation;
  controller: AbortController;
  done: Promise<void>;
}

export class OperationQueue {
  readonly #options: QueueOptions;
  /** Running operations by property slug. */
  readonly #running = new Map<string, RunningEntry>();
  /** Stacks whose last operation was interrupted: unlock and clean them before new work. */
  readonly #needsRecovery = new Set<string>();
  #pumpChain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: QueueOptions) {
    this.#options = options;
  }

  /**
   * Marks operations left running by a dead process as interrupted, remembers their stacks for
   * recovery, and starts the queued work. Call once at start-up, before `enqueue`.
   */
  async start(): Promise<Operation[]> {
    const { repo } = this.#options;
    const interrupted: Operation[] = [];
    for (const operation of await repo.listOperations({ status: 'running' })) {
      if (!(await repo.transitionOperation(operation.id, 'running', 'interrupted'))) continue;
      const updated = await repo.updateOperation(operation.id, {
        finishedAt: new Date().toISOString(),
        error: 'The service stopped while this operation was running; its stack was recovered.',
      });
      this.#needsRecovery.add(operation.property);
      interrupted.push(updated);
      this.#options.onChange(updated);
    }
    this.#options.logger.info({ interrupted: interrupted.length }, 'operations queue started');
    this.pump();
    return interrupted;
  }

  async enqueue(newOperation: NewOperation): Promise<Operation> {
    const operation = await this.#options.repo.insertOperation(newOperation);
    this.#options.onChange(operation);
    this.pump();
    return operation;
  }

  /** Cancels a queued operation at once, or asks a running one to stop (SIGINT to the engine). */
  async cancel(id: string): Promise<{ cancelled: boolean; reason?: string }> {
    const { repo } = this.#options;
    if (await cancelIfQueued(repo, id, this.#options.onChange)) return { cancelled: true };
    for (const entry of this.#running.values()) {
      if (entry.operation.id === id) {
        entry.controller.abort(new Error('cancelled'));
        return { cancelled: true };
      }
    }
    const operation = await repo.getOperation(id);
    if (!operation) return { cancelled: false, reason: 'no such operation' };
    return { cancelled: false, reason: `the operation is already ${operation.status}` };
  }

  /** True while an operation of this property is running. */
  isRunning(property: string): boolean {
    return this.#running.has(property);
  }

  runningCount(): number {
    return this.#running.size;
  }

  /** Starts whatever queued work the limits allow. Serialised: one pump at a time. */
  pump(): void {
    this.#pumpChain = this.#pumpChain
      .then(() => this.#pumpOnce())
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error }, 'operations queue pump failed');
      });
  }

  /** Stops taking work, aborts running operations and waits for them to settle. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pumpChain;
    for (const entry of this.#running.values()) entry.controller.abort(new Error('shutdown'));
    await Promise.allSettled([...this.#running.values()].map((e) => e.done));
  }

  async #pumpOnce(): Promise<void> {
    if (this.#closed) return;
    const { repo, maxConcurrent } = this.#options;
    if (this.#running.size >= maxConcurrent) return;
    const queued = orderForRunning(await repo.listOperations({ status: 'queued' }));
    for (const operation of queued) {
      if (this.#running.size >= maxConcurrent) break;
      if (this.#running.has(operation.property)) continue;
      if (!(await repo.transitionOperation(operation.id, 'queued', 'running'))) continue;
      const started = await repo.updateOperation(operation.id, {
        startedAt: new Date().toISOString(),
      });
      this.#launch(started);
    }
  }

  #launch(operation: Operation): void {
    const controller = new AbortController();
    const entry: RunningEntry = { operation, controller, done: Promise.resolve() };
    this.#running.set(operation.property, entry);
    this.#options.onChange(operation);
    entry.done = this.#execute(operation, controller).finally(() => {
      this.#running.delete(operation.property);
      this.pump();
    });
  }

  async #execute(operation: Operation, controller: AbortController): Promise<void> {
    const recoverStack = this.#needsRecovery.has(operation.property);
    const { finished, threw } = await runOne(this.#options, operation, controller, {
      recoverStack,
    });
    // A run that threw may not have reached the recovery: keep the mark for the next one.
    if (recoverStack && !threw) this.#needsRecovery.delete(operation.property);
    this.#options.onChange(finished);
  }
}

/** Interactive before scheduled; oldest first within each. */
export function orderForRunning(operations: Operation[]): Operation[] {
  const rank = (o: Operation) => (o.priority === 'interactive' ? 0 : 1);
  return [...operations].sort(
    (a, b) =>
      rank(a) - rank(b) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
}
