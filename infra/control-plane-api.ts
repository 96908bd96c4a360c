/**
 * What the transports (REST API, Slack bot, command line, scheduler) may ask of the control plane.
 * They parse and authorise a request, then call one of these methods with a typed actor; they
 * never touch Pulumi. Expected refusals come back as data (`{ accepted: false, reason }`);
 * bad input throws a BlkshpError with code BLKSHP_INVALID_INPUT and per-field issues.
 */
import type { ChangeSet } from './changes/model.ts';
import type { DriftResult } from './drift/model.ts';
import type { ProgressListener } from './events/model.ts';
import type {
  Channel,
  Operation,
  OperationKind,
  OperationPriority,
  OperationStatus,
} from './operations/model.ts';

/** Who asks, and through what. `id` is namespaced: `slack:U0123`, `token:<id>`, `cli:<user>`. */
export interface Actor {
  id: string;
  channel: Channel;
}

export type RefusalCode =
  | 'busy'
  | 'not-found'
  | 'not-a-preview'
  | 'preview-not-succeeded'
  | 'preview-too-old'
  | 'stale-preview'
  | 'policy-violation'
  | 'two-person-rule'
  | 'already-finished'
  | 'no-changes';

export type EnqueueResult =
  | { accepted: true; operation: Operation }
  | { accepted: false; code: RefusalCode; reason: string };

export type DriftStatus = 'unknown' | 'in-sync' | 'drifted' | 'failed';

export interface PropertyRecord {
  /** The validated spec (see infra/properties). */
  spec: import('./properties/spec.ts').PropertySpec;
  sandbox: boolean;
  createdAt: string;
  updatedAt: string;
  /** Outputs of the last succeeded apply, secrets removed. */
  outputs: Record<string, unknown> | null;
  lastOperation: Operation | null;
  drift: { status: DriftStatus; checkedAt: string | null; changeSet: ChangeSet | null };
  monthlyEstimateUsd: number;
}

export interface OperationFilter {
  property?: string;
  kind?: OperationKind;
  status?: OperationStatus;
  limit?: number;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  channel: Channel;
  action: string;
  property: string | null;
  operationId: string | null;
  result: string;
  detail: string | null;
}

export interface AuditFilter {
  actor?: string;
  property?: string;
  action?: string;
  since?: string;
  limit?: number;
}

export interface ControlPlaneApi {
  listProperties(filter?: { cloud?: string; tier?: string }): Promise<PropertyRecord[]>;
  getProperty(slug: string): Promise<PropertyRecord | null>;
  /** Validates, stores, creates the stack, and queues the first preview. */
  addProperty(
    input: unknown,
    actor: Actor,
  ): Promise<{ property: PropertyRecord; preview: EnqueueResult }>;
  /** Validates a new spec (a partial patch over the current one), stores it, queues a preview. */
  updateProperty(slug: string, patch: unknown, actor: Actor): Promise<EnqueueResult>;
  /** Removes a property whose stack holds no resources any more. */
  removeProperty(slug: string, actor: Actor): Promise<{ removed: boolean; reason?: string }>;

  preview(slug: string, actor: Actor, priority?: OperationPriority): Promise<EnqueueResult>;
  /**
   * Previews waiting for approval: the newest succeeded preview of each property when nothing
   * has run on its stack since, it changes something, it is younger than the age limit and it
   * carries no mandatory policy violation. Who may approve is for the transport to decide.
   */
  pendingApprovals(property?: string): Promise<Operation[]>;
  /** Applies exactly what the named succeeded preview showed. */
  apply(previewId: string, actor: Actor): Promise<EnqueueResult>;
  refresh(slug: string, actor: Actor): Promise<EnqueueResult>;
  driftCheck(slug: string, actor: Actor, priority?: OperationPriority): Promise<EnqueueResult>;
  /** Queues a destroy preview; applying that preview (via `apply`) destroys the stack. */
  previewDestroy(slug: string, actor: Actor): Promise<EnqueueResult>;

  getOperation(id: string): Promise<Operation | null>;
  listOperations(filter?: OperationFilter): Promise<Operation[]>;
  cancel(operationId: string, actor: Actor): Promise<{ cancelled: boolean; reason?: string }>;
  /** Resolves once the operation has finished (succeeded, failed, cancelled or interrupted). */
  waitFor(operationId: string): Promise<Operation>;

  /** Progress of every operation; returns the unsubscribe function. */
  subscribe(listener: ProgressListener): () => void;

  queryAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
  /** Drift check results of one property over time, newest first. */
  driftHistory(slug: string, limit?: number): Promise<DriftResult[]>;
  /** Records a transport-level event (a denied Slack click, a rejected token, ...). */
  audit(entry: Omit<AuditRecord, 'id' | 'at'>): Promise<void>;
}
