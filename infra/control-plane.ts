/**
 * The control plane: the one implementation of ControlPlaneApi. Transports call it with a typed
 * actor; it validates, records, queues and audits, and the queue runs the engine.
 */
import { randomUUID } from 'node:crypto';
import type { PulumiFn } from '@pulumi/pulumi/automation/index.js';
import type { Logger } from 'pino';
import { createPropertyProgram } from '../programs/property/index.ts';
import { decideApply } from './approvals/rules.ts';
import { changedResources, hasMandatoryViolation } from './changes/model.ts';
import type {
  Actor,
  AuditFilter,
  AuditRecord,
  ControlPlaneApi,
  DriftStatus,
  EnqueueResult,
  OperationFilter,
  PropertyRecord,
} from './control-plane-api.ts';
import type { DriftResult } from './drift/model.ts';
import { invalidInput, notFound } from './errors.ts';
import { ProgressBus } from './events/bus.ts';
import type { ProgressEvent, ProgressListener } from './events/model.ts';
import { fromWire, toWire } from './events/pg-relay.ts';
import type { Replication } from './jobs/replication.ts';
import { estimateFor, specHash } from './operations/costs.ts';
import type { OperationDispatcher } from './operations/dispatcher.ts';
import { createExecutor, createStackRecoverer } from './operations/executor.ts';
import { splitFingerprint } from './operations/fingerprint.ts';
import {
  isFinished,
  type Operation,
  type OperationKind,
  type OperationPriority,
} from './operations/model.ts';
import { OperationQueue } from './operations/queue.ts';
import { ReplicatedOperationQueue } from './operations/replicated-queue.ts';
import { DESTROY_PREVIEW_SUMMARY } from './operations/summaries.ts';
import { type PropertySpec, parsePropertySpec } from './properties/spec.ts';
import {
  dirsUnder,
  type EngineDirs,
  type EngineSelector,
  stackEnvironmentFactory,
} from './stack-environment.ts';
import type { StackSecrets } from './stacks/secrets.ts';
import { repositorySettingsStore } from './stacks/settings-store.ts';
import type { OperationQuery, Repository, StoredProperty } from './storage/repository.ts';
import { minRetentionDays, TIER_NAMES, type TierName } from './tiers/index.ts';

export interface ControlPlaneOptions {
  repo: Repository;
  logger: Logger;
  dataDir: string;
  engine: EngineSelector;
  maxEngineRuns: number;
  operationTimeoutSeconds: number;
  previewMaxAgeMinutes: number;
  /** Decides per cloud whether a property runs on the sandbox. */
  isSandboxed: (cloud: PropertySpec['cloud']) => boolean;
  /** The CrossGuard pack directory; null turns policy checks off (tests of other things). */
  policyPackDir: string | null;
  /** The program to run; the property program unless a test swaps it. */
  program?: (spec: PropertySpec, secrets: StackSecrets) => PulumiFn;
  /** Stack settings and sandbox directories: under `dataDir` unless set (replicas share them). */
  dirs?: EngineDirs;
  /** With DATABASE_URL: the queue and progress events are shared with the other replicas. */
  replication?: Replication;
  /** With replicas: false queues and follows work without running any (the command line). */
  takeWork?: boolean;
}

export class ControlPlane implements ControlPlaneApi {
  readonly #repo: Repository;
  readonly #logger: Logger;
  readonly #bus: ProgressBus;
  readonly #queue: OperationDispatcher;
  readonly #options: ControlPlaneOptions;
  readonly #waiters = new Map<string, Array<(operation: Operation) => void>>();

