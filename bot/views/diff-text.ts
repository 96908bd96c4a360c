/**
 * The full ChangeSet as plain text, for the file attached when the message view had to leave
 * part of it out. Same redaction rules as the Block Kit view.
 */
import { allFindings, type ChangeSet } from '../../infra/changes/model.ts';
import { formatValue, isSecretName, SECRET_PLACEHOLDER } from './format.ts';

const SIGN = {
  create: '+',
  update: '~',
  replace: '+-',
  delete: '-',
  same: ' ',
  read: '>',
  refresh: '~',
} as const;

export function changeSetDiffText(changeSet: ChangeSet, title: string): string {
  const lines = [title, ''];
  if (changeSet.sandbox) lines.push('SANDBOX: offline cloud, nothing real changes', '');

  const counts = Object.entries(changeSet.counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([op, n]) => `${n} ${op}`);
  lines.push(`Resources: ${counts.join(', ') || 'none'}`);
  if (changeSet.costDelta) {
    const { beforeMonthly, afterMonthly } = changeSet.costDelta;
    lines.push(`Monthly estimate: $${beforeMonthly.toFixed(2)} -> $${afterMonthly.toFixed(2)}`);
  }
  lines.push('');

  for (const resource of changeSet.resources) {
    if (resource.op === 'same' || resource.op === 'read') continue;
    lines.push(`${SIGN[resource.op]} ${resource.op} ${resource.name} (${resource.type})`);
    lines.push(`    urn: ${resource.urn}`);
    if (resource.replaceReasons.length > 0) {
      lines.push(`    replaced because of: ${resource.replaceReasons.join(', ')}`);
    }
    for (const change of resource.changes) {
      const leaf =
        change.path
          .split(/[.[\]]/)
          .filter(Boolean)
          .at(-1) ?? change.path;
      const show = (v: unknown) => (isSecretName(leaf) ? SECRET_PLACEHOLDER : formatValue(v, 2000));
      const mark = change.forcesReplacement ? '  (forces replacement)' : '';
      if (change.kind === 'add') lines.push(`    ${change.path}: + ${show(change.new)}${mark}`);
      else if (change.kind === 'delete') {
        lines.push(`    ${change.path}: - ${show(change.old)}${mark}`);
      } else lines.push(`    ${change.path}: ${show(change.old)} -> ${show(change.new)}${mark}`);
    }
  }

  const findings = allFindings(changeSet);
  if (findings.length > 0) {
    lines.push('', 'Policy findings:');
    for (const f of findings) {
      lines.push(
        `  [${f.level}] ${f.pack}/${f.policy}${f.urn ? ` on ${f.urn}` : ''}: ${f.message}`,
      );
    }
  }
  if (changeSet.errors.length > 0) {
    lines.push('', 'Engine errors:', ...changeSet.errors.map((e) => `  ${e}`));
  }
  return `${lines.join('\n')}\n`;
}
