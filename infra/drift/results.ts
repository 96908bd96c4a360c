/**
 * Turns a finished drift-check operation into a result (in sync, drifted, failed), and decides
 * from the previous results whether anything changed that is worth a notification.
 */
import { createHash } from 'node:crypto';
import { changedResources } from '../changes/model.ts';
import type { Operation } from '../operations/model.ts';
import type {
  DriftEventType,
  DriftedResource,
  DriftResult,
  DriftResultStatus,
  NewDriftResult,
} from './model.ts';

/** Null for operations that are not a finished drift check with a verdict. */
export function driftResultOf(operation: Operation, suppressed = false): NewDriftResult | null {
  if (operation.kind !== 'drift-check') return null;
  // Cancelled or interrupted checks say nothing about the property.
  if (operation.status !== 'succeeded' && operation.status !== 'failed') return null;
  const base = {
    property: operation.property,
    operationId: operation.id,
    checkedAt: operation.finishedAt ?? operation.createdAt,
    suppressed,
  };
  if (operation.status === 'failed') {
    return {
      ...base,
      status: 'failed',
      resources: [],
      error: operation.error ?? 'The drift check failed.',
      signature: null,
    };
  }
  const resources = driftedResources(operation);
  return {
    ...base,
    status: resources.length > 0 ? 'drifted' : 'in-sync',
    resources,
    error: null,
    signature: resources.length > 0 ? driftSignature(resources) : null,
  };
}

function driftedResources(operation: Operation): DriftedResource[] {
  if (!operation.changeSet) return [];
  return changedResources(operation.changeSet)
    .filter((r) => !r.type.startsWith('pulumi:'))
    .map((r) => ({ urn: r.urn, type: r.type, name: r.name, op: r.op, changes: r.changes }));
}

/** Equal for the same resources, ops, paths and values, whatever order the engine sent them. */
export function driftSignature(resources: DriftedResource[]): string {
  const lines = resources.flatMap((r) => {
    const head = `${r.urn}|${r.op}`;
    if (r.changes.length === 0) return [head];
    return r.changes.map((c) => `${head}|${c.path}|${stable(c.old)}|${stable(c.new)}`);
  });
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

function stable(value: unknown): string {
  if (value === undefined) return '-';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
}

/**
 * What changed between the previous results of a property (newest first) and the current one;
 * null when nothing did. A result recorded while notifications were ignored does not count as
 * "already told": once the ignore ends, drift still present is announced again.
 */
export function driftTransition(
  current: Pick<DriftResult, 'status' | 'signature'>,
  history: ReadonlyArray<Pick<DriftResult, 'status' | 'signature' | 'suppressed'>>,
): { type: DriftEventType; previousStatus: DriftResultStatus | null } | null {
  const told = history.find((r) => !r.suppressed);
  const previous = history[0];
  const previousStatus = previous?.status ?? null;
  // Compare with what was last announced; unannounced results are the same as "nothing yet".
  const baseline = previous?.suppressed ? undefined : previous;

  if (current.status === 'failed') {
    return baseline?.status === 'failed' ? null : { type: 'drift.check_failing', previousStatus };
  }
  if (baseline?.status === 'failed') {
    // Recovering: compare the drift with the last check that worked, to say whether it moved.
    const lastGood = history.find((r) => r.status !== 'failed');
    if (current.status === 'in-sync' || lastGood?.signature === current.signature) {
      return { type: 'drift.check_recovered', previousStatus };
    }
    const type = lastGood?.status === 'drifted' ? 'drift.changed' : 'drift.detected';
    return { type, previousStatus };
  }
  if (current.status === 'in-sync') {
    return told?.status === 'drifted' && baseline?.status !== 'in-sync'
      ? { type: 'drift.resolved', previousStatus }
      : null;
  }
  // Drifted.
  if (baseline?.status !== 'drifted') return { type: 'drift.detected', previousStatus };
  if (baseline.signature !== current.signature) return { type: 'drift.changed', previousStatus };
  return null;
}
