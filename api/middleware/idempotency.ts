/**
 * `Idempotency-Key` on POST: the first response to a key is stored, and a retry with the same
 * key and the same body gets that response again instead of queuing a second operation. The
 * same key with a different body (or path) is a 409; so is a retry that arrives while the first
 * request is still being answered.
 *
 * Keys are scoped to the token that sent them, so two clients cannot collide or read each
 * other's responses.
 *
 * The service keeps keys in its database (`storedIdempotencyKeys`), so a retry that lands on
 * another replica, or comes after a restart, gets the first answer too. Tests and embedders
 * without storage use the in-memory LRU.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ERROR_CODES } from '../../infra/errors.ts';
import type { Repository } from '../../infra/storage/repository.ts';
import type { ApiEnv, Principal } from '../env.ts';
import { problem } from '../problems.ts';

export interface IdempotencyOptions {
  /** Entries kept at most; the least recently used go first. */
  maxEntries?: number;
  /** How long a stored response is replayed. */
  ttlMs?: number;
  now?: () => number;
}

interface StoredResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

/** What the middleware needs from wherever keys are kept. Keys arrive hashed. */
export interface IdempotencyKeys {
  /** Null when the key is now reserved for this request; else the entry someone holds. */
  reserve(key: string, fingerprint: string): Promise<IdempotencyEntry | null>;
  complete(key: string, response: StoredResponse): Promise<void>;
  release(key: string): Promise<void>;
}

export interface IdempotencyEntry {
  fingerprint: string;
  /** Null while the first request is still being answered. */
  response: StoredResponse | null;
}

interface Entry extends IdempotencyEntry {
  expiresAt: number;
}

/** Headers worth replaying; per-request ones (request id, rate limit) are set afresh. */
const REPLAYED_HEADERS = ['content-type', 'location'];
const MAX_KEY_LENGTH = 255;
const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

/** A Map keeps insertion order, which is all an LRU needs: touch = delete and re-insert. */
export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: IdempotencyOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#now = options.now ?? Date.now;
    if (!(this.#maxEntries > 0) || !(this.#ttlMs > 0)) {
      throw new TypeError('idempotency: maxEntries and ttlMs must be positive');
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  reserve(key: string, fingerprint: string): void {
    this.#entries.set(key, { fingerprint, expiresAt: this.#now() + this.#ttlMs, response: null });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  complete(key: string, response: StoredResponse): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined) entry.response = response;
  }

  release(key: string): void {
    this.#entries.delete(key);
  }
}

/** Keys in this process's memory (an LRU): lost on restart and not shared between replicas. */
export function memoryIdempotencyKeys(options: IdempotencyOptions = {}): IdempotencyKeys {
  const store = new IdempotencyStore(options);
  return {
    async reserve(key, fingerprint) {
      const existing = store.get(key);
      if (existing) return existing;
      store.reserve(key, fingerprint);
      return null;
    },
    async complete(key, response) {
      store.complete(key, response);
    },
    async release(key) {
      store.release(key);
    },
  };
}

/** Keys in the service's database: shared by every replica and kept across restarts. */
export function storedIdempotencyKeys(
  repo: Pick<
    Repository,
    'reserveIdempotencyKey' | 'completeIdempotencyKey' | 'releaseIdempotencyKey'
  >,
  options: Pick<IdempotencyOptions, 'ttlMs' | 'now'> = {},
): IdempotencyKeys {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const now = options.now ?? Date.now;
  return {
    async reserve(keyHash, fingerprint) {
      const at = now();
      const held = await repo.reserveIdempotencyKey(
        { keyHash, fingerprint, expiresAt: new Date(at + ttlMs).toISOString() },
        new Date(at).toISOString(),
      );
      return held ? { fingerprint: held.fingerprint, response: held.response } : null;
    },
    complete: (keyHash, response) => repo.completeIdempotencyKey(keyHash, response),
    release: (keyHash) => repo.releaseIdempotencyKey(keyHash),
  };
}

export function idempotency(
  options: IdempotencyOptions & { keys?: IdempotencyKeys } = {},
): MiddlewareHandler<ApiEnv> {
  const store = options.keys ?? memoryIdempotencyKeys(options);

  return async function idempotencyMiddleware(c, next) {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (key === '' || key.length > MAX_KEY_LENGTH) {
      return problem(c, ERROR_CODES.invalidInput, 'Idempotency-Key must be 1 to 255 characters', {
        issues: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }],
      });
    }

    const principal = c.get('principal') as Principal | undefined;
    // Hashed: fixed length, and no NUL or other bytes a database column would refuse.
    const scopedKey = createHash('sha256')
      .update(`${principal?.tokenId ?? 'anonymous'}\u0000${key}`)
      .digest('hex');
    // Hono caches the body text, so the validators after this read it again for free.
    const body = await c.req.text();
    const fingerprint = createHash('sha256').update(`${c.req.path}\u0000${body}`).digest('hex');

    const existing = await store.reserve(scopedKey, fingerprint);
    if (existing !== null) {
      if (existing.fingerprint !== fingerprint) {
        return problem(
          c,
          ERROR_CODES.conflict,
          'This Idempotency-Key was already used with a different request',
        );
      }
      if (existing.response === null) {
        return problem(c, ERROR_CODES.conflict, 'A request with this Idempotency-Key is running');
      }
      c.header('Idempotent-Replayed', 'true');
      return c.body(existing.response.body, existing.response.status as 200, {
        ...Object.fromEntries(existing.response.headers),
      });
    }

    try {
      await next();
    } catch (error) {
      await store.release(scopedKey);
      throw error;
    }

    // Only answers worth repeating are kept: a 5xx or a 429 should be retried for real.
    const status = c.res.status;
    if (status >= 500 || status === 429) {
      await store.release(scopedKey);
      return;
    }
    const headers: [string, string][] = [];
    for (const name of REPLAYED_HEADERS) {
      const value = c.res.headers.get(name);
      if (value !== null) headers.push([name, value]);
    }
    const text = await c.res.clone().text();
    await store.complete(scopedKey, { status, headers, body: text });
  };
}
