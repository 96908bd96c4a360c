/**
 * Read-only views of properties: the fleet list, one property's status, its recent operations.
 */

import type { PropertyRecord } from '../../infra/control-plane-api.ts';
import type { DriftResult } from '../../infra/drift/model.ts';
import type { Operation } from '../../infra/operations/model.ts';
import { formatUsd, formatValue, isSecretName, SECRET_PLACEHOLDER } from './format.ts';
import { type Block, context, escapeMrkdwn, header, sectionsOf } from './limits.ts';

const DRIFT_ICON = { unknown: '❔', 'in-sync': '✅', drifted: '⚠️', failed: '❌' } as const;

export function propertyLine(record: PropertyRecord): string {
  const { spec } = record;
  const last = record.lastOperation
    ? `last ${record.lastOperation.kind} ${record.lastOperation.status}`
    : 'never run';
  const sandbox = record.sandbox ? ' 🧪' : '';
  return (
    `${DRIFT_ICON[record.drift.status]} *${escapeMrkdwn(spec.slug)}*${sandbox} ` +
    `${escapeMrkdwn(spec.name)} · ${spec.cloud}/${spec.region} · ${spec.tier}` +
    `${spec.pci ? ' · PCI' : ''} · ${formatUsd(record.monthlyEstimateUsd)}/mo · ${last}`
  );
}

export function fleetView(records: PropertyRecord[]): { text: string; blocks: Block[] } {
  const text = `${records.length} propert${records.length === 1 ? 'y' : 'ies'}`;
  if (records.length === 0) {
    return {
      text,
      blocks: sectionsOf(['No properties yet. Add one with `/blkshp add-property`.']),
    };
  }
  const total = records.reduce((sum, r) => sum + r.monthlyEstimateUsd, 0);
  return {
    text,
    blocks: [
      header(`Fleet: ${text}`),
      ...sectionsOf(records.map(propertyLine), 9000),
      context(`Estimated total ${formatUsd(total)} per month · ✅ in sync ⚠️ drifted ❔ unknown`),
    ],
  };
}

export function statusView(
  record: PropertyRecord,
  driftHistory: DriftResult[] = [],
): { text: string; blocks: Block[] } {
  const { spec } = record;
  const checked = record.drift.checkedAt ? ` (checked ${record.drift.checkedAt})` : '';
  const lines = [
    propertyLine(record),
    `Domain: ${escapeMrkdwn(spec.domain)} · backups kept ${spec.backupRetentionDays} days`,
    `Drift: ${record.drift.status}${checked}`,
  ];
  if (driftHistory.length > 0) {
    lines.push('*Drift history*');
    for (const result of driftHistory) {
      const what =
        result.status === 'drifted'
          ? `: ${result.resources.map((r) => escapeMrkdwn(r.name)).join(', ')}`
          : '';
      lines.push(`• ${result.checkedAt} ${result.status}${what}`);
    }
  }
  if (record.lastOperation) lines.push(`Last operation: ${operationLine(record.lastOperation)}`);
  if (record.outputs) {
    lines.push('*Outputs*');
    for (const [name, value] of Object.entries(record.outputs)) {
      const shown = isSecretName(name) ? SECRET_PLACEHOLDER : formatValue(value, 200);
      lines.push(`• \`${escapeMrkdwn(name)}\`: ${escapeMrkdwn(shown)}`);
    }
  }
  return {
    text: `${spec.slug}: ${record.drift.status}`,
    blocks: [header(spec.slug), ...sectionsOf(lines, 8000)],
  };
}

export function operationLine(op: Operation): string {
  const when = op.finishedAt ?? op.startedAt ?? op.createdAt;
  const by = op.actor.startsWith('slack:')
    ? `<@${op.actor.slice('slack:'.length)}>`
    : escapeMrkdwn(op.actor);
  const error = op.error ? ` · ${escapeMrkdwn(op.error)}` : '';
  return `\`${op.id}\` ${op.kind} *${op.status}* by ${by} at ${when}${error}`;
}

export function operationsView(slug: string, ops: Operation[]): { text: string; blocks: Block[] } {
  if (ops.length === 0)
    return {
      text: `No operations on ${slug}`,
      blocks: sectionsOf([`No operations on \`${escapeMrkdwn(slug)}\` yet.`]),
    };
  return {
    text: `Recent operations on ${slug}`,
    blocks: [header(`Operations: ${slug}`), ...sectionsOf(ops.map(operationLine), 9000)],
  };
}
