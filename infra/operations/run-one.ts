/**
 * Runs one operation that is already marked running and stores its outcome: the part the
 * single-process queue and the replicated queue share. A crash of the run, a timeout and a
 * cancel all end as a stored, plain outcome; nothing escapes as an exception.
 */
import type { Logger } from 'pino';
import type { Repository } from '../storage/repository.ts';
import type { Operation } from './model.ts';
import type { OperationOutcome, RunOperation } from './queue.ts';

export interface RunOneDeps {
  repo: Repository;
  run: RunOperation;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Runs `operation` until it ends, is cancelled through `controller`, times out, or `extraSignal`
 * fires (the job engine's own abort). Returns the stored, finished row, and whether the run threw
 * (then it may not have got as far as recovering the stack), and whether the outcome was stored.
 */
export async function runOne(
  deps: RunOneDeps,
  operation: Operation,
  controller: AbortController,
  options: {
    recoverStack: boolean;
    extraSignal?: AbortSignal;
    /**
     * Store the outcome only if the row is still running. With replicas another one may have
     * declared this run dead and marked it interrupted; a late outcome must not overwrite that.
     */
    onlyIfRunning?: boolean;
  },
): Promise<{ finished: Operation; threw: boolean; stored: boolean }> {
  const { repo, run, timeoutMs, logger } = deps;
  const signals = [controller.signal, AbortSignal.timeout(timeoutMs)];
  if (options.extraSignal) signals.push(options.extraSignal);
  const signal = AbortSignal.any(signals);
  let outcome: OperationOutcome;
  let threw = false;
  try {
    outcome = await run(operation, signal, { recoverStack: options.recoverStack });
  } catch (error) {
    logger.error({ err: error, operation: operation.id }, 'operation crashed');
    threw = true;
    outcome = { status: 'failed', error: 'The operation failed unexpectedly; see the log.' };
  }
  if (signal.aborted && outcome.status === 'failed') {
    const timedOut = !controller.signal.aborted;
    outcome = {
      ...outcome,
      status: timedOut ? 'failed' : 'cancelled',
      error: timedOut ? `Timed out after ${Math.round(timeoutMs / 1000)} s.` : 'Cancelled.',
    };
  }
  if (options.onlyIfRunning) {
    if (!(await repo.transitionOperation(operation.id, 'running', outcome.status))) {
      logger.warn({ operation: operation.id }, 'outcome dropped: another replica ended this run');
      const current = await repo.getOperation(operation.id);
      return { finished: current ?? operation, threw, stored: false };
    }
  }
  const finished = await repo.updateOperation(operation.id, {
    status: outcome.status,
    finishedAt: new Date().toISOString(),
    changeSet: outcome.changeSet ?? null,
    outputs: outcome.outputs ?? null,
    error: outcome.error ?? null,
    fingerprint: outcome.fingerprint ?? null,
  });
  return { finished, threw, stored: true };
}

/** Cancels a still-queued operation (both queues do this the same way); false if not queued. */
export async function cancelIfQueued(
  repo: Repository,
  id: string,
  onChange: (operation: Operation) => void,
): Promise<boolean> {
  if (!(await repo.transitionOperation(id, 'queued', 'cancelled'))) return false;
  onChange(await repo.updateOperation(id, { finishedAt: new Date().toISOString() }));
  return true;
}
