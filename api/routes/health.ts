/**
 * Probes and metrics, outside /v1 and without a token: orchestrators and Prometheus call them.
 * They say nothing a caller could misuse: up or not, which dependency is down, counts.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv } from '../env.ts';
import type { ApiMetrics } from '../metrics.ts';
import type { RouteContext } from './context.ts';

const TAG = 'Health';

const CheckSchema = z.object({ ok: z.boolean(), detail: z.string().optional() });
const ReadySchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    version: z.string(),
    checks: z.record(z.string(), CheckSchema),
  })
  .openapi('Readiness');

export function registerHealthRoutes(
  app: OpenAPIHono<ApiEnv>,
  { deps }: RouteContext,
  metrics: ApiMetrics,
) {
  const healthz = createRoute({
    method: 'get',
    path: '/healthz',
    tags: [TAG],
    summary: 'The process is up',
    responses: {
      200: {
        description: 'Up',
        content: {
          'application/json': {
            schema: z.object({ status: z.literal('ok'), version: z.string() }),
          },
        },
      },
    },
  });
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const, version: deps.version }, 200));

  const readyz = createRoute({
    method: 'get',
    path: '/readyz',
    tags: [TAG],
    summary: 'Database, engine and state backend all answer',
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
      503: {
        description: 'A dependency is down',
        content: { 'application/json': { schema: ReadySchema } },
      },
    },
  });
  app.openapi(readyz, async (c) => {
    let checks: Record<string, { ok: boolean; detail?: string }>;
    try {
      checks = await deps.readiness();
    } catch (error) {
      c.var.log.error({ err: error }, 'readiness check failed');
      checks = { readiness: { ok: false, detail: 'the readiness check itself failed' } };
    }
    const ready = Object.values(checks).every((check) => check.ok);
    const body = { status: ready ? 'ready' : 'unavailable', version: deps.version, checks };
    if (ready) return c.json({ ...body, status: 'ready' as const }, 200);
    return c.json({ ...body, status: 'unavailable' as const }, 503);
  });

  const metricsRoute = createRoute({
    method: 'get',
    path: '/metrics',
    tags: [TAG],
    summary: 'Prometheus metrics (text exposition format 0.0.4)',
    responses: {
      200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
    },
  });
  app.openapi(metricsRoute, async (c) => {
    const text = await metrics.render(deps.controlPlane);
    return c.text(text, 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
}
