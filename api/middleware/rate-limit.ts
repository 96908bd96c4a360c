/**
 * A token bucket per API token: each token may burst up to `capacity` requests and then gets
 * `refillPerSecond` more each second. Past that the answer is 429 with Retry-After.
 *
 * A single process keeps the buckets in memory. Replicas keep them in the database (`store`),
 * so the limit holds for the fleet rather than per replica, at the price of one database write
 * per request.
 */
import type { MiddlewareHandler } from 'hono';
import type { Repository } from '../../infra/storage/repository.ts';
import type { ApiEnv, Principal } from '../env.ts';
import { HTTP_ERROR_CODES, problem } from '../problems.ts';

export interface RateLimitOptions {
  /** Requests a token may send at once. */
  capacity: number;
  /** Requests added back per second. */
  refillPerSecond: number;
  /** Buckets kept at most in memory; idle ones are dropped first. */
  maxBuckets?: number;
  now?: () => number;
  /** Buckets in the database every replica reads; this process's memory when absent. */
  store?: Pick<Repository, 'takeRateToken'>;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { capacity: 120, refillPerSecond: 20 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export function rateLimit(options: RateLimitOptions = DEFAULT_RATE_LIMIT) {
  const { capacity, refillPerSecond } = options;
  if (!(capacity >= 1) || !(refillPerSecond > 0)) {
    throw new TypeError('rateLimit: capacity must be >= 1 and refillPerSecond > 0');
  }
  const take = options.store ? storedTake(options.store, options) : memoryTake(options);

  const middleware: MiddlewareHandler<ApiEnv> = async function rateLimitMiddleware(c, next) {
    const principal = c.get('principal') as Principal | undefined;
    if (principal === undefined) return next();
    const wait = await take(principal.tokenId);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return problem(
        c,
        HTTP_ERROR_CODES.rateLimited,
        `Too many requests for this token; retry in ${wait} s`,
      );
    }
    await next();
  };
  return middleware;
}

/** Seconds until a bucket left with `tokens` has one whole request again. */
function secondsUntilToken(tokens: number, refillPerSecond: number): number {
  return Math.max(1, Math.ceil((1 - tokens) / refillPerSecond));
}

/** Takes one request from the key's bucket; 0 when allowed, else seconds to wait. */
type Take = (key: string) => number | Promise<number>;

function storedTake(store: Pick<Repository, 'takeRateToken'>, options: RateLimitOptions): Take {
  const { capacity, refillPerSecond, now = Date.now } = options;
  return async (key) => {
    const { allowed, tokens } = await store.takeRateToken({
      key,
      capacity,
      refillPerSecond,
      nowMs: now(),
    });
    return allowed ? 0 : secondsUntilToken(tokens, refillPerSecond);
  };
}

function memoryTake(options: RateLimitOptions): Take {
  const { capacity, refillPerSecond } = options;
  const maxBuckets = options.maxBuckets ?? 10_000;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  function take(key: string): number {
    const at = now();
    const bucket = buckets.get(key) ?? { tokens: capacity, updatedAt: at };
    const refilled = ((at - bucket.updatedAt) / 1000) * refillPerSecond;
    bucket.tokens = Math.min(capacity, bucket.tokens + refilled);
    bucket.updatedAt = at;

    // Re-insert so the Map's order is least recently used first.
    buckets.delete(key);
    buckets.set(key, bucket);
    if (buckets.size > maxBuckets) {
      const idle = buckets.keys().next().value;
      if (idle !== undefined) buckets.delete(idle);
    }

    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return secondsUntilToken(bucket.tokens, refillPerSecond);
  }
  return take;
}
