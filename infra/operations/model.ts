import type { ChangeSet } from '../changes/model.ts';

export const OPERATION_KINDS = ['preview', 'apply', 'refresh', 'drift-check', 'destroy'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** Interactive work goes before scheduled sweeps. */
export type OperationPriority = 'interactive' | 'scheduled';

/** Where a request came from: `slack:C0123`, `api`, `cli`, `schedule`. */
export type Channel = string;

export interface Operation {
  id: string;
  property: string;
  kind: OperationKind;
  status: OperationStatus;
  priority: OperationPriority;
  actor: string;
  channel: Channel;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** For an apply: the succeeded preview it carries out. */
  previewId: string | null;
  /** For a destroy preview, a scale, ...: what was asked, for display. */
  summary: string;
  changeSet: ChangeSet | null;
  /** Stack outputs after an apply, secrets removed. */
  outputs: Record<string, unknown> | null;
  /** A plain, user-safe error message when status is failed or interrupted. */
  error: string | null;
  /** Fingerprint of the stack's config and state when this operation ran. */
  fingerprint: string | null;
}

/** Operations in these states will not change any more. */
export function isFinished(status: OperationStatus): boolean {
  return status !== 'queued' && status !== 'running';
}
