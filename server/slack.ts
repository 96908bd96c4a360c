/** Starts the Slack bot when Slack is configured; otherwise the bot module logs one line. */
import type { Mount } from '../api/deps.ts';
import { createSlackBotFromSettings } from '../bot/app.ts';
import { ignoreDrift } from '../infra/drift/actions.ts';
import type { PostMessage } from '../infra/drift/slack.ts';
import type { Service } from '../infra/service.ts';
import type { Settings } from '../infra/settings/settings.ts';

export interface StartedBot {
  /** HTTP mode: the handler for `/slack/events`. */
  mount: Mount | null;
  /** Posts to a channel as the bot (drift notifications); null without Slack. */
  postMessage: PostMessage | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBot(settings: Settings, service: Service, dashboardUrl: string): StartedBot {
  const bot = createSlackBotFromSettings({
    settings,
    controlPlane: service.controlPlane,
    logger: service.logger,
    dashboardUrl,
    ignoreDrift: (slug, days, actor) =>
      ignoreDrift({ repo: service.repo, controlPlane: service.controlPlane }, slug, days, actor),
  });
  if (!bot) {
    return { mount: null, postMessage: null, start: async () => {}, stop: async () => {} };
  }
  return {
    mount: bot.handler ? { path: '/slack', fetch: bot.handler } : null,
    postMessage: async (channel, text, blocks) => {
      // The drift module builds plain Block Kit JSON without Bolt's types.
      await bot.app.client.chat.postMessage({ channel, text, blocks: blocks as never });
    },
    async start() {
      try {
        await bot.start();
      } catch (error) {
        // Slack being unreachable must not take the API down with it.
        service.logger.error(
          { err: error },
          'the Slack bot could not start; the API keeps running',
        );
      }
    },
    stop: () => bot.stop(),
  };
}
