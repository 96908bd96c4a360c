/**
 * What a drift check found, as the drift history stores it and notifications carry it. Built
 * from the operation's ChangeSet, whose values are already redacted.
 */
import type { PropertyChange, ResourceOp } from '../changes/model.ts';

export type DriftResultStatus = 'in-sync' | 'drifted' | 'failed';

/** One resource whose cloud state differs from what the stack says, with old → new values. */
export interface DriftedResource {
  urn: string;
  type: string;
  name: string;
  op: ResourceOp;
  changes: PropertyChange[];
}

/** One finished drift check of one property, as stored in the history. */
export interface DriftResult {
  id: number;
  property: string;
  operationId: string;
  checkedAt: string;
  status: DriftResultStatus;
  /** Empty unless drifted. */
  resources: DriftedResource[];
  /** The user-safe error of a failed check. */
  error: string | null;
  /** Hash of the drift (resources, ops, paths, values); equal drift has an equal signature. */
  signature: string | null;
  /** True when an "ignore for N days" was in force, so no notification went out. */
  suppressed: boolean;
}

export type NewDriftResult = Omit<DriftResult, 'id'>;

/** The changes worth telling someone about; nothing is sent while a property stays the same. */
export const DRIFT_EVENT_TYPES = [
  'drift.detected',
  'drift.changed',
  'drift.resolved',
  'drift.check_failing',
  'drift.check_recovered',
] as const;
export type DriftEventType = (typeof DRIFT_EVENT_TYPES)[number];

export interface DriftNotification {
  /** Unique per event; webhook receivers use it to drop duplicates. */
  id: string;
  type: DriftEventType;
  property: string;
  operationId: string;
  checkedAt: string;
  status: DriftResultStatus;
  previousStatus: DriftResultStatus | null;
  resources: DriftedResource[];
  error: string | null;
}

/** Where notifications go (webhooks, Slack, ...). Implementations never throw for delivery. */
export interface DriftNotifier {
  readonly name: string;
  notify(event: DriftNotification): Promise<void>;
}
