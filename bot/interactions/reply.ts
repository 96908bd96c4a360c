/**
 * Private replies for buttons and modals. A click on a message carries a `response_url`; a
 * click in App Home or a modal submission does not, so those fall back to an ephemeral message
 * in the channel, or a direct message.
 */
import type { RespondFn } from '@slack/bolt';
import type { Reply } from '../commands/context.ts';
import type { BotServices } from '../services.ts';

export function replyTo(
  services: BotServices,
  target: { userId: string; channelId: string | null; respond?: RespondFn },
): Reply {
  return async (message) => {
    const body = typeof message === 'string' ? { text: message } : message;
    if (target.respond) {
      await target.respond({ response_type: 'ephemeral', replace_original: false, ...body });
      return;
    }
    if (target.channelId) {
      try {
        await services.client.chat.postEphemeral({
          channel: target.channelId,
          user: target.userId,
          ...body,
        });
        return;
      } catch (error) {
        services.logger.debug({ err: error }, 'ephemeral reply failed; sending a direct message');
      }
    }
    await services.client.chat.postMessage({ channel: target.userId, ...body });
  };
}
