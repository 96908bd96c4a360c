/**
 * Row shapes shared by both implementations: column names are the same in each dialect, only
 * the encoding of JSON, booleans, timestamps and big integers differs. Each implementation passes
 * its decoders.
 */
import type { AuditRecord } from '../control-plane-api.ts';
import type { DriftResult } from '../drift/model.ts';
import { BlkshpError, ERROR_CODES } from '../errors.ts';
import type { Operation } from '../operations/model.ts';
import type { PropertySpec } from '../properties/spec.ts';
import type {
  ApiTokenRecord,
  Approval,
  DriftIgnore,
  IdempotencyRecord,
  IdempotentResponse,
  Schedule,
  StoredProperty,
  WebhookDelivery,
} from './repository.ts';

export type Row = Record<string, unknown>;

export interface Decoders {
  json(value: unknown): unknown;
}

/** Normalises any accepted date input to `YYYY-MM-DDTHH:mm:ss.sssZ`, so text ordering holds. */
export function iso(value: string | Date): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new BlkshpError(ERROR_CODES.invalidInput, `not a valid timestamp: ${String(value)}`);
  }
  return date.toISOString();
}

export function now(): string {
  return new Date().toISOString();
}

function text(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function maybeText(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

function maybeJson<T>(value: unknown, d: Decoders): T | null {
  return value === null || value === undefined ? null : (d.json(value) as T);
}

export function toProperty(row: Row, d: Decoders): StoredProperty {
  return {
    slug: text(row.slug),
    spec: d.json(row.spec) as PropertySpec,
    sandbox: Boolean(row.sandbox),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
    outputs: maybeJson(row.outputs, d),
  };
}

export function toOperation(row: Row, d: Decoders): Operation {
  return {
    id: text(row.id),
    property: text(row.property),
    kind: text(row.kind) as Operation['kind'],
    status: text(row.status) as Operation['status'],
    priority: text(row.priority) as Operation['priority'],
    actor: text(row.actor),
    channel: text(row.channel),
    createdAt: text(row.created_at),
    startedAt: maybeText(row.started_at),
    finishedAt: maybeText(row.finished_at),
    previewId: maybeText(row.preview_id),
    summary: text(row.summary),
    changeSet: maybeJson(row.change_set, d),
    outputs: maybeJson(row.outputs, d),
    error: maybeText(row.error),
    fingerprint: maybeText(row.fingerprint),
  };
}

export function toApproval(row: Row): Approval {
  return {
    operationId: text(row.operation_id),
    approver: text(row.approver),
    channel: text(row.channel),
    at: text(row.at),
  };
}

export function toAudit(row: Row): AuditRecord {
  return {
    id: Number(row.id),
    at: text(row.at),
    actor: text(row.actor),
    channel: text(row.channel),
    action: text(row.action),
    property: maybeText(row.property),
    operationId: maybeText(row.operation_id),
    result: text(row.result),
    detail: maybeText(row.detail),
  };
}

export function toToken(row: Row, d: Decoders): ApiTokenRecord {
  return {
    id: text(row.id),
    name: text(row.name),
    hash: text(row.hash),
    scopes: d.json(row.scopes) as string[],
    createdAt: text(row.created_at),
    revokedAt: maybeText(row.revoked_at),
    lastUsedAt: maybeText(row.last_used_at),
  };
}

export function toSchedule(row: Row): Schedule {
  return {
    scope: text(row.scope),
    cron: text(row.cron),
    timezone: text(row.timezone),
    enabled: Boolean(row.enabled),
    updatedAt: text(row.updated_at),
  };
}

export function toDriftResult(row: Row, d: Decoders): DriftResult {
  return {
    id: Number(row.id),
    property: text(row.property),
    operationId: text(row.operation_id),
    checkedAt: text(row.checked_at),
    status: text(row.status) as DriftResult['status'],
    resources: d.json(row.resources) as DriftResult['resources'],
    error: maybeText(row.error),
    signature: maybeText(row.signature),
    suppressed: Boolean(row.suppressed),
  };
}

export function toIdempotencyRecord(row: Row, d: Decoders): IdempotencyRecord {
  return {
    keyHash: text(row.key_hash),
    fingerprint: text(row.fingerprint),
    expiresAt: text(row.expires_at),
    response: maybeJson<IdempotentResponse>(row.response, d),
  };
}

export function toDriftIgnore(row: Row): DriftIgnore {
  return {
    property: text(row.property),
    until: text(row.until),
    actor: text(row.actor),
    createdAt: text(row.created_at),
  };
}

export function toWebhookDelivery(row: Row): WebhookDelivery {
  return {
    id: text(row.id),
    eventId: text(row.event_id),
    eventType: text(row.event_type),
    property: maybeText(row.property),
    target: text(row.target),
    status: text(row.status) as WebhookDelivery['status'],
    attempts: Number(row.attempts),
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: maybeText(row.last_error),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}

/** Webhook delivery fields that `updateWebhookDelivery` may change, with their column. */
export const WEBHOOK_DELIVERY_COLUMNS = {
  status: { column: 'status', kind: 'text' },
  attempts: { column: 'attempts', kind: 'number' },
  lastStatusCode: { column: 'last_status_code', kind: 'number' },
  lastError: { column: 'last_error', kind: 'text' },
  updatedAt: { column: 'updated_at', kind: 'time' },
} as const;

/** Operation fields that `updateOperation` may change, with their column and encoding. */
export const OPERATION_COLUMNS = {
  status: { column: 'status', kind: 'text' },
  startedAt: { column: 'started_at', kind: 'time' },
  finishedAt: { column: 'finished_at', kind: 'time' },
  changeSet: { column: 'change_set', kind: 'json' },
  outputs: { column: 'outputs', kind: 'json' },
  error: { column: 'error', kind: 'text' },
  fingerprint: { column: 'fingerprint', kind: 'text' },
} as const;

export type ColumnKind = 'text' | 'time' | 'json';

/** Encodes one changed value for its column; null stays null. */
export function encode(kind: ColumnKind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (kind === 'json') return JSON.stringify(value);
  if (kind === 'time') return iso(value as string);
  return String(value);
}

export function propertyExists(slug: string): BlkshpError {
  return new BlkshpError(ERROR_CODES.conflict, `Property "${slug}" already exists`);
}
