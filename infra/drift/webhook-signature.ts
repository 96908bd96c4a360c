/**
 * The signature on outgoing webhooks, and the check receivers run. The signed string is
 * `<timestamp>.<body>`, so a captured body cannot be replayed with a fresh timestamp.
 *
 * @example
 * // In a receiver, with the raw body as received (before any JSON parsing):
 * const ok = verifyWebhookSignature({
 *   secret, body, timestamp: req.headers['x-blkshp-timestamp'],
 *   signature: req.headers['x-blkshp-signature'],
 * });
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Blkshp-Timestamp';
export const SIGNATURE_HEADER = 'X-Blkshp-Signature';
export const EVENT_ID_HEADER = 'X-Blkshp-Event-Id';

const VERSION = 'v1';

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`; the timestamp is Unix seconds. */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `${VERSION}=${mac}`;
}

export interface VerifyWebhookInput {
  secret: string;
  body: string;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  /** Oldest (and furthest in the future) a timestamp may be; 300 seconds unless told. */
  toleranceSeconds?: number;
  now?: Date;
}

/** True when the signature matches and the timestamp is recent; compares in constant time. */
export function verifyWebhookSignature(input: VerifyWebhookInput): boolean {
  const { secret, body, timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const presented = Buffer.from(signature);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
