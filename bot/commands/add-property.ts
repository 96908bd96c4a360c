/**
 * `/blkshp add-property`: with flags, validated and added at once; without, a modal with the
 * property form (its submission is handled in `../interactions/forms.ts`). Either way the first
 * preview follows in the channel with Approve / Cancel buttons.
 */
import { parsePropertySpec } from '../../infra/properties/spec.ts';
import { issueLines } from '../replies.ts';
import { actorOf, audit } from '../services.ts';
import { approvalBlocks } from '../views/approval.ts';
import { escapeMrkdwn } from '../views/limits.ts';
import { propertyFormView } from '../views/property-form.ts';
import { type CommandContext, type CommandSpec, followInChannel, mention } from './context.ts';
import { flagOfField, propertyInputFromFlags } from './property-flags.ts';

export const addProperty: CommandSpec = {
  usage:
    'add-property [--slug s --name "Name" --cloud digitalocean --region nyc3 --tier starter ' +
    '--domain erp.hotel.com --alert-email ops@hotel.com --admin-cidr 203.0.113.0/24 ' +
    '--ssh-key "ssh-ed25519 AAAA…" --pci --backup-retention-days 14]',
  summary: 'add a property (no flags: opens a form) and preview it',
  action: 'add-property',
  minArgs: 0,
  selfAudited: true,
  async run(ctx) {
    if (ctx.parsed.flags.size === 0) {
      await ctx.services.client.views.open({
        trigger_id: ctx.triggerId,
        view: propertyFormView({ channelId: ctx.requester.channelId }),
      });
      await audit(ctx.services, ctx.requester, { action: 'add-property', result: 'form-opened' });
      return;
    }

    const { input, problems } = propertyInputFromFlags(ctx.parsed.flags);
    const parsed = parsePropertySpec(input);
    const lines = problems.map((p) => `• \`${p.flag}\` ${p.message}`);
    if (!parsed.ok) lines.push(...issueLines(parsed.issues, flagOfField));
    if (lines.length > 0) {
      await audit(ctx.services, ctx.requester, {
        action: 'add-property',
        property: typeof input.slug === 'string' ? input.slug : null,
        result: 'invalid',
        detail: lines.join('\n').slice(0, 500),
      });
      await ctx.reply([':warning: The property is not valid:', ...lines].join('\n'));
      return;
    }
    await addAndPreview(ctx, input);
  },
};

/** Adds a validated property and follows its first preview in the channel. */
export async function addAndPreview(
  ctx: Pick<CommandContext, 'services' | 'requester' | 'reply'>,
  input: Record<string, unknown>,
): Promise<void> {
  const { property, preview } = await ctx.services.controlPlane.addProperty(
    input,
    actorOf(ctx.requester),
  );
  const { spec } = property;
  await audit(ctx.services, ctx.requester, {
    action: 'add-property',
    property: spec.slug,
    operationId: preview.accepted ? preview.operation.id : null,
    result: 'accepted',
    detail: preview.accepted ? null : `first preview refused: ${preview.code}`,
  });
  const added =
    `${mention(ctx.requester.userId)} added *${escapeMrkdwn(spec.name)}* (\`${spec.slug}\`) on ` +
    `${spec.cloud}/${spec.region}, ${spec.tier} tier${spec.pci ? ', PCI' : ''}.`;
  if (!preview.accepted) {
    await ctx.reply(`${added} Its first preview was refused: ${preview.reason}`);
    return;
  }
  await followInChannel(ctx, preview.operation, { notes: [added], finalActions: approvalBlocks });
}
