/**
 * The in-flight view of an operation: what is running, how many resources are done of how many,
 * and the current step. Replaced by the ChangeSet view when the operation finishes.
 */
import type { ResourceOp } from '../../infra/changes/model.ts';
import type { OperationKind, OperationStatus } from '../../infra/operations/model.ts';
import { type Block, clip, context, escapeMrkdwn, header, section } from './limits.ts';

export interface ProgressState {
  operationId: string;
  property: string;
  kind: OperationKind;
  status: OperationStatus;
  done: number;
  total: number;
  current: { name: string; type: string; op: ResourceOp; phase: string } | null;
  /** Extra lines, e.g. who approved. */
  notes: string[];
}

export const CANCEL_OPERATION_ACTION = 'blkshp_cancel_operation';

const VERB: Record<ResourceOp, string> = {
  create: 'creating',
  update: 'updating',
  replace: 'replacing',
  delete: 'deleting',
  same: 'checking',
  read: 'reading',
  refresh: 'refreshing',
};

export function progressView(state: ProgressState): { text: string; blocks: Block[] } {
  const label = state.status === 'queued' ? '⏳ queued' : '🔄 running';
  const title = `${state.property} · ${state.kind} · ${label}`;
  const lines: string[] = [];
  if (state.status === 'queued') lines.push('Waiting for its turn on this stack…');
  else if (state.total > 0)
    lines.push(`${bar(state.done, state.total)}  *${state.done}* of *${state.total}* resources`);
  else lines.push(`*${state.done}* resources done`);
  if (state.current) {
    const { name, type, op, phase } = state.current;
    const verb = phase === 'started' ? VERB[op] : phase === 'failed' ? 'failed on' : 'done with';
    lines.push(`Current step: ${verb} \`${escapeMrkdwn(name)}\` _${escapeMrkdwn(type)}_`);
  }

  const blocks: Block[] = [header(title)];
  if (state.notes.length > 0) blocks.push(section(clip(state.notes.join('\n'))));
  blocks.push(section(lines.join('\n')), context(`operation \`${state.operationId}\``));
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: CANCEL_OPERATION_ACTION,
        text: { type: 'plain_text', text: 'Cancel' },
        value: state.operationId,
      },
    ],
  });
  return { text: title, blocks };
}

function bar(done: number, total: number): string {
  const width = 10;
  const filled = Math.min(width, Math.round((done / total) * width));
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** The logical name from a Pulumi URN (`urn:pulumi:stack::project::type::name`). */
export function nameOfUrn(urn: string): string {
  return urn.split('::').at(-1) ?? urn;
}
