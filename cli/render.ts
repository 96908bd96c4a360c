/** Text output of operations for the command line. */
import { renderChangeSetText } from '../infra/changes/render-text.ts';
import type { EnqueueResult } from '../infra/control-plane-api.ts';
import type { Operation } from '../infra/operations/model.ts';

export function renderOperation(operation: Operation): string {
  const lines = [
    `${operation.kind} ${operation.id} of ${operation.property}: ${operation.status}`,
    `  by ${operation.actor} via ${operation.channel}, queued ${operation.createdAt}` +
      (operation.finishedAt ? `, finished ${operation.finishedAt}` : ''),
  ];
  if (operation.error) lines.push(`  error: ${operation.error}`);
  if (operation.changeSet) lines.push('', renderChangeSetText(operation.changeSet));
  if (operation.outputs && Object.keys(operation.outputs).length > 0) {
    lines.push('', 'Outputs:');
    for (const [key, value] of Object.entries(operation.outputs)) {
      lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  }
  if (operation.kind === 'preview' && operation.status === 'succeeded') {
    lines.push('', `Apply it with: blkshp apply ${operation.id}`);
  }
  return lines.join('\n');
}

export function renderRefusal(result: Extract<EnqueueResult, { accepted: false }>): string {
  return `Refused (${result.code}): ${result.reason}`;
}
