/**
 * /v1/audit: who asked for what, from where, and what happened. Read-only; the control plane
 * appends.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv } from '../env.ts';
import { type RouteContext, security } from './context.ts';
import { AuditRecordSchema, LimitQuery, problemResponses } from './schemas.ts';

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
}
