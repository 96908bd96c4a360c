/**
 * A FAKE ControlPlaneApi for the API's route, auth and validation tests: in memory, no engine,
 * no storage. Operations stay queued until a test moves them along with `emit` / `finish`.
 * It is not the control plane: tests of behaviour that matters end to end use
 * createTestControlPlane (test/support/control-plane.ts).
 */

import type { ChangeSet } from '../../infra/changes/model.ts';
import type {
  Actor,
  AuditFilter,
  AuditRecord,
  ControlPlaneApi,
  EnqueueResult,
  OperationFilter,
  PropertyRecord,
  RefusalCode,
} from '../../infra/control-plane-api.ts';
import type { DriftResult } from '../../infra/drift/model.ts';
import { invalidInput } from '../../infra/errors.ts';
import type { ProgressEvent, ProgressListener } from '../../infra/events/model.ts';
import type { Operation, OperationKind, OperationStatus } from '../../infra/operations/model.ts';
import { parsePropertySpec } from '../../infra/properties/index.ts';

export interface FakeCall {
  method: string;
  args: unknown[];
}

export class FakeControlPlane implements ControlPlaneApi {
  readonly properties = new Map<string, PropertyRecord>();
  readonly operations = new Map<string, Operation>();
  readonly auditLog: AuditRecord[] = [];
  readonly calls: FakeCall[] = [];
  readonly #listeners = new Set<ProgressListener>();
  #nextRefusal: { code: RefusalCode; reason: string } | null = null;
  #seq = 0;

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** The next enqueue answers this refusal instead of queuing. */
  refuseNext(code: RefusalCode, reason: string): void {
    this.#nextRefusal = { code, reason };
  }

  seedProperty(input: Record<string, unknown>, extra: Partial<PropertyRecord> = {}) {
    const parsed = parsePropertySpec(input);
    if (!parsed.ok) throw new Error(`bad seed: ${JSON.stringify(parsed.issues)}`);
    const now = new Date().toISOString();
    const record: PropertyRecord = {
      spec: parsed.spec,
      sandbox: true,
      createdAt: now,
      updatedAt: now,
      outputs: null,
      lastOperation: null,
      drift: { status: 'unknown', checkedAt: null, changeSet: null },
      monthlyEstimateUsd: 42,
      ...extra,
    };
    this.properties.set(parsed.spec.slug, record);
    return record;
  }

  seedOperation(property: string, kind: OperationKind, extra: Partial<Operation> = {}) {
    const operation = newOperation(`op_${++this.#seq}`, property, kind, 'token:seed', extra);
    this.operations.set(operation.id, operation);
    return operation;
  }

