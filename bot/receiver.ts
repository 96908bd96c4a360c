/**
 * A Bolt receiver fed by web-standard `Request`s, so the bot shares the API's Hono server and
 * port instead of opening a second listener (Bolt's HTTPReceiver wants its own `http.Server`).
 * Verification is Bolt's own `verifySlackRequest` (signing secret, five-minute window); on top
 * of it a request whose timestamp lies in the future beyond the window, or whose signature was
 * already accepted, is refused too.
 */
import { parse as parseQuery } from 'node:querystring';
import { type App, type Receiver, type ReceiverEvent, verifySlackRequest } from '@slack/bolt';
import type { Logger } from '../infra/logging/logger.ts';
import { createReplayGuard, type ReplayGuard, SIGNATURE_WINDOW_SECONDS } from './replay-guard.ts';

export interface FetchReceiverOptions {
  signingSecret: string;
  logger: Logger;
  replayGuard?: ReplayGuard;
  /** Slack gives up after three seconds; answer before it does. */
  ackTimeoutMs?: number;
  /** Interaction payloads are small; anything past this is not from Slack. */
  maxBodyBytes?: number;
  now?: () => number;
}

export type FetchHandler = (request: Request) => Promise<Response>;

type AckBody = string | Record<string, unknown> | undefined;

export class FetchReceiver implements Receiver {
  readonly handler: FetchHandler;
  #app: App | undefined;
  readonly #options: Required<Omit<FetchReceiverOptions, 'replayGuard'>> & { guard: ReplayGuard };

  constructor(options: FetchReceiverOptions) {
    if (!options.signingSecret) throw new Error('FetchReceiver needs a signing secret');
    this.#options = {
      signingSecret: options.signingSecret,
      logger: options.logger.child({ component: 'slack-receiver' }),
      guard: options.replayGuard ?? createReplayGuard(),
      ackTimeoutMs: options.ackTimeoutMs ?? 2_900,
      maxBodyBytes: options.maxBodyBytes ?? 256 * 1024,
      now: options.now ?? Date.now,
    };
    this.handler = (request) => this.#handle(request);
  }

  init(app: App): void {
    this.#app = app;
  }

  // The HTTP server belongs to the API; there is nothing to open or close here.
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async #handle(request: Request): Promise<Response> {
    const { logger, maxBodyBytes } = this.#options;
    if (request.method !== 'POST') return new Response(null, { status: 405 });
    if (Number(request.headers.get('content-length') ?? 0) > maxBodyBytes) {
      return new Response(null, { status: 413 });
    }
    const raw = await request.text();
    if (Buffer.byteLength(raw) > maxBodyBytes) return new Response(null, { status: 413 });
    const contentType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim();

    // Slack's certificate check carries no signature and must trigger nothing.
    if (contentType === 'application/x-www-form-urlencoded' && parseQuery(raw).ssl_check === '1') {
      return new Response(null, { status: 200 });
    }

    const refusal = this.#verify(request.headers, raw);
    if (refusal) {
      logger.warn({ reason: refusal }, 'refused a Slack request');
      return new Response(null, { status: 401 });
    }

    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, contentType);
    } catch {
      logger.warn('refused a Slack request with a malformed body');
      return new Response(null, { status: 400 });
    }
    if (body.type === 'url_verification') return Response.json({ challenge: body.challenge });

    return this.#dispatch(body, request.headers);
  }

  /** Null when the request is authentic and new; otherwise why it is not. */
  #verify(headers: Headers, raw: string): string | null {
    const { signingSecret, guard, now } = this.#options;
    const signature = headers.get('x-slack-signature');
    const timestamp = Number(headers.get('x-slack-request-timestamp'));
    if (!signature || !Number.isInteger(timestamp)) return 'missing signature headers';

    const nowMs = now();
    try {
      verifySlackRequest({
        signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        nowMilliseconds: nowMs,
      });
    } catch (error) {
      return error instanceof Error ? error.message : 'verification failed';
    }
    // Bolt refuses old timestamps only; a far-future one would outlive the replay memory.
    if (timestamp > Math.floor(nowMs / 1000) + SIGNATURE_WINDOW_SECONDS) {
      return 'x-slack-request-timestamp is in the future';
    }
    if (!guard.firstSeen(signature, timestamp, nowMs)) return 'replayed signature';
    return null;
  }

  async #dispatch(body: Record<string, unknown>, headers: Headers): Promise<Response> {
    const app = this.#app;
    if (!app) return new Response(null, { status: 503 });
    const { logger, ackTimeoutMs } = this.#options;

    let acked = false;
    let answer: (response: Response) => void = () => {};
    const answered = new Promise<Response>((resolve) => {
      answer = resolve;
    });
    const event: ReceiverEvent = {
      body,
      ack: async (response?: AckBody) => {
        if (acked) return;
        acked = true;
        answer(ackResponse(response));
      },
      retryNum: numberHeader(headers, 'x-slack-retry-num'),
      retryReason: headers.get('x-slack-retry-reason') ?? undefined,
      customProperties: {},
    };

    // Listeners run on after ack(); whatever they do later must not hold the response.
    void app.processEvent(event).then(
      () => {
        if (!acked) answer(new Response(null, { status: 404 }));
      },
      (error: unknown) => {
        logger.error({ err: error }, 'a Slack listener failed');
        if (!acked) answer(new Response(null, { status: 500 }));
      },
    );
    const timer = setTimeout(() => {
      if (acked) return;
      logger.warn('no Slack listener acknowledged the request in time');
      answer(new Response(null, { status: 404 }));
    }, ackTimeoutMs);
    try {
      return await answered;
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseQuery(raw);
    if (typeof form.payload === 'string') return asObject(JSON.parse(form.payload));
    return { ...form };
  }
  return asObject(JSON.parse(raw));
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('expected a JSON object');
  }
  return value as Record<string, unknown>;
}

function ackResponse(body: AckBody): Response {
  if (body === undefined || body === '') return new Response(null, { status: 200 });
  if (typeof body === 'string') return new Response(body, { status: 200 });
  return Response.json(body);
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  return value === null ? undefined : Number(value);
}
