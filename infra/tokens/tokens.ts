/**
 * API tokens for the REST API. A token reads `blkshp_<id>_<secret>`: the id finds nothing on its
 * own, the secret (32 random bytes, base64url) is shown once and only its SHA-256 is stored.
 *
 * @example
 * const { id, secret } = await createToken(repo, 'onboarding', ['plan']);
 * const record = await verifyToken(repo, request.headers.authorization?.slice(7) ?? '');
 * if (record && hasScope(record, 'apply')) { ... }
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type FieldIssue, invalidInput } from '../errors.ts';
import type { ApiTokenRecord, Repository } from '../storage/repository.ts';

export const TOKEN_SCOPES = ['read', 'plan', 'apply', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const PREFIX = 'blkshp_';
// Ids are hex so they never contain the `_` that separates them from the secret.
const TOKEN_PATTERN = /^blkshp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Each scope and every scope it implies. */
const IMPLIED: Record<TokenScope, readonly TokenScope[]> = {
  read: ['read'],
  plan: ['plan', 'read'],
  apply: ['apply', 'plan', 'read'],
  admin: ['admin', 'apply', 'plan', 'read'],
};

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}

/** Creates and stores a token; the returned `secret` is the only copy of the full token. */
export async function createToken(
  repo: Pick<Repository, 'insertToken'>,
  name: string,
  scopes: readonly string[],
): Promise<{ id: string; secret: string }> {
  const issues: FieldIssue[] = [];
  if (name.trim() === '') issues.push({ field: 'name', message: 'must not be empty' });
  if (scopes.length === 0) issues.push({ field: 'scopes', message: 'name at least one scope' });
  for (const [index, scope] of scopes.entries()) {
    if (!isTokenScope(scope)) {
      issues.push({
        field: `scopes.${index}`,
        message: `must be one of ${TOKEN_SCOPES.join(', ')}`,
      });
    }
  }
  if (issues.length > 0) throw invalidInput('The token request is invalid', issues);

  const id = randomBytes(8).toString('hex');
  const random = randomBytes(32).toString('base64url');
  await repo.insertToken({
    id,
    name: name.trim(),
    hash: sha256(random),
    scopes: [...new Set(scopes)],
    createdAt: new Date().toISOString(),
    revokedAt: null,
    lastUsedAt: null,
  });
  return { id, secret: `${PREFIX}${id}_${random}` };
}

/** `lastUsedAt` is a hint for humans; writing it on every request would add a write per call. */
export const TOUCH_INTERVAL_MS = 60_000;

/**
 * The record of a presented token, or null when it is malformed, unknown or revoked. Records the
 * use as `lastUsedAt`, at most once per TOUCH_INTERVAL_MS.
 */
export async function verifyToken(
  repo: Pick<Repository, 'findTokenByHash' | 'touchToken'>,
  presented: string,
): Promise<ApiTokenRecord | null> {
  const match = TOKEN_PATTERN.exec(presented.trim());
  if (!match) return null;
  const [, id, random] = match as unknown as [string, string, string];

  const hash = sha256(random);
  const record = await repo.findTokenByHash(hash);
  if (record === null || record.revokedAt !== null) return null;

  // The lookup already matched the hash; comparing again in constant time (and checking the id
  // the token names) keeps a lenient store or index from turning into an oracle.
  const stored = Buffer.from(record.hash, 'hex');
  const computed = Buffer.from(hash, 'hex');
  if (stored.length !== computed.length || !timingSafeEqual(stored, computed)) return null;
  if (record.id !== id) return null;

  const now = Date.now();
  const last = record.lastUsedAt ? Date.parse(record.lastUsedAt) : 0;
  if (now - last < TOUCH_INTERVAL_MS) return record;
  const at = new Date(now).toISOString();
  await repo.touchToken(record.id, at);
  return { ...record, lastUsedAt: at };
}

/** Whether the token carries `scope`, directly or through a broader one. */
export function hasScope(record: Pick<ApiTokenRecord, 'scopes'>, scope: TokenScope): boolean {
  return record.scopes.some((held) => isTokenScope(held) && IMPLIED[held].includes(scope));
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