  emit(event: ProgressEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** Moves an operation to a final status and tells the subscribers. */
  finish(id: string, status: OperationStatus, changeSet: ChangeSet | null = null): Operation {
    const operation = this.operations.get(id);
    if (operation === undefined) throw new Error(`no operation ${id}`);
    const now = new Date().toISOString();
    Object.assign(operation, {
      status,
      changeSet,
      startedAt: operation.startedAt ?? now,
      finishedAt: now,
    });
    this.emit({ type: 'finished', operationId: id, property: operation.property, operation });
    return operation;
  }

  async listProperties(filter: { cloud?: string; tier?: string } = {}) {
    this.#record('listProperties', filter);
    return [...this.properties.values()].filter(
      (p) =>
        (filter.cloud === undefined || p.spec.cloud === filter.cloud) &&
        (filter.tier === undefined || p.spec.tier === filter.tier),
    );
  }

  async getProperty(slug: string) {
    this.#record('getProperty', slug);
    return this.properties.get(slug) ?? null;
  }

  async addProperty(input: unknown, actor: Actor) {
    this.#record('addProperty', input, actor);
    const parsed = parsePropertySpec(input);
    if (!parsed.ok) throw invalidInput('The property spec is not valid', parsed.issues);
    const property = this.seedProperty(input as Record<string, unknown>);
    return { property, preview: this.#enqueue(parsed.spec.slug, 'preview', actor) };
  }

  async updateProperty(slug: string, patch: unknown, actor: Actor) {
    this.#record('updateProperty', slug, patch, actor);
    return this.#enqueue(slug, 'preview', actor);
  }

  async removeProperty(slug: string, actor: Actor) {
    this.#record('removeProperty', slug, actor);
    return { removed: this.properties.delete(slug) };
  }

  async preview(slug: string, actor: Actor) {
    this.#record('preview', slug, actor);
    return this.#enqueue(slug, 'preview', actor);
  }

  async apply(previewId: string, actor: Actor): Promise<EnqueueResult> {
    this.#record('apply', previewId, actor);
    const preview = this.operations.get(previewId);
    if (preview === undefined) {
      return { accepted: false, code: 'not-found', reason: `No preview ${previewId}` };
    }
    if (preview.kind !== 'preview') {
      return { accepted: false, code: 'not-a-preview', reason: `${previewId} is not a preview` };
    }
    return this.#enqueue(preview.property, 'apply', actor, previewId);
  }

  async refresh(slug: string, actor: Actor) {
    this.#record('refresh', slug, actor);
    return this.#enqueue(slug, 'refresh', actor);
  }

  async driftCheck(slug: string, actor: Actor) {
    this.#record('driftCheck', slug, actor);
    return this.#enqueue(slug, 'drift-check', actor);
  }

  async previewDestroy(slug: string, actor: Actor) {
    this.#record('previewDestroy', slug, actor);
    return this.#enqueue(slug, 'destroy', actor);
  }

  async getOperation(id: string) {
    this.#record('getOperation', id);
    return this.operations.get(id) ?? null;
  }

  async listOperations(filter: OperationFilter = {}) {
    this.#record('listOperations', filter);
    return [...this.operations.values()]
      .filter(
        (op) =>
          (filter.property === undefined || op.property === filter.property) &&
          (filter.kind === undefined || op.kind === filter.kind) &&
          (filter.status === undefined || op.status === filter.status),
      )
      .reverse()
      .slice(0, filter.limit ?? Number.POSITIVE_INFINITY);
  }

  async cancel(operationId: string, actor: Actor) {
    this.#record('cancel', operationId, actor);
    const operation = this.operations.get(operationId);
    if (operation === undefined || !['queued', 'running'].includes(operation.status)) {
      return { cancelled: false, reason: 'It has already finished' };
    }
    this.finish(operationId, 'cancelled');
    return { cancelled: true };
  }

  async waitFor(operationId: string): Promise<Operation> {
    const operation = this.operations.get(operationId);
    if (operation === undefined) throw new Error(`no operation ${operationId}`);
    return operation;
  }

  subscribe(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  readonly driftResults: DriftResult[] = [];

  async pendingApprovals(property?: string) {
    this.#record('pendingApprovals', { property });
    return [...this.operations.values()].filter(
      (op) =>
        op.kind === 'preview' &&
        op.status === 'succeeded' &&
        (property === undefined || op.property === property),
    );
  }

  async driftHistory(slug: string, limit = 50) {
    this.#record('driftHistory', { slug, limit });
    return this.driftResults.filter((r) => r.property === slug).slice(0, limit);
  }

  async queryAudit(filter: AuditFilter = {}) {
    this.#record('queryAudit', filter);
    return this.auditLog.filter((r) => filter.actor === undefined || r.actor === filter.actor);
  }

  async audit(entry: Omit<AuditRecord, 'id' | 'at'>) {
    this.auditLog.push({ ...entry, id: this.auditLog.length + 1, at: new Date().toISOString() });
  }

  #enqueue(
    property: string,
    kind: OperationKind,
    actor: Actor,
    previewId: string | null = null,
  ): EnqueueResult {
    if (this.#nextRefusal !== null) {
      const refusal = this.#nextRefusal;
      this.#nextRefusal = null;
      return { accepted: false, ...refusal };
    }
    if (!this.properties.has(property)) {
      return { accepted: false, code: 'not-found', reason: `No property ${property}` };
    }
    const operation = newOperation(`op_${++this.#seq}`, property, kind, actor.id, {
      channel: actor.channel,
      previewId,
    });
    this.operations.set(operation.id, operation);
    return { accepted: true, operation };
  }

  #record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }
}

function newOperation(
  id: string,
  property: string,
  kind: OperationKind,
  actor: string,
  extra: Partial<Operation>,
): Operation {
  return {
    id,
    property,
    kind,
    status: 'queued',
    priority: 'interactive',
    actor,
    channel: 'api',
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    previewId: null,
    summary: '',
    changeSet: null,
    outputs: null,
    error: null,
    fingerprint: null,
    ...extra,
  };
}

/** A small ChangeSet with one of everything a view has to show. */
export function sampleChangeSet(property: string): ChangeSet {
  const urn = (type: string, name: string) =>
    `urn:pulumi:${property}::blkshp-property::${type}::${name}`;
  return {
    kind: 'preview',
    property,
    sandbox: true,
    resources: [
      {
        urn: urn('digitalocean:index/droplet:Droplet', 'app'),
        type: 'digitalocean:index/droplet:Droplet',
        name: 'app',
        op: 'replace',
        changes: [
          {
            path: 'size',
            kind: 'update',
            old: 's-2vcpu-4gb',
            new: 's-4vcpu-8gb',
            forcesReplacement: true,
          },
        ],
        replaceReasons: ['size'],
        findings: [],
      },
      {
        urn: urn('digitalocean:index/firewall:Firewall', 'fw'),
        type: 'digitalocean:index/firewall:Firewall',
        name: 'fw',
        op: 'create',
        changes: [],
        replaceReasons: [],
        findings: [
          {
            policy: 'ssh-not-open-to-world',
            pack: 'blkshp-baseline',
            level: 'advisory',
            message: 'SSH is limited to the admin ranges',
            urn: urn('digitalocean:index/firewall:Firewall', 'fw'),
          },
        ],
      },
    ],
    counts: { replace: 1, create: 1 },
    findings: [],
    errors: [],
    costDelta: { currency: 'USD', beforeMonthly: 24, afterMonthly: 48 },
  };
}
