/**
 * Wires Slack's inputs to the handlers: the slash command, the buttons, the modals and App Home.
 * Each listener acknowledges first and hands the rest to `inBackground`, which catches.
 */
import type { App, BlockAction, RespondFn } from '@slack/bolt';
import { DRIFT_IGNORE_ACTION, DRIFT_REMEDIATE_ACTION } from '../infra/drift/slack-blocks.ts';
import { routeCommand } from './commands/index.ts';
import { publishHome } from './home.ts';
import { approve, type Click, cancelApproval, cancelOperation } from './interactions/buttons.ts';
import { ignore, remediate } from './interactions/drift.ts';
import { submitDestroyForm, submitPropertyForm } from './interactions/forms.ts';
import { replyTo } from './interactions/reply.ts';
import { errorReply } from './replies.ts';
import { type BotServices, inBackground } from './services.ts';
import {
  APPROVE_ACTION,
  APPROVE_DESTROY_ACTION,
  CANCEL_APPROVAL_ACTION,
} from './views/approval.ts';
import { DESTROY_VIEW } from './views/destroy-form.ts';
import { CANCEL_OPERATION_ACTION } from './views/progress.ts';
import { ADD_PROPERTY_VIEW } from './views/property-form.ts';

export const DEFAULT_COMMAND = '/blkshp';

type ClickHandler = (services: BotServices, click: Click) => Promise<void>;

const BUTTONS: Record<string, ClickHandler> = {
  [APPROVE_ACTION]: approve,
  [APPROVE_DESTROY_ACTION]: approve,
  [CANCEL_APPROVAL_ACTION]: cancelApproval,
  [CANCEL_OPERATION_ACTION]: cancelOperation,
  [DRIFT_REMEDIATE_ACTION]: remediate,
  // A static select: its value is the chosen option's (`<slug>:<days>`).
  [DRIFT_IGNORE_ACTION]: ignore,
};

export function registerHandlers(app: App, services: BotServices, command = DEFAULT_COMMAND) {
  app.command(command, async ({ command: payload, ack, respond }) => {
    const reply = replyTo(services, {
      userId: payload.user_id,
      channelId: payload.channel_id,
      respond,
    });
    const routed = routeCommand(
      services,
      {
        text: payload.text ?? '',
        userId: payload.user_id,
        channelId: payload.channel_id || null,
        triggerId: payload.trigger_id,
      },
      reply,
    );
    if (routed.ackText !== null) {
      await ack({ response_type: 'ephemeral', text: routed.ackText });
      return;
    }
    await ack();
    if (routed.work) inBackground(services, 'slash command', routed.work);
  });

  for (const [actionId, handler] of Object.entries(BUTTONS)) {
    app.action<BlockAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const value =
        'value' in action
          ? action.value
          : 'selected_option' in action
            ? action.selected_option?.value
            : undefined;
      const click = clickOf(services, body, value, respond);
      if (!click) return;
      inBackground(services, actionId, async () => {
        try {
          await handler(services, click);
        } catch (error) {
          await click.reply(errorReply(error));
          throw error;
        }
      });
    });
  }

  app.view(ADD_PROPERTY_VIEW, async ({ ack, body, view }) => {
    const outcome = submitPropertyForm(services, {
      userId: body.user.id,
      privateMetadata: view.private_metadata,
      values: view.state.values,
    });
    await ack(outcome.ack);
    if (outcome.work) inBackground(services, 'add-property form', outcome.work);
  });

  app.view(DESTROY_VIEW, async ({ ack, body, view }) => {
    const outcome = submitDestroyForm(services, {
      userId: body.user.id,
      privateMetadata: view.private_metadata,
      values: view.state.values,
    });
    await ack(outcome.ack);
    if (outcome.work) inBackground(services, 'destroy form', outcome.work);
  });

  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    inBackground(services, 'app home', () => publishHome(services, event.user));
  });

  app.error(async (error) => {
    services.logger.error({ err: error, code: error.code }, 'Bolt reported an error');
  });
}

function clickOf(
  services: BotServices,
  body: BlockAction,
  value: string | undefined,
  respond: RespondFn,
): Click | null {
  if (!value) return null;
  const channelId = body.channel?.id ?? (body.container.channel_id as string | undefined) ?? null;
  const ts = body.message?.ts ?? (body.container.message_ts as string | undefined);
  const onMessage = body.container.type === 'message' && channelId && ts;
  const requester = { userId: body.user.id, channelId };
  return {
    requester,
    value,
    message: onMessage ? { channel: channelId, ts } : null,
    reply: replyTo(services, { ...requester, respond: body.response_url ? respond : undefined }),
  };
}
