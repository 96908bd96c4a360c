/**
 * What a subcommand receives, and the one path every infrastructure command shares:
 * enqueue with the control plane, audit the outcome, post a message, follow it to the end.
 */
import type { EnqueueResult } from '../../infra/control-plane-api.ts';
import type { Operation } from '../../infra/operations/model.ts';
import {
  followOperation,
  type MessageRef,
  postMessage,
  type RenderedMessage,
} from '../live-message.ts';
import type { BotAction } from '../permissions.ts';
import { NOT_IN_CHANNEL_REPLY, refusalReply } from '../replies.ts';
import { audit, type BotServices, type SlackRequester } from '../services.ts';
import type { Block } from '../views/limits.ts';
import { progressView } from '../views/progress.ts';
import type { ParsedCommand } from './parse.ts';

/** Sends a message only the requester sees. */
export type Reply = (message: string | RenderedMessage) => Promise<void>;

export interface CommandContext {
  services: BotServices;
  requester: SlackRequester;
  parsed: ParsedCommand;
  /** Valid for three seconds after the command: long enough to open a modal. */
  triggerId: string;
  reply: Reply;
}

export interface CommandSpec {
  usage: string;
  summary: string;
  action: BotAction;
  /** Positional arguments required, for the usage check before anything runs. */
  minArgs: number;
  /** True when `run` audits its own outcome (with the operation id); else the dispatcher does. */
  selfAudited?: boolean;
  run(ctx: CommandContext): Promise<void>;
}

/** Posts where the requester is; tells them (privately) when the bot is not in that channel. */
export async function postInChannel(
  ctx: Pick<CommandContext, 'services' | 'requester' | 'reply'>,
  message: RenderedMessage,
): Promise<MessageRef | null> {
  const channel = ctx.requester.channelId ?? ctx.requester.userId;
  try {
    return await postMessage(ctx.services, channel, message);
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'not_in_channel' || code === 'channel_not_found') {
      await ctx.reply(NOT_IN_CHANNEL_REPLY);
      return null;
    }
    throw error;
  }
}

export interface EnqueueAndFollow {
  action: BotAction;
  property: string;
  enqueue: () => Promise<EnqueueResult>;
  notes?: string[];
  finalActions?: (finished: Operation) => Block[];
}

/** Enqueues, audits, posts a progress message and follows it; null when refused. */
export async function enqueueAndFollow(
  ctx: Pick<CommandContext, 'services' | 'requester' | 'reply'>,
  options: EnqueueAndFollow,
): Promise<Operation | null> {
  const result = await options.enqueue();
  if (!result.accepted) {
    await audit(ctx.services, ctx.requester, {
      action: options.action,
      property: options.property,
      result: 'refused',
      detail: `${result.code}: ${result.reason}`,
    });
    await ctx.reply(refusalReply(result.code, result.reason));
    return null;
  }

  const { operation } = result;
  await audit(ctx.services, ctx.requester, {
    action: options.action,
    property: options.property,
    operationId: operation.id,
    result: 'accepted',
  });
  return followInChannel(ctx, operation, options);
}

export async function followInChannel(
  ctx: Pick<CommandContext, 'services' | 'requester' | 'reply'>,
  operation: Operation,
  options: Pick<EnqueueAndFollow, 'notes' | 'finalActions'>,
): Promise<Operation | null> {
  const notes = options.notes ?? [];
  const message = await postInChannel(
    ctx,
    progressView({
      operationId: operation.id,
      property: operation.property,
      kind: operation.kind,
      status: operation.status,
      done: 0,
      total: 0,
      current: null,
      notes,
    }),
  );
  if (!message) return null;
  return followOperation(ctx.services, {
    message,
    operation,
    notes,
    finalActions: options.finalActions,
  });
}

/** `<@U123>`: Slack renders it as the person's name. */
export function mention(userId: string): string {
  return `<@${userId}>`;
}
