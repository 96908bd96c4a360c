/**
 * The `/blkshp` command table and its dispatcher. Every subcommand is acknowledged before any
 * work: unknown input and `help` are answered in the acknowledgement itself; everything else
 * acks empty and continues in the background.
 */
import { deniedReply, errorReply } from '../replies.ts';
import { audit, authorise, type BotServices, type SlackRequester } from '../services.ts';
import { addProperty } from './add-property.ts';
import { drift, preview, refresh, scale, up } from './change.ts';
import type { CommandContext, CommandSpec, Reply } from './context.ts';
import { destroy } from './destroy.ts';
import { helpText } from './help.ts';
import { parseCommand } from './parse.ts';
import { list, ops, status, tiers } from './read.ts';

export const COMMANDS: Record<string, CommandSpec> = {
  tiers,
  list,
  status,
  'add-property': addProperty,
  preview,
  up,
  scale,
  drift,
  refresh,
  destroy,
  ops,
};

export interface IncomingCommand {
  text: string;
  userId: string;
  channelId: string | null;
  triggerId: string;
}

/** What to acknowledge with, and the work to run after the acknowledgement (if any). */
export function routeCommand(
  services: BotServices,
  incoming: IncomingCommand,
  reply: Reply,
): { ackText: string | null; work: (() => Promise<void>) | null } {
  const parsed = parseCommand(incoming.text);
  if (parsed.name === 'help') return { ackText: helpText(COMMANDS), work: null };
  const spec = COMMANDS[parsed.name];
  if (!spec) return { ackText: helpText(COMMANDS, parsed.name), work: null };
  if (parsed.args.length < spec.minArgs) {
    return { ackText: `Usage: \`/blkshp ${spec.usage}\``, work: null };
  }

  const requester: SlackRequester = { userId: incoming.userId, channelId: incoming.channelId };
  const ctx: CommandContext = { services, requester, parsed, triggerId: incoming.triggerId, reply };
  return { ackText: null, work: () => runCommand(spec, ctx) };
}

async function runCommand(spec: CommandSpec, ctx: CommandContext): Promise<void> {
  const property = ctx.parsed.args[0] ?? null;
  const verdict = await authorise(ctx.services, ctx.requester, spec.action, property);
  if (!verdict.allowed) {
    await ctx.reply(deniedReply(spec.action, verdict.role));
    return;
  }
  try {
    await spec.run(ctx);
    if (!spec.selfAudited) {
      await audit(ctx.services, ctx.requester, { action: spec.action, property, result: 'ok' });
    }
  } catch (error) {
    ctx.services.logger.error(
      { err: error, command: ctx.parsed.name, user: ctx.requester.userId },
      'a Slack command failed',
    );
    await audit(ctx.services, ctx.requester, {
      action: spec.action,
      property,
      result: 'error',
      detail: errorReply(error).slice(0, 500),
    });
    await ctx.reply(errorReply(error));
  }
}
