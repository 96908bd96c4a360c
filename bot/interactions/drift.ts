/**
 * The controls on a drift notification: Remediate (refresh, then a preview that goes through the
 * usual approval buttons) and "ignore for N days". Both check the clicker's role and are audited.
 */
import { remediateDrift } from '../../infra/drift/actions.ts';
import { parseIgnoreValue } from '../../infra/drift/slack-blocks.ts';
import { followInChannel, mention } from '../commands/context.ts';
import { deniedReply, refusalReply } from '../replies.ts';
import { actorOf, audit, authorise, type BotServices } from '../services.ts';
import { approvalBlocks } from '../views/approval.ts';
import type { Click } from './buttons.ts';

export async function remediate(services: BotServices, click: Click): Promise<void> {
  const slug = click.value;
  const verdict = await authorise(services, click.requester, 'up', slug);
  if (!verdict.allowed) {
    await click.reply(deniedReply('up', verdict.role));
    return;
  }
  const { preview } = await remediateDrift(services.controlPlane, slug, actorOf(click.requester));
  if (!preview.accepted) {
    await click.reply(refusalReply(preview.code, preview.reason));
    return;
  }
  await followInChannel(
    { services, requester: click.requester, reply: click.reply },
    preview.operation,
    {
      notes: [
        `${mention(click.requester.userId)} asked to put \`${slug}\` back in line with its spec.`,
      ],
      finalActions: approvalBlocks,
    },
  );
}

export async function ignore(services: BotServices, click: Click): Promise<void> {
  const choice = parseIgnoreValue(click.value);
  if (!choice) return;
  const verdict = await authorise(services, click.requester, 'drift', choice.slug);
  if (!verdict.allowed) {
    await click.reply(deniedReply('drift', verdict.role));
    return;
  }
  if (!services.ignoreDrift) {
    await click.reply('Ignoring drift is not available on this installation.');
    return;
  }
  const ignored = await services.ignoreDrift(choice.slug, choice.days, actorOf(click.requester));
  await audit(services, click.requester, {
    action: 'drift.ignore',
    property: choice.slug,
    result: `until ${ignored.until}`,
  });
  await click.reply(
    `Drift notifications for \`${choice.slug}\` are off until ${ignored.until.slice(0, 10)}.`,
  );
}
