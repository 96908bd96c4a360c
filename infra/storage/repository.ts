/**
 * Durable storage of the control plane. Two implementations share one contract and one test
 * suite: node:sqlite (the embedded default) and Postgres. All methods are async so both fit.
 * Secrets are never stored here: they live in each stack's encrypted config.
 */
import type { AuditFilter, AuditRecord } from '../control-plane-api.ts';
import type { DriftResult, NewDriftResult } from '../drift/model.ts';
import type {
  Operation,
  OperationKind,
  OperationPriority,
  OperationStatus,
} from '../operations/model.ts';
import type { PropertySpec } from '../properties/spec.ts';

export interface StoredProperty {
  slug: string;
  spec: PropertySpec;
  sandbox: boolean;
  createdAt: string;
  updatedAt: string;
  /** Outputs of the last succeeded apply, secrets removed. */
  outputs: Record<string, unknown> | null;
}

export interface NewOperation {
  id: string;
  property: string;
  kind: OperationKind;
  priority: OperationPriority;
  actor: string;
  channel: string;
  previewId: string | null;
  summary: string;
}

export interface OperationQuery {
  property?: string;
  kind?: OperationKind;
  status?: OperationStatus | OperationStatus[];
  limit?: number;
  /** Only the newest matching operation of each property (one query for a whole fleet). */
  latestPerProperty?: boolean;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  /** SHA-256 of the secret part, hex. The secret itself is shown once and never stored. */
  hash: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface Approval {
  operationId: string;
  approver: string;
  channel: string;
  at: string;
}

export interface Schedule {
  /** `*` for the fleet-wide default, else a property slug. */
  scope: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  updatedAt: string;
}

export interface DriftResultQuery {
  property?: string;
  /** Inclusive lower bound on `checkedAt`. */
  since?: string;
  limit?: number;
}

/** Drift notifications for a property are suppressed until `until`. */
export interface DriftIgnore {
  property: string;
  until: string;
  actor: string;
  createdAt: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One notification to one webhook target, with what happened on its attempts. */
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  property: string | null;
  /** The target URL without query or credentials (they may carry tokens). */
  target: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RateBucketRequest {
  key: string;
  capacity: number;
  refillPerSecond: number;
  /** Milliseconds since the epoch; a clock behind the bucket's refills nothing. */
  nowMs: number;
}

/** What taking from a bucket left: whether the request may pass, and the tokens after it. */
export interface RateBucketState {
  allowed: boolean;
  tokens: number;
}

/** A response the API replays for a repeated Idempotency-Key. */
export interface IdempotentResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** One Idempotency-Key: reserved (response null) while its first request is answered. */
export interface IdempotencyRecord {
  /** SHA-256 of the token and the client's key, hex. */
  keyHash: string;
  /** SHA-256 of the path and body of the first request. */
  fingerprint: string;
  expiresAt: string;
  response: IdempotentResponse | null;
}

export interface Repository {
  /** Applies pending migrations; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  insertProperty(property: StoredProperty): Promise<void>;
  updateProperty(
    slug: string,
    changes: Partial<Pick<StoredProperty, 'spec' | 'outputs' | 'sandbox'>>,
  ): Promise<void>;
  getProperty(slug: string): Promise<StoredProperty | null>;
  listProperties(): Promise<StoredProperty[]>;
  deleteProperty(slug: string): Promise<void>;

  insertOperation(operation: NewOperation): Promise<Operation>;
  getOperation(id: string): Promise<Operation | null>;
  listOperations(query?: OperationQuery): Promise<Operation[]>;
  /** Partial update of an operation's mutable fields; returns the updated row. */
  updateOperation(
    id: string,
    changes: Partial<
      Pick<
        Operation,
        'status' | 'startedAt' | 'finishedAt' | 'changeSet' | 'outputs' | 'error' | 'fingerprint'
      >
    >,
  ): Promise<Operation>;
  /**
   * Atomically moves an operation from `from` to `to` status; false when it was not in `from`
   * (someone else took or cancelled it). The queue relies on this to run each operation once.
   */
  transitionOperation(id: string, from: OperationStatus, to: OperationStatus): Promise<boolean>;

  insertApproval(approval: Approval): Promise<void>;
  listApprovals(operationId: string): Promise<Approval[]>;

  appendAudit(entry: Omit<AuditRecord, 'id' | 'at'> & { at?: string }): Promise<AuditRecord>;
  queryAudit(filter?: AuditFilter): Promise<AuditRecord[]>;

  insertToken(token: ApiTokenRecord): Promise<void>;
  findTokenByHash(hash: string): Promise<ApiTokenRecord | null>;
  listTokens(): Promise<ApiTokenRecord[]>;
  revokeToken(id: string, at: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;

  upsertSchedule(schedule: Schedule): Promise<void>;
  listSchedules(): Promise<Schedule[]>;
  deleteSchedule(scope: string): Promise<boolean>;

  /** Records one drift check; null when that operation was recorded already. */
  insertDriftResult(result: NewDriftResult): Promise<DriftResult | null>;
  /** Newest first. */
  listDriftResults(query?: DriftResultQuery): Promise<DriftResult[]>;

  setDriftIgnore(ignore: DriftIgnore): Promise<void>;
  getDriftIgnore(property: string): Promise<DriftIgnore | null>;
  clearDriftIgnore(property: string): Promise<boolean>;

  /**
   * Reserves a key for a first request, atomically; returns null when reserved, else the live
   * record someone holds. Expired records (at or before `now`) are dropped first.
   */
  reserveIdempotencyKey(
    record: Omit<IdempotencyRecord, 'response'>,
    now: string,
  ): Promise<IdempotencyRecord | null>;
  completeIdempotencyKey(keyHash: string, response: IdempotentResponse): Promise<void>;
  releaseIdempotencyKey(keyHash: string): Promise<void>;

  /**
   * A stack's settings file as last stored, or null; `stack` is `<project>/<stack>`. Kept when
   * its property is removed: the stack stays in the state backend, and its salt with it.
   */
  getStackSettings(stack: string): Promise<string | null>;
  putStackSettings(stack: string, content: string, at: string): Promise<void>;

  /**
   * Refills a token bucket (`capacity` at most, `refillPerSecond` back each second) and takes
   * one request from it when there is one, atomically across connections.
   */
  takeRateToken(bucket: RateBucketRequest): Promise<RateBucketState>;

  insertWebhookDelivery(delivery: WebhookDelivery): Promise<void>;
  updateWebhookDelivery(
    id: string,
    changes: Partial<
      Pick<WebhookDelivery, 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'updatedAt'>
    >,
  ): Promise<void>;
  /** Newest first. */
  listWebhookDeliveries(query?: { eventId?: string; limit?: number }): Promise<WebhookDelivery[]>;
}
