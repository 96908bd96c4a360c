/**
 * The HTTP face of the control plane: REST routes under /v1, the OpenAPI document and its docs
 * page, probes and metrics, and the dashboard. Pure: no sockets, so tests drive it with
 * `app.request`; `startHttpServer` (server.ts) puts it on a port.
 *
 * @example
 * const app = createApiApp({ controlPlane, verifyToken, logger, sandboxMode, version, readiness,
 *   mounts: [{ path: '/slack', fetch: slackApp.fetch }] });
 * const server = await startHttpServer({ app, host: '127.0.0.1', port: 8080 });
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { ERROR_CODES } from '../infra/errors.ts';
import { problemPage, wantsHtml } from './dashboard/error-page.tsx';
import { registerDashboard } from './dashboard/routes.tsx';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';
import { createApiMetrics } from './metrics.ts';
import { type Denial, requireScope, SCOPES, type Scope, tokenAuth } from './middleware/auth.ts';
import { idempotency } from './middleware/idempotency.ts';
import { DEFAULT_RATE_LIMIT, rateLimit } from './middleware/rate-limit.ts';
import { requestLog } from './middleware/request-log.ts';
import { errorToProblem, HTTP_ERROR_CODES, problem, zodIssues } from './problems.ts';
import { registerApprovalRoutes } from './routes/approvals.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import type { RouteContext } from './routes/context.ts';
import { registerDocs } from './routes/docs.tsx';
import { registerHealthRoutes } from './routes/health.ts';
import { registerOperationRoutes } from './routes/operations.ts';
import { registerPropertyRoutes } from './routes/properties.ts';
import { registerScheduleRoutes } from './routes/schedules.ts';
import { registerTierRoutes } from './routes/tiers.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export function createApiApp(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const metrics = deps.metrics ?? createApiMetrics();
  metrics.follow(deps.controlPlane);

  const app = new OpenAPIHono<ApiEnv>({
    // Every schema failure (params, query, body) answers the same problem shape.
    defaultHook: (result, c) => {
      if (result.success) return;
      const where = result.target === 'json' ? undefined : result.target;
      const issues = zodIssues(result.error, where);
      return problem(c, ERROR_CODES.invalidInput, 'The request is not valid; see issues', {
        issues,
      });
    },
  });

  // Order matters: id and logger first so every later line and error carries the request id.
  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(requestLog({ logger: deps.logger, metrics }));
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: [NONCE],
        styleSrc: [NONCE],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    }),
  );
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        problem(
          c,
          HTTP_ERROR_CODES.payloadTooLarge,
          `The body must be at most ${MAX_BODY_BYTES} B`,
        ),
    }),
  );

  // Extra handlers (the Slack receiver) sit outside /v1 and its token auth.
  for (const mount of deps.mounts ?? []) {
    app.all(`${mount.path}/*`, (c) => mount.fetch(c.req.raw));
    app.all(mount.path, (c) => mount.fetch(c.req.raw));
  }

  const onDenied = auditDenial(deps);
  app.use(
    '/v1/*',
    tokenAuth({ verifyToken: deps.verifyToken, allowCookie: 'safe-methods', onDenied }),
  );
  app.use('/v1/*', rateLimit(deps.rateLimit ?? DEFAULT_RATE_LIMIT));
  app.use('/v1/*', idempotency(deps.idempotencyKeys ? { keys: deps.idempotencyKeys } : {}));

  const guard = Object.fromEntries(
    SCOPES.map((scope) => [scope, requireScope(scope, { onDenied })]),
  ) as RouteContext['guard'];
  const ctx: RouteContext = { deps, guard };

  registerHealthRoutes(app, ctx, metrics);
  registerPropertyRoutes(app, ctx);
  registerOperationRoutes(app, ctx);
  registerTierRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerApprovalRoutes(app, ctx);
  registerScheduleRoutes(app, ctx);
  registerDocs(app, ctx);
  registerDashboard(app, ctx, { onDenied });

  // Browsers on dashboard pages get the problem as a page; everyone else gets problem JSON.
  app.notFound((c) => {
    const res = problem(c, ERROR_CODES.notFound, `No route for ${c.req.method} ${c.req.path}`);
    return wantsHtml(c) ? problemPage(c, res) : res;
  });
  app.onError((error, c) => {
    const res = errorToProblem(error, c);
    return wantsHtml(c) ? problemPage(c, res) : res;
  });
  return app;
}

/**
 * Rejected tokens and missing scopes go to the audit trail (best effort: a failing audit write
 * must not turn a 401 into a 500). A request without any token is not recorded: that is noise.
 */
function auditDenial(deps: ApiDeps) {
  return (c: Context<ApiEnv>, denial: Denial) => {
    if (denial.reason === 'missing') return;
    const entry = {
      actor: denial.tokenId === null ? 'anonymous' : `token:${denial.tokenId}`,
      channel: 'api',
      action: 'api.denied',
      property: null,
      operationId: null,
      result: denial.reason === 'invalid' ? 'invalid token' : `missing scope ${denial.scope}`,
      detail: `${c.req.method} ${c.req.path}`,
    };
    deps.controlPlane.audit(entry).catch((error: unknown) => {
      c.var.log.warn({ err: error }, 'could not record a denied request in the audit trail');
    });
  };
}

export type { Scope };
