/**
 * A FAKE control plane for the drift scheduler's and monitor's unit tests: just the methods
 * they use, over an in-memory queue that behaves like the real one where it matters here
 * (a queued drift check of a property refuses another as `busy`; one operation per property;
 * at most `maxConcurrent` running; interactive before scheduled). Checks "run" on timers, so
 * vitest's fake clock drives them. The real thing is tested in test/integration/drift.
 */
import type { ChangeSet } from '../../infra/changes/model.ts';
import type {
  Actor,
  AuditRecord,
  EnqueueResult,
  OperationFilter,
  PropertyRecord,
} from '../../infra/control-plane-api.ts';
import type { MonitorControlPlane } from '../../infra/drift/monitor.ts';
import type { SchedulerControlPlane } from '../../infra/drift/scheduler.ts';
import type { ProgressListener } from '../../infra/events/model.ts';
import type { Operation, OperationPriority } from '../../infra/operations/model.ts';

export interface FakeDriftQueueOptions {
  maxConcurrent: number;
  /** How long a check "runs" on the (fake) clock. */
  checkMs: number;
  /** When each property was added (ISO); 2020-01-01 for those not listed. */
  createdAt?: Record<string, string>;
}

export class FakeDriftQueue implements SchedulerControlPlane, MonitorControlPlane {
  readonly operations: Operation[] = [];
  readonly auditLog: Array<Omit<AuditRecord, 'id' | 'at'>> = [];
  readonly driftCalls: Array<{ slug: string; actor: Actor; priority: OperationPriority }> = [];
  /** Most operations running at once, over the whole test. */
  peakRunning = 0;
  readonly #slugs: string[];
  readonly #listeners = new Set<ProgressListener>();
  #seq = 0;
  readonly options: FakeDriftQueueOptions;

  constructor(slugs: string[], options: FakeDriftQueueOptions) {
    this.#slugs = [...slugs];
    this.options = options;
  }

  async listProperties(): Promise<PropertyRecord[]> {
    return this.#slugs.map((slug) => {
      // As the real fleet list: the newest finished drift check says when drift was last known.
      const lastCheck = this.operations.findLast(
        (o) =>
          o.property === slug &&
          o.kind === 'drift-check' &&
          (o.status === 'succeeded' || o.status === 'failed'),
      );
      return {
        spec: { slug },
        createdAt: this.options.createdAt?.[slug] ?? '2020-01-01T00:00:00.000Z',
        drift: { checkedAt: lastCheck?.finishedAt ?? null },
      } as unknown as PropertyRecord;
    });
  }

  async listOperations(filter: OperationFilter = {}): Promise<Operation[]> {
    return this.operations
      .filter(
        (o) =>
          (filter.property === undefined || o.property === filter.property) &&
          (filter.kind === undefined || o.kind === filter.kind) &&
          (filter.status === undefined || o.status === filter.status),
      )
      .reverse()
      .slice(0, filter.limit ?? Number.POSITIVE_INFINITY);
  }

  async driftCheck(
    slug: string,
    actor: Actor,
    priority: OperationPriority = 'interactive',
  ): Promise<EnqueueResult> {
    this.driftCalls.push({ slug, actor, priority });
    if (!this.#slugs.includes(slug)) {
      return { accepted: false, code: 'not-found', reason: `no property ${slug}` };
    }
    const queued = this.operations.find(
      (o) => o.property === slug && o.kind === 'drift-check' && o.status === 'queued',
    );
    if (queued) return { accepted: false, code: 'busy', reason: `${queued.id} is queued` };
    const operation = newDriftCheck(`op-${++this.#seq}`, slug, actor, priority);
    this.operations.push(operation);
    this.#pump();
    return { accepted: true, operation };
  }

  async audit(entry: Omit<AuditRecord, 'id' | 'at'>): Promise<void> {
    this.auditLog.push(entry);
  }

  subscribe(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Finishes an operation as the real queue would, telling the subscribers. */
  finish(operation: Operation, status: 'succeeded' | 'failed', changeSet: ChangeSet | null) {
    Object.assign(operation, {
      status,
      changeSet,
      error: status === 'failed' ? 'engine exploded' : null,
      finishedAt: new Date().toISOString(),
    });
    for (const listener of this.#listeners) {
      listener({
        type: 'finished',
        operationId: operation.id,
        property: operation.property,
        operation,
      });
    }
  }

  running(): number {
    return this.operations.filter((o) => o.status === 'running').length;
  }

  #pump(): void {
    const rank = (o: Operation) => (o.priority === 'interactive' ? 0 : 1);
    const queued = this.operations
      .filter((o) => o.status === 'queued')
      .sort((a, b) => rank(a) - rank(b));
    for (const operation of queued) {
      if (this.running() >= this.options.maxConcurrent) break;
      const busy = this.operations.some(
        (o) => o.property === operation.property && o.status === 'running',
      );
      if (busy) continue;
      operation.status = 'running';
      operation.startedAt = new Date().toISOString();
      this.peakRunning = Math.max(this.peakRunning, this.running());
      setTimeout(() => {
        this.finish(operation, 'succeeded', null);
        this.#pump();
      }, this.options.checkMs);
    }
  }
}

export function newDriftCheck(
  id: string,
  property: string,
  actor: Actor,
  priority: OperationPriority = 'scheduled',
  createdAt = new Date().toISOString(),
): Operation {
  return {
    id,
    property,
    kind: 'drift-check',
    status: 'queued',
    priority,
    actor: actor.id,
    channel: actor.channel,
    createdAt,
    startedAt: null,
    finishedAt: null,
    previewId: null,
    summary: 'drift check',
    changeSet: null,
    outputs: null,
    error: null,
    fingerprint: null,
  };
}
