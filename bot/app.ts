/**
 * The Slack bot: a Bolt app served in HTTP mode through the API's own server, or over Socket
 * Mode. HTTP mode uses `FetchReceiver` rather than Bolt's HTTPReceiver so one port serves both
 * the REST API and Slack, with Bolt's request verification plus replay protection.
 *
 * @example
 * const bot = createSlackBotFromSettings({ settings, controlPlane, logger });
 * if (bot?.handler) api.post('/slack/events', (c) => bot.handler!(c.req.raw));
 * await bot?.start();
 */
import { App, type webApi } from '@slack/bolt';
import type { ControlPlaneApi } from '../infra/control-plane-api.ts';
import type { Logger } from '../infra/logging/logger.ts';
import type { Settings } from '../infra/settings/settings.ts';
import { toBoltLogger } from './bolt-logger.ts';
import { DEFAULT_COMMAND, registerHandlers } from './handlers.ts';
import { createPermissions, type RoleMap } from './permissions.ts';
import { type FetchHandler, FetchReceiver } from './receiver.ts';
import type { BotServices } from './services.ts';

export interface SlackBotDeps {
  controlPlane: ControlPlaneApi;
  signingSecret: string;
  botToken: string;
  roles: RoleMap;
  logger: Logger;
  /** Base URL of the dashboard; messages link `<base>/operations/<id>`. */
  dashboardUrl?: string;
  /** Overrides https://slack.com/api/ (tests point it at a fake on loopback). */
  slackApiUrl?: string;
  /** Connect out over Socket Mode instead of receiving HTTP requests. */
  socketMode?: { appToken: string };
  /** The slash command as registered in the Slack app manifest. */
  command?: string;
  /** Tuning, mostly for tests. */
  updateIntervalMs?: number;
  freshPreviewMs?: number;
  groupCacheMs?: number;
  clientOptions?: Omit<webApi.WebClientOptions, 'slackApiUrl' | 'logger'>;
  ignoreDrift?: BotServices['ignoreDrift'];
}

export interface SlackBot {
  app: App;
  /** HTTP mode only: mount at `POST /slack/events`. */
  handler?: FetchHandler;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackBot(deps: SlackBotDeps): SlackBot {
  const log = deps.logger.child({ component: 'slack' });
  const clientOptions: webApi.WebClientOptions = {
    ...deps.clientOptions,
    ...(deps.slackApiUrl ? { slackApiUrl: withSlash(deps.slackApiUrl) } : {}),
  };
  const receiver = deps.socketMode
    ? undefined
    : new FetchReceiver({ signingSecret: deps.signingSecret, logger: log });
  const app = new App({
    token: deps.botToken,
    logger: toBoltLogger(log),
    clientOptions,
    // auth.test runs in start(), where a failure can be caught, not in the constructor.
    deferInitialization: true,
    convoStore: false,
    ...(receiver ? { receiver } : { socketMode: true, appToken: deps.socketMode!.appToken }),
  });

  const services: BotServices = {
    controlPlane: deps.controlPlane,
    client: app.client,
    logger: log,
    dashboardUrl: deps.dashboardUrl,
    updateIntervalMs: deps.updateIntervalMs ?? 1_000,
    freshPreviewMs: deps.freshPreviewMs ?? 30 * 60_000,
    ...(deps.ignoreDrift ? { ignoreDrift: deps.ignoreDrift } : {}),
    permissions: createPermissions({
      roles: deps.roles,
      logger: log,
      groupCacheMs: deps.groupCacheMs,
      groupMembers: async (usergroup) =>
        (await app.client.usergroups.users.list({ usergroup })).users ?? [],
    }),
  };
  registerHandlers(app, services, deps.command ?? DEFAULT_COMMAND);

  let started = false;
  return {
    app,
    handler: receiver ? guardUntilStarted(receiver.handler, () => started) : undefined,
    async start() {
      await app.init();
      await app.start();
      started = true;
      log.info({ mode: receiver ? 'http' : 'socket' }, 'Slack bot started');
    },
    async stop() {
      started = false;
      await app.stop();
    },
  };
}

/** Whether the settings hold enough to run the bot (tokens for the configured mode). */
export function slackConfigured(settings: Pick<Settings, 'slack'>): boolean {
  const slack = settings.slack;
  if (!slack?.botToken) return false;
  return slack.socketMode ? Boolean(slack.appToken) : Boolean(slack.signingSecret);
}

/**
 * The bot from the service settings, or null (with one log line) when Slack is not configured,
 * so the rest of the service runs without it.
 */
export function createSlackBotFromSettings(options: {
  settings: Pick<Settings, 'slack'>;
  controlPlane: ControlPlaneApi;
  logger: Logger;
  dashboardUrl?: string;
  ignoreDrift?: BotServices['ignoreDrift'];
}): SlackBot | null {
  const { settings, logger } = options;
  if (!slackConfigured(settings) || !settings.slack) {
    logger.info(
      'Slack bot off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or Socket Mode) to enable it',
    );
    return null;
  }
  const slack = settings.slack;
  return createSlackBot({
    controlPlane: options.controlPlane,
    logger,
    signingSecret: slack.signingSecret ?? '',
    botToken: slack.botToken!,
    roles: slack.roles,
    dashboardUrl: options.dashboardUrl,
    slackApiUrl: slack.apiUrl ?? undefined,
    socketMode: slack.socketMode && slack.appToken ? { appToken: slack.appToken } : undefined,
    ...(options.ignoreDrift ? { ignoreDrift: options.ignoreDrift } : {}),
  });
}

function guardUntilStarted(handler: FetchHandler, started: () => boolean): FetchHandler {
  return (request) =>
    started() ? handler(request) : Promise.resolve(new Response(null, { status: 503 }));
}

/** The Web API client joins method names onto the base URL, which must end with a slash. */
function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
