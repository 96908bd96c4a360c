/**
 * /v1/audit: who asked for what, from where, and what happened. Read-only; the control plane
 * appends.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { notFound } from '../../infra/errors.ts';
import type { ApiEnv } from '../env.ts';
import { type RouteContext, security } from './context.ts';
import { AuditRecordSchema, LimitQuery, problemResponses, SlugParam } from './schemas.ts';

export function registerAuditRoutes(app: OpenAPIHono<ApiEnv>, { deps, guard }: RouteContext) {
  const query = createRoute({
    method: 'get',
    path: '/v1/audit',
    tags: ['Audit'],
    summary: 'Query the audit trail, newest first',
    middleware: [guard.read] as const,
    security: security('read'),
    request: {
      query: z.object({
        actor: z.string().max(200).optional().openapi({ example: 'token:tok_01' }),
        property: z.string().max(63).optional(),
        action: z.string().max(100).optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        limit: LimitQuery,
      }),
    },
    responses: {
      200: {
        description: 'Matching records',
        content: {
          'application/json': { schema: z.object({ items: z.array(AuditRecordSchema) }) },
        },
      },
      ...problemResponses(400),
    },
  });
  app.openapi(query, async (c) => {
    const filter = c.req.valid('query');
    const items = await deps.controlPlane.queryAudit({ limit: 100, ...filter });
    return c.json({ items }, 200);
  });

  const drift = createRoute({
    method: 'get',
    path: '/v1/properties/{slug}/drift',
    tags: ['Drift'],
    summary: "A property's drift check results over time, newest first",
    middleware: [guard.read] as const,
    security: security('read'),
    request: { params: SlugParam, query: z.object({ limit: LimitQuery }) },
    responses: {
      200: {
        description: 'Drift results',
        content: {
          'application/json': { schema: z.object({ items: z.array(DriftResultSchema) }) },
        },
      },
      ...problemResponses(400, 404),
    },
  });
  app.openapi(drift, async (c) => {
    const { slug } = c.req.valid('param');
    if (!(await deps.controlPlane.getProperty(slug))) throw notFound(`Property ${slug}`);
    const { limit } = c.req.valid('query');
    const items = await deps.controlPlane.driftHistory(slug, limit ?? 50);
    return c.json({ items }, 200);
  });
}

const DriftResultSchema = z
  .object({
    id: z.number().int(),
    property: z.string(),
    operationId: z.string(),
    checkedAt: z.string(),
    status: z.enum(['in-sync', 'drifted', 'failed']),
    resources: z.array(
      z.object({
        urn: z.string(),
        type: z.string(),
        name: z.string(),
        op: z.string(),
        changes: z.array(z.record(z.string(), z.unknown())),
      }),
    ),
    error: z.string().nullable(),
    signature: z.string().nullable(),
    suppressed: z.boolean(),
  })
  .openapi('DriftResult');
