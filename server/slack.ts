/** Starts the Slack bot when Slack is configured; otherwise says so once and stays off. */
import type { Mount } from '../api/deps.ts';
import type { Service } from '../infra/service.ts';
import type { Settings } from '../infra/settings/settings.ts';

export interface StartedBot {
  mount: Mount | null;
  stop(): Promise<void>;
}

export async function startSlackBot(settings: Settings, service: Service): Promise<StartedBot> {
  if (!settings.slack) {
    service.logger.info('Slack is not configured (no SLACK_BOT_TOKEN): the bot stays off');
    return { mount: null, stop: async () => undefined };
  }
  // TODO(slack wiring): mount bot/ here once its factory lands.
  return { mount: null, stop: async () => undefined };
}
