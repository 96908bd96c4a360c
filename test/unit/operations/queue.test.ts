import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Operation } from '../../../infra/operations/model.ts';
import { type OperationOutcome, OperationQueue } from '../../../infra/operations/queue.ts';
import type { NewOperation, Repository } from '../../../infra/storage/repository.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';

const logger = pino({ level: 'silent' });

function newOperation(
  id: string,
  property: string,
  extra: Partial<NewOperation> = {},
): NewOperation {
  return {
    id,
    property,
    kind: 'preview',
    priority: 'interactive',
    actor: 'cli:test',
    channel: 'cli',
    previewId: null,
    summary: 'preview',
    ...extra,
  };
}

/** A run function whose operations finish only when the test says so. */
function controllableRun() {
  const started: string[] = [];
  const finishers = new Map<string, (outcome: OperationOutcome) => void>();
  const recoverFlags = new Map<string, boolean>();
  const run = (operation: Operation, signal: AbortSignal, options: { recoverStack: boolean }) => {
    started.push(operation.id);
    recoverFlags.set(operation.id, options.recoverStack);
    return new Promise<OperationOutcome>((resolve) => {
      finishers.set(operation.id, resolve);
      signal.addEventListener('abort', () => resolve({ status: 'failed', error: 'aborted' }));
    });
  };
  const finish = (id: string) => finishers.get(id)?.({ status: 'succeeded' });
  return { run, started, finish, recoverFlags };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
}

describe('OperationQueue', () => {
  let dir: string;
  let repo: Repository;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'blkshp-queue-'));
    repo = await SqliteRepository.open(join(dir, 'db.sqlite'));
    await repo.migrate();
  });
  afterEach(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  function queue(run: ReturnType<typeof controllableRun>['run'], maxConcurrent = 4) {
    return new OperationQueue({
      repo,
      run,
      maxConcurrent,
      timeoutMs: 60_000,
      logger,
      onChange: () => undefined,
    });
  }

  it('runs one operation per property at a time, the next when the first finishes', async () => {
    const control = controllableRun();
    const q = queue(control.run);
    await q.start();
    await q.enqueue(newOperation('a1', 'alpha'));
    await q.enqueue(newOperation('a2', 'alpha'));
    await settle();
    expect(control.started).toEqual(['a1']);
    control.finish('a1');
    await settle();
    expect(control.started).toEqual(['a1', 'a2']);
    expect((await repo.getOperation('a1'))?.status).toBe('succeeded');
    control.finish('a2');
    await q.close();
  });

  it('never runs more engine operations at once than the global limit', async () => {
    const control = controllableRun();
    const q = queue(control.run, 2);
    await q.start();
    for (const p of ['p1', 'p2', 'p3', 'p4']) await q.enqueue(newOperation(`op-${p}`, p));
    await settle();
    expect(control.started).toHaveLength(2);
    expect(q.runningCount()).toBe(2);
    control.finish(control.started[0]!);
    await settle();
    expect(control.started).toHaveLength(3);
    for (const id of control.started) control.finish(id);
    await settle();
    for (const id of control.started) control.finish(id);
    await q.close();
  });

  it('takes interactive work before scheduled work queued earlier', async () => {
    const control = controllableRun();
    const q = queue(control.run, 1);
    await q.start();
    await q.enqueue(newOperation('blocker', 'p0'));
    await settle();
    await q.enqueue(newOperation('sched', 'p1', { priority: 'scheduled', kind: 'drift-check' }));
    await new Promise((r) => setTimeout(r, 5));
    await q.enqueue(newOperation('inter', 'p2'));
    control.finish('blocker');
    await settle();
    expect(control.started).toEqual(['blocker', 'inter']);
    control.finish('inter');
    await settle();
    expect(control.started).toEqual(['blocker', 'inter', 'sched']);
    control.finish('sched');
    await q.close();
  });

  it('cancels a queued operation without running it', async () => {
    const control = controllableRun();
    const q = queue(control.run, 1);
    await q.start();
    await q.enqueue(newOperation('first', 'p1'));
    await q.enqueue(newOperation('second', 'p2'));
    expect(await q.cancel('second')).toEqual({ cancelled: true });
    control.finish('first');
    await settle();
    expect(control.started).toEqual(['first']);
    expect((await repo.getOperation('second'))?.status).toBe('cancelled');
    await q.close();
  });

  it('marks a running operation cancelled when its abort signal fires', async () => {
    const control = controllableRun();
    const q = queue(control.run);
    await q.start();
    await q.enqueue(newOperation('long', 'p1'));
    await settle();
    expect(await q.cancel('long')).toEqual({ cancelled: true });
    await settle();
    expect((await repo.getOperation('long'))?.status).toBe('cancelled');
    await q.close();
  });

  it('after a restart marks running work interrupted, recovers its stack, resumes the queue', async () => {
    const first = controllableRun();
    const before = queue(first.run);
    await before.start();
    await before.enqueue(newOperation('mid-apply', 'harbour', { kind: 'apply' }));
    await before.enqueue(newOperation('waiting', 'harbour'));
    await settle();
    expect(first.started).toEqual(['mid-apply']);
    // The process dies: nothing of `before` is closed or finished.

    const second = controllableRun();
    const after = queue(second.run);
    const interrupted = await after.start();
    expect(interrupted.map((o) => o.id)).toEqual(['mid-apply']);
    await settle();
    expect((await repo.getOperation('mid-apply'))?.status).toBe('interrupted');
    expect(second.started).toEqual(['waiting']);
    expect(second.recoverFlags.get('waiting')).toBe(true);
    second.finish('waiting');
    await settle();
    expect((await repo.getOperation('waiting'))?.status).toBe('succeeded');
    await after.close();
  });
});
