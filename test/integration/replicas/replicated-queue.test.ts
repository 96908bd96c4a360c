import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../../infra/operations/model.ts';
import type { OperationOutcome, RunOperation } from '../../../infra/operations/queue.ts';
import type { NewOperation } from '../../../infra/storage/repository.ts';
import { usePostgresCluster } from '../../support/postgres-suite.ts';
import { startTestReplica, type TestReplica } from '../../support/replica-queue.ts';

const cluster = usePostgresCluster();

interface RunRecord {
  operation: string;
  property: string;
  replica: string;
  start: number;
  end: number;
}

/** A run that takes a little while and writes down who ran what, when. */
function recordingRun(replica: string, log: RunRecord[]): RunOperation {
  return async (operation) => {
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 40 + Math.random() * 80));
    log.push({
      operation: operation.id,
      property: operation.property,
      replica,
      start,
      end: performance.now(),
    });
    return { status: 'succeeded' };
  };
}

function newOperation(property: string): NewOperation {
  return {
    id: randomUUID(),
    property,
    kind: 'preview',
    priority: 'interactive',
    actor: 'test',
    channel: 'test',
    previewId: null,
    summary: 'preview',
  };
}

async function seedProperties(replica: TestReplica, slugs: string[]): Promise<void> {
  const now = new Date().toISOString();
  for (const slug of slugs) {
    await replica.repo.insertProperty({
      slug,
      spec: { slug } as never,
      sandbox: true,
      createdAt: now,
      updatedAt: now,
      outputs: null,
    });
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

function overlapsPerProperty(log: RunRecord[]): string[] {
  const found: string[] = [];
  const byProperty = Map.groupBy(log, (r) => r.property);
  for (const [property, runs] of byProperty) {
    const sorted = [...runs].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i += 1) {
      const previous = sorted[i - 1];
      const current = sorted[i];
      if (previous && current && current.start < previous.end) found.push(property);
    }
  }
  return found;
}

describe('the operations queue shared by two replicas', () => {
  it('runs each of 40 operations over 10 stacks exactly once, one per stack at a time', async () => {
    const url = await cluster.createDatabase();
    const log: RunRecord[] = [];
    const a = await startTestReplica(url, 'replica-a', recordingRun('replica-a', log));
    const b = await startTestReplica(url, 'replica-b', recordingRun('replica-b', log));
    try {
      const slugs = Array.from({ length: 10 }, (_, i) => `hotel-${i}`);
      await seedProperties(a, slugs);
      const enqueued: Operation[] = [];
      for (let i = 0; i < 40; i += 1) {
        const via = i % 2 === 0 ? a : b;
        enqueued.push(await via.queue.enqueue(newOperation(slugs[i % 10] as string)));
      }
      await waitUntil(async () => {
        const done = await a.repo.listOperations({ status: 'succeeded' });
        return done.length === 40;
      }, 60_000);

      expect(log).toHaveLength(40);
      expect(new Set(log.map((r) => r.operation)).size).toBe(40);
      expect(overlapsPerProperty(log)).toEqual([]);
      // Both replicas took work.
      expect(new Set(log.map((r) => r.replica))).toEqual(new Set(['replica-a', 'replica-b']));
      const rows = await a.repo.listOperations({});
      expect(rows.every((o) => o.status === 'succeeded' && o.startedAt && o.finishedAt)).toBe(true);
      expect(enqueued.map((o) => o.id).sort()).toEqual(log.map((r) => r.operation).sort());
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('relays progress of an operation to the replica that did not run it', async () => {
    const url = await cluster.createDatabase();
    const a = await startTestReplica(url, 'replica-a', async () => ({ status: 'succeeded' }));
    // b takes no work of its own: every status it sees came over the relay.
    const b = await startTestReplica(url, 'replica-b', async () => ({ status: 'succeeded' }), {
      maxConcurrent: 1,
    });
    await b.replication.boss.offWork('blkshp-operations');
    try {
      await seedProperties(a, ['relayed']);
      const operation = await a.queue.enqueue(newOperation('relayed'));
      await waitUntil(
        async () =>
          b.events.some(
            (e) =>
              e.type === 'status' && e.operationId === operation.id && e.status === 'succeeded',
          ),
        20_000,
      );
      const seen = b.events.filter((e) => e.operationId === operation.id).map((e) => e.type);
      expect(seen).toContain('status');
      // Its own events are not echoed back to the replica that emitted them.
      const own = a.events.filter((e) => e.operationId === operation.id);
      expect(own.filter((e) => e.type === 'status' && e.status === 'succeeded')).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a cancel asked on one replica stops the run on the other', async () => {
    const url = await cluster.createDatabase();
    let started = false;
    const waitForAbort: RunOperation = (_operation, signal) =>
      new Promise<OperationOutcome>((resolve) => {
        started = true;
        signal.addEventListener('abort', () => resolve({ status: 'failed', error: 'aborted' }));
      });
    const a = await startTestReplica(url, 'replica-a', waitForAbort);
    const b = await startTestReplica(url, 'replica-b', waitForAbort);
    await b.replication.boss.offWork('blkshp-operations');
    try {
      await seedProperties(a, ['cancelled']);
      const operation = await a.queue.enqueue(newOperation('cancelled'));
      await waitUntil(async () => started, 20_000);
      expect(await b.queue.cancel(operation.id)).toEqual({ cancelled: true });
      await waitUntil(
        async () => (await a.repo.getOperation(operation.id))?.status === 'cancelled',
        20_000,
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a stopping replica lets a running operation finish within the drain time', async () => {
    const url = await cluster.createDatabase();
    let started = false;
    const slow: RunOperation = async (_operation, signal) => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { status: signal.aborted ? 'cancelled' : 'succeeded' };
    };
    const a = await startTestReplica(url, 'replica-a', slow, { drainMs: 30_000 });
    await seedProperties(a, ['draining']);
    const operation = await a.queue.enqueue(newOperation('draining'));
    await waitUntil(async () => started, 20_000);
    const watcher = await startTestReplica(url, 'watcher', slow);
    await watcher.replication.boss.offWork('blkshp-operations');
    try {
      await a.close();
      expect((await watcher.repo.getOperation(operation.id))?.status).toBe('succeeded');
    } finally {
      await watcher.close();
    }
  });

  it('an operation whose replica died is marked interrupted and its stack recovered by another', async () => {
    const url = await cluster.createDatabase();
    let startedOnA = false;
    const hang: RunOperation = () =>
      new Promise<OperationOutcome>(() => {
        startedOnA = true;
      });
    const log: RunRecord[] = [];
    const a = await startTestReplica(url, 'replica-a', hang);
    const b = await startTestReplica(url, 'replica-b', recordingRun('replica-b', log));
    await b.replication.boss.offWork('blkshp-operations');
    try {
      await seedProperties(a, ['orphaned']);
      const operation = await a.queue.enqueue(newOperation('orphaned'));
      await waitUntil(async () => startedOnA, 20_000);
      // b works again; a's job is active, so b cannot take it while a lives.
      await b.queue.start();
      await a.kill();

      await waitUntil(
        async () => (await b.repo.getOperation(operation.id))?.status === 'interrupted',
        60_000,
      );
      expect(b.recovered).toEqual(['orphaned']);
      const interrupted = await b.repo.getOperation(operation.id);
      expect(interrupted?.error).toMatch(/stack was recovered/);

      // The stack takes new work at once, and nothing ran the interrupted operation again.
      const next = await b.queue.enqueue(newOperation('orphaned'));
      await waitUntil(
        async () => (await b.repo.getOperation(next.id))?.status === 'succeeded',
        30_000,
      );
      expect(log.map((r) => r.operation)).toEqual([next.id]);
    } finally {
      await b.close();
    }
  });
});