  private constructor(options: ControlPlaneOptions, bus: ProgressBus, queue: OperationDispatcher) {
    this.#options = options;
    this.#repo = options.repo;
    this.#logger = options.logger;
    this.#bus = bus;
    this.#queue = queue;
    // Finished events come from this process's queue or, with replicas, from another's.
    bus.subscribe((event) => {
      if (event.type !== 'finished') return;
      for (const resolve of this.#waiters.get(event.operationId) ?? []) resolve(event.operation);
      this.#waiters.delete(event.operationId);
    });
  }

  /** Opens the control plane and starts its queue (recovering what a dead process left). */
  static async open(options: ControlPlaneOptions): Promise<ControlPlane> {
    const bus = new ProgressBus(options.logger);
    let self: ControlPlane | undefined;
    const executorDeps = {
      repo: options.repo,
      stackEnvironment: stackEnvironmentFactory(
        options.engine,
        options.dirs ?? dirsUnder(options.dataDir),
        repositorySettingsStore(options.repo),
      ),
      program: options.program ?? createPropertyProgram,
      policyPackDir: options.policyPackDir,
      emit: (event: ProgressEvent) => bus.emit(event),
      logger: options.logger,
    };
    const common = {
      repo: options.repo,
      run: createExecutor(executorDeps),
      maxConcurrent: options.maxEngineRuns,
      timeoutMs: options.operationTimeoutSeconds * 1000,
      logger: options.logger,
      onChange: (operation: Operation) => self?.onOperationChange(operation),
    };
    const replication = options.replication;
    let queue: OperationDispatcher;
    if (replication) {
      const replicated = new ReplicatedOperationQueue({
        ...common,
        boss: replication.boss,
        lockPool: replication.lockPool,
        heartbeatSeconds: replication.heartbeatSeconds,
        drainMs: replication.drainSeconds * 1000,
        recoverStack: createStackRecoverer(executorDeps),
        takeWork: options.takeWork !== false,
        broadcastCancel: (operationId) =>
          replication.relay.publish({ kind: 'cancel', operationId }),
      });
      bus.forwardTo(
        (event) => void replication.relay.publish({ kind: 'progress', event: toWire(event) }),
      );
      replication.handleMessages((message) => {
        if (message.kind === 'cancel') {
          replicated.abortLocal(message.operationId);
          return;
        }
        void fromWire(message.event, (id) => options.repo.getOperation(id))
          .then((event) => event && bus.deliver(event))
          .catch((error: unknown) => options.logger.warn({ err: error }, 'relayed event lost'));
      });
      queue = replicated;
    } else {
      queue = new OperationQueue(common);
    }
    self = new ControlPlane(options, bus, queue);
    await queue.start();
    return self;
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }

  // Properties

  async listProperties(filter: { cloud?: string; tier?: string } = {}): Promise<PropertyRecord[]> {
    const stored = await this.#repo.listProperties();
    const matching = stored.filter(
      (p) =>
        (!filter.cloud || p.spec.cloud === filter.cloud) &&
        (!filter.tier || p.spec.tier === filter.tier),
    );
    // Two queries for the whole fleet, not two per property.
    const [latest, drifts] = await Promise.all([
      this.#repo.listOperations({ latestPerProperty: true }),
      this.#repo.listOperations({ ...LAST_DRIFT_QUERY, latestPerProperty: true }),
    ]);
    const latestBy = new Map(latest.map((o) => [o.property, o]));
    const driftBy = new Map(drifts.map((o) => [o.property, o]));
    return matching.map((p) => toRecord(p, latestBy.get(p.slug), driftBy.get(p.slug)));
  }

  async getProperty(slug: string): Promise<PropertyRecord | null> {
    const stored = await this.#repo.getProperty(slug);
    return stored ? this.#record(stored) : null;
  }

  async addProperty(
    input: unknown,
    actor: Actor,
  ): Promise<{ property: PropertyRecord; preview: EnqueueResult }> {
    const spec = validSpec(input);
    if (await this.#repo.getProperty(spec.slug)) {
      throw invalidInput(`A property named ${spec.slug} already exists`, [
        { field: 'slug', message: `${spec.slug} is already taken; choose another slug` },
      ]);
    }
    const now = new Date().toISOString();
    const stored: StoredProperty = {
      slug: spec.slug,
      spec,
      sandbox: this.#options.isSandboxed(spec.cloud),
      createdAt: now,
      updatedAt: now,
      outputs: null,
    };
    await this.#repo.insertProperty(stored);
    await this.audit({ ...auditBase(actor, 'property.add', spec.slug), result: 'added' });
    const preview = await this.preview(spec.slug, actor);
    return { property: await this.#record(stored), preview };
  }

  async updateProperty(slug: string, patch: unknown, actor: Actor): Promise<EnqueueResult> {
    const current = await this.#repo.getProperty(slug);
    if (!current) return refusal('not-found', `There is no property named ${slug}.`);
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      throw invalidInput('The change must be an object of spec fields');
    }
    if ('slug' in patch && (patch as { slug: unknown }).slug !== slug) {
      throw invalidInput('A property cannot be renamed', [
        { field: 'slug', message: 'the slug names the stack and cannot change' },
      ]);
    }
    const merged: Record<string, unknown> = { ...current.spec, ...(patch as object) };
    // Scaling up raises the retention to the new tier's minimum unless the change sets one.
    if ('tier' in patch && !('backupRetentionDays' in patch)) {
      const tier = (patch as { tier: unknown }).tier;
      if (isTierName(tier)) {
        merged.backupRetentionDays = Math.max(
          current.spec.backupRetentionDays,
          minRetentionDays(tier),
        );
      }
    }
    const spec = validSpec(merged);
    await this.#repo.updateProperty(slug, { spec });
    const changed = Object.keys(patch as object).join(', ') || 'nothing';
    await this.audit({
      ...auditBase(actor, 'property.update', slug),
      result: `changed ${changed}`,
    });
    return this.preview(slug, actor);
  }

  async removeProperty(slug: string, actor: Actor): Promise<{ removed: boolean; reason?: string }> {
    const current = await this.#repo.getProperty(slug);
    if (!current) return { removed: false, reason: `There is no property named ${slug}.` };
    if (current.outputs !== null) {
      return {
        removed: false,
        reason: `${slug} still has infrastructure: preview a destroy, approve it, then remove it.`,
      };
    }
    const active = await this.#repo.listOperations({
      property: slug,
      status: ['queued', 'running'],
    });
    if (active.length > 0) return { removed: false, reason: `${slug} has operations in flight.` };
    await this.#repo.deleteProperty(slug);
    await this.audit({ ...auditBase(actor, 'property.remove', slug), result: 'removed' });
    return { removed: true };
  }

  // Operations

  preview(slug: string, actor: Actor, priority: OperationPriority = 'interactive') {
    return this.#enqueue(slug, 'preview', actor, { priority, summary: 'preview' });
  }

  refresh(slug: string, actor: Actor) {
    return this.#enqueue(slug, 'refresh', actor, { summary: 'refresh' });
  }

  driftCheck(slug: string, actor: Actor, priority: OperationPriority = 'interactive') {
    return this.#enqueue(slug, 'drift-check', actor, { priority, summary: 'drift check' });
  }

  previewDestroy(slug: string, actor: Actor) {
    return this.#enqueue(slug, 'preview', actor, { summary: DESTROY_PREVIEW_SUMMARY });
  }

  async pendingApprovals(property?: string): Promise<Operation[]> {
    const maxAgeMs = this.#options.previewMaxAgeMinutes * 60_000;
    const previews = await this.#repo.listOperations({
      ...(property ? { property } : {}),
      kind: 'preview',
      latestPerProperty: true,
    });
    const candidates = previews.filter(
      (op) =>
        op.status === 'succeeded' &&
        op.changeSet !== null &&
        changedResources(op.changeSet).length > 0 &&
        !hasMandatoryViolation(op.changeSet) &&
        Date.now() - Date.parse(op.finishedAt ?? op.createdAt) <= maxAgeMs,
    );
    // Still waiting only if nothing but drift checks ran on the stack since.
    const waiting = await Promise.all(
      candidates.map(async (preview) => {
        const recent = await this.#repo.listOperations({ property: preview.property, limit: 20 });
        const since = recent.filter((op) => op.createdAt > preview.createdAt);
        return since.every((op) => op.kind === 'drift-check') ? preview : null;
      }),
    );
    return waiting.filter((op): op is Operation => op !== null);
  }

  async apply(previewId: string, actor: Actor): Promise<EnqueueResult> {
    const preview = await this.#repo.getOperation(previewId);
    const property = preview ? await this.#repo.getProperty(preview.property) : null;
    const applies = preview
      ? await this.#repo.listOperations({ property: preview.property, kind: 'apply' })
      : [];
    const destroys = preview
      ? await this.#repo.listOperations({ property: preview.property, kind: 'destroy' })
      : [];
    const alreadyApplied = [...applies, ...destroys].some(
      (o) =>
        o.previewId === previewId && !['failed', 'cancelled', 'interrupted'].includes(o.status),
    );
    const decision = decideApply({
      preview,
      spec: property?.spec ?? null,
      actor,
      now: new Date(),
      maxAgeMinutes: this.#options.previewMaxAgeMinutes,
      currentSpecHash: property ? specHash(property.spec) : '',
      previewSpecHash: preview?.fingerprint ? splitFingerprint(preview.fingerprint).spec : null,
      alreadyApplied,
    });
    if (!decision.ok || !preview) {
      const refused = decision.ok
        ? refusal('not-found', 'That preview does not exist.')
        : refusal(decision.code, decision.reason);
      await this.audit({
        ...auditBase(actor, 'apply', preview?.property ?? null),
        operationId: previewId,
        result: `refused: ${refused.code}`,
        detail: refused.reason,
      });
      return refused;
    }
    // A retried apply (the first one failed) keeps the approval recorded the first time.
    const approvals = await this.#repo.listApprovals(previewId);
    if (!approvals.some((a) => a.approver === actor.id)) {
      await this.#repo.insertApproval({
        operationId: previewId,
        approver: actor.id,
        channel: actor.channel,
        at: new Date().toISOString(),
      });
    }
    const kind: OperationKind = preview.changeSet?.kind === 'destroy' ? 'destroy' : 'apply';
    return this.#enqueue(preview.property, kind, actor, {
      previewId,
      summary: `${kind} of preview ${previewId}`,
      skipBusyCheck: true,
    });
  }

  getOperation(id: string): Promise<Operation | null> {
    return this.#repo.getOperation(id);
  }

  listOperations(filter: OperationFilter = {}): Promise<Operation[]> {
    return this.#repo.listOperations(filter);
  }

  async cancel(
    operationId: string,
    actor: Actor,
  ): Promise<{ cancelled: boolean; reason?: string }> {
    const operation = await this.#repo.getOperation(operationId);
    const result = await this.#queue.cancel(operationId);
    await this.audit({
      ...auditBase(actor, 'cancel', operation?.property ?? null),
      operationId,
      result: result.cancelled ? 'cancelled' : `refused: ${result.reason}`,
    });
    return result;
  }

  async waitFor(operationId: string): Promise<Operation> {
    // Listen first, then read: a finish between the two is not missed.
    let resolveFinished: (operation: Operation) => void = () => {};
    const finished = new Promise<Operation>((resolve) => {
      resolveFinished = resolve;
    });
    const list = this.#waiters.get(operationId) ?? [];
    list.push(resolveFinished);
    this.#waiters.set(operationId, list);
    const current = await this.#repo.getOperation(operationId);
    if (!current || isFinished(current.status)) {
      this.#dropWaiter(operationId, resolveFinished);
      if (!current) throw notFound(`Operation ${operationId}`);
      return current;
    }
    if (!this.#options.replication) return finished;
    // With replicas the finish may come over the relay, which is not durable: read the row too.
    const poll = setInterval(() => {
      void this.#repo
        .getOperation(operationId)
        .then((row) => {
          if (row && isFinished(row.status)) resolveFinished(row);
        })
        .catch(() => {});
    }, RELAY_FALLBACK_POLL_MS);
    try {
      return await finished;
    } finally {
      clearInterval(poll);
      this.#dropWaiter(operationId, resolveFinished);
    }
  }

  #dropWaiter(operationId: string, waiter: (operation: Operation) => void): void {
    const rest = (this.#waiters.get(operationId) ?? []).filter((w) => w !== waiter);
    if (rest.length > 0) this.#waiters.set(operationId, rest);
    else this.#waiters.delete(operationId);
  }

  subscribe(listener: ProgressListener): () => void {
    return this.#bus.subscribe(listener);
  }

  queryAudit(filter?: AuditFilter): Promise<AuditRecord[]> {
    return this.#repo.queryAudit(filter);
  }

  driftHistory(slug: string, limit = 50): Promise<DriftResult[]> {
    return this.#repo.listDriftResults({ property: slug, limit });
  }

  async audit(entry: Omit<AuditRecord, 'id' | 'at'>): Promise<void> {
    await this.#repo.appendAudit(entry);
  }

  /** Called by the queue on every change of an operation's row. */
  private onOperationChange(operation: Operation): void {
    const base = { operationId: operation.id, property: operation.property };
    this.#bus.emit({ type: 'status', ...base, status: operation.status });
    if (!isFinished(operation.status)) return;
    this.#bus.emit({ type: 'finished', ...base, operation });
    void this.audit({
      actor: operation.actor,
      channel: operation.channel,
      action: `${operation.kind}.finished`,
      property: operation.property,
      operationId: operation.id,
      result: operation.status,
      detail: operation.error,
    }).catch((error: unknown) => this.#logger.error({ err: error }, 'audit write failed'));
  }

  async #enqueue(
    slug: string,
    kind: OperationKind,
    actor: Actor,
    options: {
      priority?: OperationPriority;
      summary: string;
      previewId?: string;
      skipBusyCheck?: boolean;
    },
  ): Promise<EnqueueResult> {
    const property = await this.#repo.getProperty(slug);
    if (!property) return refusal('not-found', `There is no property named ${slug}.`);
    if (!options.skipBusyCheck) {
      const waiting = await this.#repo.listOperations({ property: slug, kind, status: 'queued' });
      const same = waiting.find((o) => o.summary === options.summary);
      if (same) {
        return refusal('busy', `A ${options.summary} of ${slug} is already queued (${same.id}).`);
      }
    }
    const operation = await this.#queue.enqueue({
      id: randomUUID(),
      property: slug,
      kind,
      priority: options.priority ?? 'interactive',
      actor: actor.id,
      channel: actor.channel,
      previewId: options.previewId ?? null,
      summary: options.summary,
    });
    await this.audit({
      ...auditBase(actor, kind, slug),
      operationId: operation.id,
      result: 'queued',
    });
    return { accepted: true, operation };
  }

  async #record(stored: StoredProperty): Promise<PropertyRecord> {
    const [last] = await this.#repo.listOperations({ property: stored.slug, limit: 1 });
    const [drift] = await this.#repo.listOperations({
      ...LAST_DRIFT_QUERY,
      property: stored.slug,
      limit: 1,
    });
    return toRecord(stored, last, drift);
  }
}

