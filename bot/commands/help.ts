/** The help text: every subcommand with its usage, generated from the command table. */
import type { CommandSpec } from './context.ts';

export function helpText(commands: Record<string, CommandSpec>, unknown?: string): string {
  const intro = unknown
    ? `:question: I do not know \`${unknown.slice(0, 40)}\`. Here is what I can do:`
    : '*BLKSHP*: hotel infrastructure, previewed and approved before it changes.';
  const lines = Object.values(commands).map((c) => `• \`/blkshp ${c.usage}\`: ${c.summary}`);
  return [
    intro,
    ...lines,
    '• `/blkshp help`: this text',
    '_Reading is open to everyone; changes need the operator role, approving the approver role, ' +
      'destroying the admin role._',
  ].join('\n');
}
