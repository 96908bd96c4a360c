/**
 * Bearer-token authentication and per-route scopes.
 *
 * `tokenAuth` identifies the caller (a bearer header, or on dashboard pages the `blkshp_token`
 * cookie) and leaves a Principal on the context; `requireScope` guards one route. A missing or
 * invalid token is 401 with a WWW-Authenticate challenge; a valid token without the scope is
 * 403. Verifying the token (hashing, constant-time comparison, revocation) is the injected
 * `verifyToken`'s job.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { ERROR_CODES } from '../../infra/errors.ts';
import { hasScope, TOKEN_SCOPES, type TokenScope } from '../../infra/tokens/index.ts';
import type { VerifiedToken } from '../deps.ts';
import type { ApiEnv, Principal } from '../env.ts';
import { problem } from '../problems.ts';

export const SCOPES = TOKEN_SCOPES;
export type Scope = TokenScope;

export const TOKEN_COOKIE = 'blkshp_token';

/**
 * Whether held scopes grant `needed`. Scopes imply narrower ones (infra/tokens decides which),
 * so an `apply` token can also preview and read.
 */
export function grants(scopes: readonly string[], needed: Scope): boolean {
  return hasScope({ scopes: [...scopes] }, needed);
}

export type DenialReason = 'missing' | 'invalid' | 'insufficient-scope';

export interface Denial {
  reason: DenialReason;
  tokenId: string | null;
  scope: Scope | null;
}

export interface TokenAuthOptions {
  verifyToken: (presented: string) => Promise<VerifiedToken | null>;
  /**
   * Also accept the token from the `blkshp_token` cookie the dashboard's login form sets.
   * `safe-methods` accepts it for GET and HEAD only: the dashboard's EventSource can follow a
   * stream, but a change through /v1 always needs the header, so a forged cross-site request
   * cannot ride on the cookie.
   */
  allowCookie?: boolean | 'safe-methods';
  /** Answers a 401 differently, e.g. the dashboard redirects to its login form. */
  onUnauthenticated?: (c: Context<ApiEnv>, reason: DenialReason) => Response | Promise<Response>;
  /** Told about every denial; best effort (audit), must not throw. */
  onDenied?: (c: Context<ApiEnv>, denial: Denial) => void;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
/** Tokens are short; anything longer is garbage and not worth hashing. */
const MAX_TOKEN_LENGTH = 512;

/** The token the request presents, from the header first, then (when allowed) the cookie. */
export function presentedToken(c: Context, allowCookie: boolean): string | null {
  const header = c.req.header('authorization');
  if (header !== undefined) return BEARER.exec(header)?.[1] ?? '';
  if (allowCookie) return getCookie(c, TOKEN_COOKIE) ?? null;
  return null;
}

export function tokenAuth(options: TokenAuthOptions): MiddlewareHandler<ApiEnv> {
  if (typeof options?.verifyToken !== 'function') {
    throw new TypeError('tokenAuth: verifyToken must be a function');
  }
  const cookieMode = options.allowCookie ?? false;

  return async function tokenAuthMiddleware(c, next) {
    const safe = c.req.method === 'GET' || c.req.method === 'HEAD';
    const allowCookie = cookieMode === true || (cookieMode === 'safe-methods' && safe);
    const presented = presentedToken(c, allowCookie);
    const reason: DenialReason | null =
      presented === null ? 'missing' : presented === '' ? 'invalid' : null;

    let verified: VerifiedToken | null = null;
    if (reason === null && presented !== null && presented.length <= MAX_TOKEN_LENGTH) {
      verified = await options.verifyToken(presented);
    }
    if (verified === null) {
      const why = reason ?? 'invalid';
      options.onDenied?.(c, { reason: why, tokenId: null, scope: null });
      if (options.onUnauthenticated !== undefined) return options.onUnauthenticated(c, why);
      return unauthenticated(c, why);
    }

    const principal: Principal = {
      tokenId: verified.id,
      name: verified.name,
      scopes: verified.scopes,
      actor: { id: `token:${verified.id}`, channel: 'api' },
    };
    c.set('principal', principal);
    c.set('log', c.var.log.child({ actor: principal.actor.id }));
    await next();
  };
}

export function unauthenticated(c: Context<ApiEnv>, reason: DenialReason): Response {
  const detail =
    reason === 'missing'
      ? 'Send an API token as "Authorization: Bearer <token>"'
      : 'The API token is not valid (unknown, revoked or malformed)';
  const error = reason === 'missing' ? '' : ', error="invalid_token"';
  c.header('WWW-Authenticate', `Bearer realm="blkshp"${error}`);
  return problem(c, ERROR_CODES.unauthenticated, detail);
}

export interface RequireScopeOptions {
  onDenied?: (c: Context<ApiEnv>, denial: Denial) => void;
}

/** Guards one route: runs after `tokenAuth`, answers 403 when the token lacks `scope`. */
export function requireScope(scope: Scope, options: RequireScopeOptions = {}) {
  if (!SCOPES.includes(scope)) throw new TypeError(`requireScope: unknown scope ${scope}`);

  const middleware: MiddlewareHandler<ApiEnv> = async function requireScopeMiddleware(c, next) {
    const principal = c.get('principal') as Principal | undefined;
    if (principal === undefined) return unauthenticated(c, 'missing');
    if (!grants(principal.scopes, scope)) {
      options.onDenied?.(c, { reason: 'insufficient-scope', tokenId: principal.tokenId, scope });
      return problem(c, ERROR_CODES.forbidden, `This needs a token with the "${scope}" scope`);
    }
    await next();
  };
  return middleware;
}
