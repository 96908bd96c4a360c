/** The plain-text view of a ChangeSet, for the command line, logs and API text responses. */
import { allFindings, type ChangeSet, changedResources, type ResourceOp } from './model.ts';

const OP_SYMBOL: Record<ResourceOp, string> = {
  create: '+',
  update: '~',
  replace: '+-',
  delete: '-',
  same: ' ',
  read: '>',
  refresh: '~',
};

const OP_ORDER: ResourceOp[] = ['create', 'update', 'replace', 'delete', 'same'];

export function formatValue(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatCost(usd: number): string {
  return `$${usd.toFixed(2)}/mo`;
}

/** One line: `3 to create, 1 to update, 12 unchanged`. */
export function summaryLine(changeSet: ChangeSet): string {
  const verbs: Record<string, string> = {
    create: 'to create',
    update: 'to update',
    replace: 'to replace',
    delete: 'to delete',
    same: 'unchanged',
  };
  const parts = OP_ORDER.filter((op) => (changeSet.counts[op] ?? 0) > 0).map(
    (op) => `${changeSet.counts[op]} ${verbs[op]}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'no resources';
}

export function renderChangeSetText(changeSet: ChangeSet): string {
  const lines: string[] = [];
  const badge = changeSet.sandbox ? ' [SANDBOX]' : '';
  lines.push(`${changeSet.kind} of ${changeSet.property}${badge}: ${summaryLine(changeSet)}`);

  for (const resource of changedResources(changeSet)) {
    lines.push(`${OP_SYMBOL[resource.op]} ${resource.name} (${resource.type}) ${resource.op}`);
    if (resource.op === 'replace' && resource.replaceReasons.length > 0) {
      lines.push(`    replaced because ${resource.replaceReasons.join(', ')} changed`);
    }
    for (const change of resource.changes) {
      const mark = change.forcesReplacement ? ' (forces replacement)' : '';
      lines.push(
        `    ${change.path}: ${formatValue(change.old)} -> ${formatValue(change.new)}${mark}`,
      );
    }
  }

  const findings = allFindings(changeSet);
  if (findings.length > 0) {
    lines.push('Policy findings:');
    for (const f of findings) {
      const where = f.urn ? ` on ${f.urn.split('::').at(-1)}` : '';
      lines.push(`  [${f.level}] ${f.policy}${where}: ${f.message}`);
    }
  }
  if (changeSet.costDelta) {
    const { beforeMonthly, afterMonthly } = changeSet.costDelta;
    const delta = afterMonthly - beforeMonthly;
    const sign = delta >= 0 ? '+' : '-';
    lines.push(
      `Cost: ${formatCost(beforeMonthly)} -> ${formatCost(afterMonthly)} ` +
        `(${sign}${formatCost(Math.abs(delta))})`,
    );
  }
  if (changeSet.applyWouldChange && Object.keys(changeSet.applyWouldChange).length > 0) {
    const counts = Object.entries(changeSet.applyWouldChange)
      .map(([op, n]) => `${n} to ${op}`)
      .join(', ');
    lines.push(`An apply now would: ${counts}`);
  }
  for (const error of changeSet.errors) lines.push(`Error: ${error}`);
  return lines.join('\n');
}
