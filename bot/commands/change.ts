/** The commands that run the engine on one property: preview, up, scale, refresh, drift. */
import type { EnqueueResult } from '../../infra/control-plane-api.ts';
import type { Operation } from '../../infra/operations/model.ts';
import { finalView } from '../live-message.ts';
import { notFoundReply } from '../replies.ts';
import { actorOf, audit, type BotServices } from '../services.ts';
import { approvalBlocks, isDestroyPreview } from '../views/approval.ts';
import {
  type CommandContext,
  type CommandSpec,
  enqueueAndFollow,
  mention,
  postInChannel,
} from './context.ts';
import { driftAll } from './drift-all.ts';

async function requireProperty(ctx: CommandContext): Promise<string | null> {
  const slug = ctx.parsed.args[0]!;
  if (await ctx.services.controlPlane.getProperty(slug)) return slug;
  await ctx.reply(notFoundReply(slug));
  return null;
}

/**
 * A command that queues one operation on one property and follows it in the channel; `preview`,
 * `refresh` and `drift` differ only in what they queue and how they announce it.
 */
function singleOperation(options: {
  usage: string;
  summary: string;
  action: 'preview' | 'refresh' | 'drift';
  enqueue: (ctx: CommandContext, slug: string) => Promise<EnqueueResult>;
  note: (userId: string) => string;
  before?: (ctx: CommandContext) => Promise<boolean>;
}): CommandSpec {
  return {
    usage: options.usage,
    summary: options.summary,
    action: options.action,
    minArgs: 1,
    selfAudited: true,
    async run(ctx) {
      if (options.before && (await options.before(ctx))) return;
      const slug = await requireProperty(ctx);
      if (!slug) return;
      await enqueueAndFollow(ctx, {
        action: options.action,
        property: slug,
        enqueue: () => options.enqueue(ctx, slug),
        notes: [options.note(ctx.requester.userId)],
      });
    },
  };
}

export const preview = singleOperation({
  usage: 'preview <property>',
  summary: 'what the engine would change, without changing anything',
  action: 'preview',
  enqueue: (ctx, slug) => ctx.services.controlPlane.preview(slug, actorOf(ctx.requester)),
  note: (user) => `Preview requested by ${mention(user)}. \`up\` asks for approval.`,
});

export const up: CommandSpec = {
  usage: 'up <property>',
  summary: 'preview (or reuse a fresh preview), then ask for approval to apply',
  action: 'up',
  minArgs: 1,
  selfAudited: true,
  async run(ctx) {
    const slug = await requireProperty(ctx);
    if (!slug) return;
    const fresh = await findFreshPreview(ctx.services, slug);
    if (fresh) {
      const by = fresh.actor.replace(/^slack:/, '');
      const notes = [
        `${mention(ctx.requester.userId)} asks to apply the preview of ${fresh.finishedAt} ` +
          `(requested by ${fresh.actor.startsWith('slack:') ? mention(by) : by}).`,
      ];
      await audit(ctx.services, ctx.requester, {
        action: 'up',
        property: slug,
        operationId: fresh.id,
        result: 'reused-preview',
      });
      await postInChannel(
        ctx,
        finalView(ctx.services, fresh, { notes, finalActions: approvalBlocks }),
      );
      return;
    }
    await enqueueAndFollow(ctx, {
      action: 'up',
      property: slug,
      enqueue: () => ctx.services.controlPlane.preview(slug, actorOf(ctx.requester)),
      notes: [`${mention(ctx.requester.userId)} asks to bring \`${slug}\` up to date.`],
      finalActions: approvalBlocks,
    });
  },
};

export const scale: CommandSpec = {
  usage: 'scale <property> <tier>',
  summary: 'preview a tier change with its cost delta, then ask for approval',
  action: 'scale',
  minArgs: 2,
  selfAudited: true,
  async run(ctx) {
    const slug = await requireProperty(ctx);
    if (!slug) return;
    const tier = ctx.parsed.args[1]!;
    await enqueueAndFollow(ctx, {
      action: 'scale',
      property: slug,
      enqueue: () =>
        ctx.services.controlPlane.updateProperty(slug, { tier }, actorOf(ctx.requester)),
      notes: [`${mention(ctx.requester.userId)} asks to move \`${slug}\` to the *${tier}* tier.`],
      finalActions: approvalBlocks,
    });
  },
};

export const refresh = singleOperation({
  usage: 'refresh <property>',
  summary: "read the cloud's real state into the stack",
  action: 'refresh',
  enqueue: (ctx, slug) => ctx.services.controlPlane.refresh(slug, actorOf(ctx.requester)),
  note: (user) => `Refresh requested by ${mention(user)}.`,
});

export const drift = singleOperation({
  usage: 'drift <property|all>',
  summary: 'check whether the cloud still matches the stack',
  action: 'drift',
  before: async (ctx) => {
    if (ctx.parsed.args[0] !== 'all') return false;
    await driftAll(ctx);
    return true;
  },
  enqueue: (ctx, slug) => ctx.services.controlPlane.driftCheck(slug, actorOf(ctx.requester)),
  note: (user) => `Drift check requested by ${mention(user)}.`,
});

/**
 * The newest succeeded preview, if nothing has run on the stack since, the property has not
 * changed since, and it is young enough. The control plane re-checks all of this on apply; this
 * only spares a second engine run when a preview was just made.
 */
export async function findFreshPreview(
  services: BotServices,
  slug: string,
): Promise<Operation | null> {
  const [record, operations] = await Promise.all([
    services.controlPlane.getProperty(slug),
    services.controlPlane.listOperations({ property: slug, limit: 20 }),
  ]);
  if (!record) return null;
  const newest = operations
    .filter((op) => op.kind !== 'drift-check')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (newest?.kind !== 'preview' || newest.status !== 'succeeded') return null;
  if (isDestroyPreview(newest) || !newest.finishedAt) return null;
  if (newest.createdAt < record.updatedAt) return null;
  return Date.now() - Date.parse(newest.finishedAt) <= services.freshPreviewMs ? newest : null;
}