const RELAY_FALLBACK_POLL_MS = 5000;

const LAST_DRIFT_QUERY = {
  kind: 'drift-check',
  status: ['succeeded', 'failed'],
} satisfies OperationQuery;

function toRecord(
  stored: StoredProperty,
  last: Operation | undefined,
  drift: Operation | undefined,
): PropertyRecord {
  return {
    spec: stored.spec,
    sandbox: stored.sandbox,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    outputs: stored.outputs,
    lastOperation: last ?? null,
    drift: {
      status: driftStatusOf(drift),
      checkedAt: drift?.finishedAt ?? null,
      changeSet: drift?.changeSet ?? null,
    },
    monthlyEstimateUsd: estimateFor(stored.spec),
  };
}

function isTierName(value: unknown): value is TierName {
  return (TIER_NAMES as readonly unknown[]).includes(value);
}

function validSpec(input: unknown): PropertySpec {
  const parsed = parsePropertySpec(input);
  if (!parsed.ok) throw invalidInput('The property spec is not valid', parsed.issues);
  return parsed.spec;
}

function driftStatusOf(operation: Operation | undefined): DriftStatus {
  if (!operation) return 'unknown';
  if (operation.status === 'failed') return 'failed';
  const changeSet = operation.changeSet;
  if (!changeSet) return 'unknown';
  const drifted = changeSet.resources.some((r) => r.op !== 'same' && r.op !== 'read');
  return drifted ? 'drifted' : 'in-sync';
}

function refusal(code: Extract<EnqueueResult, { accepted: false }>['code'], reason: string) {
  return { accepted: false as const, code, reason };
}

function auditBase(actor: Actor, action: string, property: string | null) {
  return {
    actor: actor.id,
    channel: actor.channel,
    action,
    property,
    operationId: null,
    result: '',
    detail: null,
  };
}
