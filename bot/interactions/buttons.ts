/**
 * The buttons: Approve (and the danger Destroy), Cancel an approval request, Cancel a running
 * operation. Every click is checked against the clicker's role and audited, allowed or not; the
 * control plane then applies its own rules (two-person rule, stale preview, ...) and a refusal is
 * shown to the clicker while the buttons stay for someone who may approve.
 */
import type { Reply } from '../commands/context.ts';
import { mention } from '../commands/context.ts';
import {
  finalView,
  followOperation,
  type MessageRef,
  postMessage,
  updateMessage,
} from '../live-message.ts';
import { deniedReply, refusalReply } from '../replies.ts';
import { actorOf, audit, authorise, type BotServices, type SlackRequester } from '../services.ts';
import { isDestroyPreview } from '../views/approval.ts';
import { section } from '../views/limits.ts';

export interface Click {
  requester: SlackRequester;
  /** The button's `value`: a preview id or an operation id. */
  value: string;
  /** The message the button sits on; null for a click in App Home. */
  message: MessageRef | null;
  reply: Reply;
}

export async function approve(services: BotServices, click: Click): Promise<void> {
  const { requester, reply } = click;
  const preview = await services.controlPlane.getOperation(click.value);
  if (!preview) {
    await audit(services, requester, {
      action: 'approve',
      operationId: click.value,
      result: 'refused',
      detail: 'not-found',
    });
    await reply(refusalReply('not-found'));
    return;
  }

  // Destroying needs an admin whatever button was pressed: the preview decides, not the payload.
  const action = isDestroyPreview(preview) ? 'approve-destroy' : 'approve';
  const verdict = await authorise(services, requester, action, preview.property, preview.id);
  if (!verdict.allowed) {
    await reply(deniedReply(action, verdict.role));
    return;
  }

  const result = await services.controlPlane.apply(preview.id, actorOf(requester));
  if (!result.accepted) {
    await audit(services, requester, {
      action,
      property: preview.property,
      operationId: preview.id,
      result: 'refused',
      detail: `${result.code}: ${result.reason}`,
    });
    await reply(refusalReply(result.code, result.reason));
    return;
  }

  const applying = result.operation;
  await audit(services, requester, {
    action,
    property: preview.property,
    operationId: applying.id,
    result: 'accepted',
    detail: `preview ${preview.id}`,
  });
  const notes = [`Approved by ${mention(requester.userId)} (preview \`${preview.id}\`).`];
  const text = `Applying \`${preview.property}\`…`;
  const message =
    click.message ??
    (await postMessage(services, homeChannel(preview, requester), {
      text,
      blocks: [section(text)],
    }));
  await followOperation(services, { message, operation: applying, notes });
}

export async function cancelApproval(services: BotServices, click: Click): Promise<void> {
  const { requester, reply } = click;
  const preview = await services.controlPlane.getOperation(click.value);
  const verdict = await authorise(
    services,
    requester,
    'cancel',
    preview?.property ?? null,
    click.value,
  );
  if (!verdict.allowed) {
    await reply(deniedReply('cancel', verdict.role));
    return;
  }
  await audit(services, requester, {
    action: 'cancel',
    property: preview?.property ?? null,
    operationId: click.value,
    result: 'ok',
    detail: 'approval request withdrawn',
  });
  if (preview && click.message) {
    const notes = [`Cancelled by ${mention(requester.userId)}: this preview will not be applied.`];
    await updateMessage(services, click.message, finalView(services, preview, { notes }));
  }
}

export async function cancelOperation(services: BotServices, click: Click): Promise<void> {
  const { requester, reply } = click;
  const operation = await services.controlPlane.getOperation(click.value);
  const property = operation?.property ?? null;
  const verdict = await authorise(services, requester, 'cancel', property, click.value);
  if (!verdict.allowed) {
    await reply(deniedReply('cancel', verdict.role));
    return;
  }
  const result = await services.controlPlane.cancel(click.value, actorOf(requester));
  await audit(services, requester, {
    action: 'cancel',
    property,
    operationId: click.value,
    result: result.cancelled ? 'ok' : 'refused',
    detail: result.reason ?? null,
  });
  // The message that follows the operation shows the cancellation when the engine stops.
  if (!result.cancelled)
    await reply(`:no_entry: Not cancelled: ${result.reason ?? 'it has finished'}`);
}

/** Where a click from App Home reports: the preview's Slack channel, else a direct message. */
function homeChannel(preview: { channel: string }, requester: SlackRequester): string {
  const match = /^slack:([CGD][A-Z0-9]+)$/.exec(preview.channel);
  return match?.[1] ?? requester.userId;
}
