/**
 * /v1/approvals: previews waiting for someone to apply them. Applying one is
 * `POST /v1/operations/{previewId}/apply`; the control plane's rules (two-person rule, stale
 * preview, age) decide then.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv } from '../env.ts';
import { type RouteContext, security } from './context.ts';
import { OperationSchema, problemResponses } from './schemas.ts';

export function registerApprovalRoutes(app: OpenAPIHono<ApiEnv>, { deps, guard }: RouteContext) {
  const pending = createRoute({
    method: 'get',
    path: '/v1/approvals',
    tags: ['Approvals'],
    summary: 'Previews waiting for approval, newest first',
    middleware: [guard.read] as const,
    security: security('read'),
    request: {
      query: z.object({ property: z.string().max(63).optional() }),
    },
    responses: {
      200: {
        description: 'Pending previews, each with the apply link',
        content: {
          'application/json': {
            schema: z.object({
              items: z.array(z.object({ preview: OperationSchema, apply: z.string() })),
            }),
          },
        },
      },
      ...problemResponses(400),
    },
  });
  app.openapi(pending, async (c) => {
    const { property } = c.req.valid('query');
    const previews = await deps.controlPlane.pendingApprovals(property);
    const items = previews.map((preview) => ({
      preview,
      apply: `/v1/operations/${encodeURIComponent(preview.id)}/apply`,
    }));
    return c.json({ items }, 200);
  });
}
