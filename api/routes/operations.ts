/**
 * /v1/operations: what the engine did or is doing. Apply names the approved preview it carries
 * out; the control plane refuses (409 with the refusal code) when that preview is stale, too
 * old, failed or carried a mandatory policy violation.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ERROR_CODES, notFound } from '../../infra/errors.ts';
import { OPERATION_KINDS, OPERATION_STATUSES } from '../../infra/operations/model.ts';
import type { ApiEnv } from '../env.ts';
import { ProblemError } from '../problems.ts';
import { accepted, operationLocation, type RouteContext, security } from './context.ts';
import { operationEventStream } from './operation-events.ts';
import {
  AcceptedSchema,
  acceptedResponse,
  LimitQuery,
  OperationIdParam,
  OperationSchema,
  problemResponses,
} from './schemas.ts';

const TAG = 'Operations';

export function registerOperationRoutes(app: OpenAPIHono<ApiEnv>, { deps, guard }: RouteContext) {
  const { controlPlane } = deps;
  const keepAliveMs = (deps.sseKeepAliveSeconds ?? 15) * 1000;

  async function mustGet(id: string) {
    const operation = await controlPlane.getOperation(id);
    if (operation === null) throw notFound(`Operation ${id}`);
    return operation;
  }

  const list = createRoute({
    method: 'get',
    path: '/v1/operations',
    tags: [TAG],
    summary: 'List operations, newest first',
    middleware: [guard.read] as const,
    security: security('read'),
    request: {
      query: z.object({
        property: z.string().max(63).optional(),
        kind: z.enum(OPERATION_KINDS).optional(),
        status: z.enum(OPERATION_STATUSES).optional(),
        limit: LimitQuery,
      }),
    },
    responses: {
      200: {
        description: 'The operations',
        content: { 'application/json': { schema: z.object({ items: z.array(OperationSchema) }) } },
      },
      ...problemResponses(400),
    },
  });
  app.openapi(list, async (c) => {
    const query = c.req.valid('query');
    const items = await controlPlane.listOperations({ limit: 100, ...query });
    return c.json({ items }, 200);
  });

  const get = createRoute({
    method: 'get',
    path: '/v1/operations/{id}',
    tags: [TAG],
    summary: 'One operation with its ChangeSet and outputs',
    middleware: [guard.read] as const,
    security: security('read'),
    request: { params: OperationIdParam },
    responses: {
      200: {
        description: 'The operation',
        content: { 'application/json': { schema: OperationSchema } },
      },
      ...problemResponses(400, 404),
    },
  });
  app.openapi(get, async (c) => c.json(await mustGet(c.req.valid('param').id), 200));

  const events = createRoute({
    method: 'get',
    path: '/v1/operations/{id}/events',
    tags: [TAG],
    summary: 'Follow an operation as Server-Sent Events until it finishes',
    description:
      'Events: `status` (the current status, first), `resource`, `log`, `status`, and finally ' +
      '`finished` with the operation and its ChangeSet; then the stream closes.',
    middleware: [guard.read] as const,
    security: security('read'),
    request: { params: OperationIdParam },
    responses: {
      200: {
        description: 'An event stream',
        content: { 'text/event-stream': { schema: z.string() } },
      },
      ...problemResponses(400, 404),
    },
  });
  app.openapi(events, async (c) => {
    const operation = await mustGet(c.req.valid('param').id);
    return operationEventStream(c, { controlPlane, operation, keepAliveMs });
  });

  const cancel = createRoute({
    method: 'post',
    path: '/v1/operations/{id}/cancel',
    tags: [TAG],
    summary: 'Cancel a queued or running operation',
    middleware: [guard.apply] as const,
    security: security('apply'),
    request: { params: OperationIdParam },
    responses: {
      202: {
        description: 'Cancellation requested; the operation finishes as cancelled',
        headers: z.object({ Location: z.string() }),
        content: { 'application/json': { schema: AcceptedSchema } },
      },
      ...problemResponses(400, 404, 409),
    },
  });
  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    await mustGet(id);
    const result = await controlPlane.cancel(id, c.var.principal.actor);
    if (!result.cancelled) {
      throw new ProblemError(
        ERROR_CODES.conflict,
        result.reason ?? 'It can no longer be cancelled',
        {
          refusal: 'already-finished',
        },
      );
    }
    const operation = await mustGet(id);
    const location = operationLocation(id);
    c.header('Location', location);
    return c.json(
      { operationId: id, status: operation.status, location, events: `${location}/events` },
      202,
    );
  });

  const apply = createRoute({
    method: 'post',
    path: '/v1/operations/{id}/apply',
    tags: [TAG],
    summary: 'Apply exactly what a succeeded preview showed',
    description:
      'Refused with 409 and a `refusal` code when the preview is not a succeeded preview, too ' +
      'old, stale (the stack or its config changed), carried a mandatory policy violation, or ' +
      'needs a second person.',
    middleware: [guard.apply] as const,
    security: security('apply'),
    request: { params: OperationIdParam },
    responses: { ...acceptedResponse, ...problemResponses(400, 404, 409) },
  });
  app.openapi(apply, async (c) => {
    const { id } = c.req.valid('param');
    return accepted(c, await controlPlane.apply(id, c.var.principal.actor));
  });
}
