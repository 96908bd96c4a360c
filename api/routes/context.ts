/**
 * What every route module receives: the injected dependencies and one guard per scope.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { EnqueueResult } from '../../infra/control-plane-api.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import type { Scope } from '../middleware/auth.ts';
import { refusalError } from '../problems.ts';

export interface RouteContext {
  deps: ApiDeps;
  guard: Record<Scope, MiddlewareHandler<ApiEnv>>;
}

export function operationLocation(id: string): string {
  return `/v1/operations/${encodeURIComponent(id)}`;
}

/**
 * The 202 answer to anything that queued an engine run, with a Location header; a refusal
 * becomes a problem (404 or 409 carrying the refusal code).
 */
export function accepted(c: Context<ApiEnv>, result: EnqueueResult) {
  return c.json(acceptedBody(c, result), 202);
}

/** The body of `accepted`, with the Location header set, for routes that add to it. */
export function acceptedBody(c: Context<ApiEnv>, result: EnqueueResult) {
  if (!result.accepted) throw refusalError(result.code, result.reason);
  const { operation } = result;
  const location = operationLocation(operation.id);
  c.header('Location', location);
  c.var.log.info({ operation: operation.id, kind: operation.kind }, 'operation queued');
  return {
    operationId: operation.id,
    status: operation.status,
    location,
    events: `${location}/events`,
  };
}

/** OpenAPI 3.1 lets a bearer scheme list role names; the docs page shows them as scopes. */
export function security(scope: Scope) {
  return [{ bearerAuth: [scope] }];
}
