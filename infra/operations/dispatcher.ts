/**
 * What the control plane needs from a queue of operations. Two implementations: the
 * single-process queue on the operations table (embedded default) and the replicated one on the
 * distributed job engine (with DATABASE_URL).
 */
import type { NewOperation } from '../storage/repository.ts';
import type { Operation } from './model.ts';

export interface OperationDispatcher {
  /** Recovers what a dead process left and starts taking work; returns what it interrupted. */
  start(): Promise<Operation[]>;
  enqueue(operation: NewOperation): Promise<Operation>;
  /** Cancels a queued operation, or asks the process running it to stop. */
  cancel(id: string): Promise<{ cancelled: boolean; reason?: string }>;
  /** Stops taking work, aborts this process's running operations and waits for them. */
  close(): Promise<void>;
}
