/**
 * A real Bolt app, served over a real loopback socket through the same fetch handler the API
 * mounts, talking to a fake Slack on loopback. `send` signs requests like Slack does.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import pino from 'pino';
import { createSlackBot, type SlackBot, type SlackBotDeps } from '../../../bot/app.ts';
import type { RoleMap } from '../../../bot/permissions.ts';
import type { ControlPlaneApi } from '../../../infra/control-plane-api.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import { FakeControlPlane } from '../../support/fake-control-plane.ts';
import {
  appHomeOpenedBody,
  blockActionBody,
  FakeSlack,
  type SignedRequestOptions,
  signedInit,
  slashCommandBody,
  viewSubmissionBody,
} from '../../support/fake-slack.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const CHANNEL = 'C0INFRA';

export const ROLES: RoleMap = {
  U0ADMIN: 'admin',
  U0APPROVER: 'approver',
  U0OPERATOR: 'operator',
  S0APPROVERS: 'approver',
};

/** The API's fake control plane, whose `waitFor` waits for `finish` like the real one. */
export class WaitingFakeControlPlane extends FakeControlPlane {
  override waitFor(operationId: string): Promise<Operation> {
    const operation = this.operations.get(operationId);
    if (!operation) return Promise.reject(new Error(`no operation ${operationId}`));
    if (!['queued', 'running'].includes(operation.status)) return Promise.resolve(operation);
    return new Promise((resolve) => {
      const stop = this.subscribe((event) => {
        if (event.type === 'finished' && event.operationId === operationId) {
          stop();
          resolve(event.operation);
        }
      });
    });
  }
}

export interface BotHarness {
  slack: FakeSlack;
  bot: SlackBot;
  url: string;
  post(body: string, options?: Partial<SignedRequestOptions>): Promise<Response>;
  command(userId: string, text: string): Promise<Response>;
  click(userId: string, actionId: string, value: string, messageTs?: string): Promise<Response>;
  submit(
    userId: string,
    callbackId: string,
    values: Record<string, Record<string, unknown>>,
    privateMetadata?: string,
  ): Promise<Response>;
  openHome(userId: string): Promise<Response>;
  close(): Promise<void>;
}

let responses = 0;

export async function startBot(
  controlPlane: ControlPlaneApi,
  options: {
    roles?: RoleMap;
    updateIntervalMs?: number;
    ignoreDrift?: SlackBotDeps['ignoreDrift'];
  } = {},
): Promise<BotHarness> {
  const slack = await FakeSlack.start();
  const bot = createSlackBot({
    controlPlane,
    signingSecret: SIGNING_SECRET,
    botToken: 'xoxb-test-token',
    roles: options.roles ?? ROLES,
    logger: pino({ level: process.env.BLKSHP_TEST_LOG ?? 'silent' }),
    slackApiUrl: slack.apiUrl,
    dashboardUrl: 'http://127.0.0.1:1/dashboard',
    updateIntervalMs: options.updateIntervalMs ?? 50,
    clientOptions: { retryConfig: { retries: 0 } },
    ...(options.ignoreDrift ? { ignoreDrift: options.ignoreDrift } : {}),
  });
  await bot.start();

  const server = createAdaptorServer({ fetch: bot.handler! }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

  const post = (body: string, signed: Partial<SignedRequestOptions> = {}) =>
    fetch(url, signedInit(body, { signingSecret: SIGNING_SECRET, ...signed }));

  return {
    slack,
    bot,
    url,
    post,
    command: (userId, text) =>
      post(
        slashCommandBody({
          userId,
          channelId: CHANNEL,
          text,
          responseUrl: slack.responseUrl(`cmd-${++responses}`),
        }),
      ),
    click: (userId, actionId, value, messageTs = '1700000000.000100') =>
      post(
        blockActionBody({
          userId,
          channelId: CHANNEL,
          messageTs,
          actionId,
          value,
          responseUrl: slack.responseUrl(`click-${++responses}`),
        }),
      ),
    submit: (
      userId,
      callbackId,
      values,
      privateMetadata = JSON.stringify({ channelId: CHANNEL }),
    ) => post(viewSubmissionBody({ userId, callbackId, values, privateMetadata })),
    openHome: (userId) => post(appHomeOpenedBody(userId), { json: true }),
    async close() {
      await bot.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await slack.close();
    },
  };
}

/** Text of every `response_url` post and ephemeral message, for asserting on replies. */
export function privateReplies(slack: FakeSlack): string[] {
  return slack.calls
    .filter((c) => c.method === 'response_url' || c.method === 'chat.postEphemeral')
    .map((c) => JSON.stringify(c.body));
}

/** A property input as the add-property modal's submitted state. */
export function formValues(input: Record<string, unknown>) {
  const text = (value: unknown) => ({ value: { type: 'plain_text_input', value: String(value) } });
  const select = (value: unknown) => ({
    value: { type: 'static_select', selected_option: { value: String(value) } },
  });
  const lines = (value: unknown) => text((value as string[]).join('\n'));
  return {
    slug: text(input.slug),
    name: text(input.name),
    cloud: select(input.cloud),
    region: text(input.region),
    tier: select(input.tier),
    domain: text(input.domain),
    alertEmails: lines(input.alertEmails),
    adminCidrs: lines(input.adminCidrs),
    sshPublicKeys: lines(input.sshPublicKeys),
    backupRetentionDays: { value: { type: 'number_input', value: null } },
    pci: { value: { type: 'checkboxes', selected_options: [] } },
  };
}
