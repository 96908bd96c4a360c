/**
 * Compares what an apply would do now with what the approved preview showed. Only the shape of
 * the change counts (which resources, which op, which properties), not values the engine cannot
 * know until apply.
 */
import type { ChangeSet } from '../changes/model.ts';

function signature(changeSet: ChangeSet): Map<string, string> {
  const entries = changeSet.resources
    .filter((r) => r.op !== 'same' && r.op !== 'read')
    .map((r) => {
      const paths = r.changes.map((c) => c.path).sort();
      return [r.urn, `${r.op} ${paths.join(',')}`] as const;
    });
  return new Map(entries);
}

/** A short description of the first differences, or null when the two match. */
export function compareChangeSets(approved: ChangeSet, now: ChangeSet): string | null {
  const before = signature(approved);
  const after = signature(now);
  const differences: string[] = [];
  for (const [urn, shape] of after) {
    if (before.get(urn) !== shape) differences.push(`${urn.split('::').at(-1)}: ${shape}`);
  }
  for (const urn of before.keys()) {
    if (!after.has(urn)) differences.push(`${urn.split('::').at(-1)}: no longer changes`);
  }
  if (differences.length === 0) return null;
  const shown = differences.slice(0, 3).join('; ');
  return differences.length > 3 ? `${shown}; and ${differences.length - 3} more` : shown;
}
