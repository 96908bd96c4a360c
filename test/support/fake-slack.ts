/**
 * A FAKE Slack for tests and benches, on 127.0.0.1: the Web API methods the bot calls (each
 * call recorded, answered `{ ok: true, ... }` with plausible fields), the external upload URL
 * that `files.uploadV2` posts to, and `response_url`s. Plus helpers that sign requests the way
 * Slack does (HMAC-SHA256 of `v0:<timestamp>:<body>`), for sending commands, clicks and view
 * submissions to the bot.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

export interface SlackCall {
  /** A Web API method (`chat.update`), `upload` for the external upload, or `response_url`. */
  method: string;
  body: Record<string, unknown>;
  /** The raw body as received (uploads are plain text). */
  raw: string;
  at: number;
}

export const FAKE_TEAM = { id: 'T0FAKE', domain: 'blkshp-test' };
export const FAKE_BOT = { userId: 'U0BOT', botId: 'B0BOT' };

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  /** User-group id to member user ids, for `usergroups.users.list`. */
  readonly usergroups = new Map<string, string[]>();
  readonly #server: Server;
  readonly #failures = new Map<string, string>();
  readonly #waiters = new Set<() => void>();
  #ts = 1_700_000_000;
  #files = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeSlack> {
    const server = createServer();
    const fake = new FakeSlack(server);
    server.on('request', (req, res) => {
      fake.#handle(req).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get origin(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Pass as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.origin}/response/${id}`;
  }

  /** The next call to `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    this.#failures.set(method, error);
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first recorded call matching, waiting for it when needed. */
  async waitFor(
    predicate: (call: SlackCall) => boolean,
    timeoutMs = 10_000,
    what = 'a matching Slack call',
  ): Promise<SlackCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.calls.find(predicate);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.calls.map((c) => c.method).join(', ');
        throw new Error(`timed out waiting for ${what}; calls so far: ${seen || 'none'}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 250));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', this.origin).pathname;
    let method: string;
    if (path.startsWith('/api/')) method = path.slice('/api/'.length);
    else if (path.startsWith('/upload/')) method = 'upload';
    else if (path.startsWith('/response/')) method = 'response_url';
    else return { status: 404, body: { ok: false, error: 'unknown_path' } };

    const body = method === 'upload' ? {} : parseBody(raw, req.headers['content-type']);
    this.calls.push({ method, body, raw, at: Date.now() });
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();

    const failure = this.#failures.get(method);
    if (failure) {
      this.#failures.delete(method);
      return { status: 200, body: { ok: false, error: failure } };
    }
    return { status: 200, body: this.#answer(method, body) };
  }

  #answer(method: string, body: Record<string, unknown>): unknown {
    const ok = { ok: true };
    switch (method) {
      case 'auth.test':
        return { ...ok, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, team_id: FAKE_TEAM.id };
      case 'chat.postMessage': {
        const ts = `${++this.#ts}.000100`;
        return { ...ok, channel: body.channel, ts, message: { ts, text: body.text } };
      }
      case 'chat.update':
        return { ...ok, channel: body.channel, ts: body.ts, text: body.text };
      case 'chat.postEphemeral':
        return { ...ok, message_ts: `${++this.#ts}.000200` };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ...ok, view: { id: `V${++this.#ts}`, ...(body.view as object) } };
      case 'files.getUploadURLExternal': {
        const id = `F${++this.#files}`;
        return { ...ok, file_id: id, upload_url: `${this.origin}/upload/${id}` };
      }
      case 'files.completeUploadExternal':
        return { ...ok, files: body.files };
      case 'usergroups.users.list':
        return { ...ok, users: this.usergroups.get(String(body.usergroup)) ?? [] };
      default:
        return ok;
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The Web API client sends forms whose nested values (blocks, views) are JSON strings. */
function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const form = parseQuery(raw);
  return Object.fromEntries(
    Object.entries(form).map(([key, value]) => {
      if (typeof value === 'string' && /^[[{]/.test(value)) {
        try {
          return [key, JSON.parse(value)];
        } catch {
          return [key, value];
        }
      }
      return [key, value];
    }),
  );
}

// ---- Requests as Slack sends them -------------------------------------------------------

export interface SignedRequestOptions {
  signingSecret: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Sign with this instead of the real secret (a forged request). */
  forgeWith?: string;
  /** Events API requests are JSON; commands and interactions are forms. */
  json?: boolean;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A form-encoded body with Slack's signature headers, ready for `fetch`. */
export function signedInit(body: string, options: SignedRequestOptions): RequestInit {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const secret = options.forgeWith ?? options.signingSecret;
  return {
    method: 'POST',
    headers: {
      'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
    body,
  };
}

export function slashCommandBody(input: {
  userId: string;
  channelId: string;
  text: string;
  responseUrl: string;
  command?: string;
  triggerId?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM.id,
    team_domain: FAKE_TEAM.domain,
    channel_id: input.channelId,
    channel_name: 'infra',
    user_id: input.userId,
    user_name: input.userId.toLowerCase(),
    command: input.command ?? '/blkshp',
    text: input.text,
    api_app_id: 'A0FAKE',
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? `${Date.now()}.trigger`,
  }).toString();
}

export function blockActionBody(input: {
  userId: string;
  channelId: string;
  messageTs: string;
  actionId: string;
  value: string;
  responseUrl: string;
}): string {
  const payload = {
    type: 'block_actions',
    user: { id: input.userId, username: input.userId.toLowerCase(), team_id: FAKE_TEAM.id },
    api_app_id: 'A0FAKE',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: input.messageTs,
      channel_id: input.channelId,
      is_ephemeral: false,
    },
    trigger_id: `${Date.now()}.trigger`,
    team: FAKE_TEAM,
    channel: { id: input.channelId, name: 'infra' },
    message: { type: 'message', ts: input.messageTs, text: 'preview', user: FAKE_BOT.userId },
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: 'approval',
        value: input.value,
        text: { type: 'plain_text', text: 'Approve' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function viewSubmissionBody(input: {
  userId: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, unknown>>;
}): string {
  const payload = {
    type: 'view_submission',
    team: FAKE_TEAM,
    user: { id: input.userId, username: input.userId.toLowerCase(), team_id: FAKE_TEAM.id },
    api_app_id: 'A0FAKE',
    token: 'legacy-verification-token',
    trigger_id: `${Date.now()}.trigger`,
    view: {
      id: 'V0FAKE',
      team_id: FAKE_TEAM.id,
      type: 'modal',
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      state: { values: input.values },
      hash: '1700000000.fake',
      blocks: [],
      title: { type: 'plain_text', text: 'form' },
      app_id: 'A0FAKE',
      bot_id: FAKE_BOT.botId,
    },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** `app_home_opened`, which Slack sends as JSON through the Events API. */
export function appHomeOpenedBody(userId: string): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM.id,
    api_app_id: 'A0FAKE',
    type: 'event_callback',
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'app_home_opened',
      user: userId,
      channel: 'D0HOME',
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
    },
    authorizations: [{ team_id: FAKE_TEAM.id, user_id: FAKE_BOT.userId, is_bot: true }],
  });
}
