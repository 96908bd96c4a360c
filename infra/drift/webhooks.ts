/**
 * Outgoing webhooks for onboarding and monitoring systems: each drift notification is POSTed as
 * JSON to every configured URL, signed (see webhook-signature.ts), retried with exponential
 * backoff on network errors, 429 and 5xx, and logged per attempt in the delivery log.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { BlkshpError, ERROR_CODES } from '../errors.ts';
import type { Repository } from '../storage/repository.ts';
import type { DriftNotification, DriftNotifier } from './model.ts';
import {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
} from './webhook-signature.ts';

export interface WebhookTarget {
  url: string;
  secret: string;
}

const targetSchema = z.object({
  url: z.string().refine((value) => {
    const url = URL.parse(value);
    return url !== null && (url.protocol === 'https:' || url.protocol === 'http:');
  }, 'must be an absolute http(s) URL'),
  // Short secrets are guessable; receivers cannot tell a forged body from a real one.
  secret: z.string().min(16, 'must be at least 16 characters'),
});
const targetsSchema = z.array(targetSchema);

/**
 * Parses `BLKSHP_WEBHOOKS` (a JSON array of `{ url, secret }`); empty or unset means none.
 * Errors name the bad entry and field but never echo a value, since secrets sit beside URLs.
 */
export function parseWebhookTargets(raw: string | undefined): WebhookTarget[] {
  if (raw === undefined || raw.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw configError('is not valid JSON; expected [{ "url": "https://...", "secret": "..." }]');
  }
  const parsed = targetsSchema.safeParse(json);
  if (!parsed.success) {
    // `[1].secret: must be at least 16 characters`
    const lines = parsed.error.issues.map((issue) => {
      const [index, ...field] = issue.path.map(String);
      const where =
        index === undefined ? 'the value' : `[${index}]${field.map((f) => `.${f}`).join('')}`;
      return `${where}: ${issue.message}`;
    });
    throw configError(lines.join('; '));
  }
  return parsed.data;
}

function configError(detail: string): BlkshpError {
  return new BlkshpError(ERROR_CODES.configInvalid, `BLKSHP_WEBHOOKS ${detail}`);
}

/** The URL as the delivery log may show it: no credentials, query or fragment. */
export function loggableTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** The JSON body of one webhook; a stable public shape (`version` rises on breaking changes). */
export function webhookBody(event: DriftNotification): string {
  return JSON.stringify({ version: 1, ...event });
}

export interface WebhookNotifierOptions {
  targets: WebhookTarget[];
  repo: Pick<Repository, 'insertWebhookDelivery' | 'updateWebhookDelivery'>;
  logger: Logger;
  /** Attempts per delivery, the first included (default 5). */
  maxAttempts?: number;
  /** Wait before the second attempt; doubles after each (default 1 s). */
  baseDelayMs?: number;
  /** Timeout of one attempt (default 10 s). */
  attemptTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  now?: () => Date;
}

export class WebhookNotifier implements DriftNotifier {
  readonly name = 'webhooks';
  readonly #options: WebhookNotifierOptions;

  constructor(options: WebhookNotifierOptions) {
    this.#options = options;
  }

  async notify(event: DriftNotification): Promise<void> {
    const body = webhookBody(event);
    await Promise.all(this.#options.targets.map((target) => this.#deliver(target, event, body)));
  }

  async #deliver(target: WebhookTarget, event: DriftNotification, body: string): Promise<void> {
    const { repo } = this.#options;
    const now = this.#options.now ?? (() => new Date());
    const maxAttempts = this.#options.maxAttempts ?? 5;
    const baseDelay = this.#options.baseDelayMs ?? 1_000;
    const sleep = this.#options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const id = randomUUID();
    const logger = this.#options.logger.child({
      delivery: id,
      event: event.id,
      target: loggableTarget(target.url),
    });
    const at = now().toISOString();
    await repo.insertWebhookDelivery({
      id,
      eventId: event.id,
      eventType: event.type,
      property: event.property,
      target: loggableTarget(target.url),
      status: 'pending',
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      createdAt: at,
      updatedAt: at,
    });

    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const outcome = await this.#attempt(target, event, body, now());
      const done = outcome.ok || !outcome.retryable || attempt === maxAttempts;
      await repo.updateWebhookDelivery(id, {
        attempts: attempt,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        status: outcome.ok ? 'delivered' : done ? 'failed' : 'pending',
        updatedAt: now().toISOString(),
      });
      if (outcome.ok) {
        logger.info({ attempt, status: outcome.statusCode }, 'webhook delivered');
        return;
      }
      if (done) {
        logger.warn(
          { attempt, status: outcome.statusCode, error: outcome.error },
          'webhook failed',
        );
        return;
      }
      await sleep(baseDelay * 2 ** (attempt - 1));
    }
  }

  async #attempt(
    target: WebhookTarget,
    event: DriftNotification,
    body: string,
    at: Date,
  ): Promise<{ ok: boolean; retryable: boolean; statusCode: number | null; error: string | null }> {
    const doFetch = this.#options.fetch ?? fetch;
    // A fresh timestamp per attempt, so a retry hours later still passes the receiver's window.
    const timestamp = Math.floor(at.getTime() / 1000);
    try {
      const response = await doFetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'blkshp-control-plane',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(target.secret, timestamp, body),
          [EVENT_ID_HEADER]: event.id,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.attemptTimeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      const status = response.status;
      if (status >= 200 && status < 300) {
        return { ok: true, retryable: false, statusCode: status, error: null };
      }
      const retryable = status === 429 || status >= 500;
      return { ok: false, retryable, statusCode: status, error: `HTTP ${status}` };
    } catch (error) {
      // The message of a fetch failure names the cause (refused, timeout), never the secret.
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, retryable: true, statusCode: null, error: cause ?? message };
    }
  }
}
