/**
 * A child logger per request (tagged with the request id), one log line per answered request,
 * and the HTTP latency histogram. Runs right after `requestId`, so everything later logs with
 * the id a client sees in its `X-Request-Id` header.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from 'pino';
import type { ApiEnv } from '../env.ts';
import type { ApiMetrics } from '../metrics.ts';

export interface RequestLogOptions {
  logger: Logger;
  metrics: ApiMetrics;
}

/**
 * The route pattern that answered (`/v1/properties/:slug`), never the raw path, so metric labels
 * stay few. Requests no route matched share one label.
 */
export function routeLabel(c: Context): string {
  const last = matchedRoutes(c).at(-1);
  if (last === undefined || last.path.endsWith('*')) return 'unmatched';
  return last.path;
}

export function requestLog(options: RequestLogOptions): MiddlewareHandler<ApiEnv> {
  if (options?.logger === undefined || options.metrics === undefined) {
    throw new TypeError('requestLog: logger and metrics are required');
  }
  const { logger, metrics } = options;

  return async function requestLogMiddleware(c, next) {
    const started = performance.now();
    c.set('log', logger.child({ requestId: c.get('requestId') }));
    await next();

    const seconds = (performance.now() - started) / 1000;
    const route = routeLabel(c);
    metrics.observeHttp(route, c.req.method, c.res.status, seconds);
    // Paths only, no query strings or bodies: either may carry something a log should not.
    c.var.log.info(
      { method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000) },
      'request',
    );
  };
}
