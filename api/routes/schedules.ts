/**
 * /v1/schedules: when the drift sweep runs, fleet-wide (`default`) or per property. Served only
 * when a `schedules` dependency is given; otherwise every route answers 501, because
 * ControlPlaneApi has no schedule methods yet.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { Cron } from 'croner';
import { notFound } from '../../infra/errors.ts';
import type { SchedulesApi } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { HTTP_ERROR_CODES, ProblemError } from '../problems.ts';
import { type RouteContext, security } from './context.ts';
import { problemResponses } from './schemas.ts';

const TAG = 'Schedules';
/** `default` in a URL stands for the fleet-wide schedule, stored under `*`. */
const FLEET = 'default';

const ScheduleSchema = z
  .object({
    scope: z.string().openapi({ description: '`*` for the fleet, else a property slug' }),
    cron: z.string().openapi({ example: '0 3 * * *' }),
    timezone: z.string().openapi({ example: 'Europe/Lisbon' }),
    enabled: z.boolean(),
    updatedAt: z.string(),
  })
  .openapi('Schedule');

const ScopeParam = z.object({
  scope: z
    .string()
    .regex(/^(default|[a-z][a-z0-9-]{1,38}[a-z0-9])$/, 'must be "default" or a property slug')
    .openapi({ param: { name: 'scope', in: 'path' }, example: FLEET }),
});

const ScheduleInput = z
  .object({
    cron: z.string().max(100).refine(isValidCron, 'must be a cron expression, e.g. "0 3 * * *"'),
    timezone: z.string().max(64).default('UTC').refine(isTimeZone, 'must be an IANA time zone'),
  })
  .strict();

export function registerScheduleRoutes(app: OpenAPIHono<ApiEnv>, { deps, guard }: RouteContext) {
  function schedules(): SchedulesApi {
    if (deps.schedules === undefined) {
      throw new ProblemError(
        HTTP_ERROR_CODES.notImplemented,
        'Schedules are not available in this installation yet',
      );
    }
    return deps.schedules;
  }

  const list = createRoute({
    method: 'get',
    path: '/v1/schedules',
    tags: [TAG],
    summary: 'Drift-check schedules',
    middleware: [guard.read] as const,
    security: security('read'),
    responses: {
      200: {
        description: 'The schedules',
        content: { 'application/json': { schema: z.object({ items: z.array(ScheduleSchema) }) } },
      },
      ...problemResponses(501),
    },
  });
  app.openapi(list, async (c) => c.json({ items: await schedules().list() }, 200));

  const put = createRoute({
    method: 'put',
    path: '/v1/schedules/{scope}',
    tags: [TAG],
    summary: 'Set the drift-check schedule of the fleet (`default`) or one property',
    middleware: [guard.admin] as const,
    security: security('admin'),
    request: {
      params: ScopeParam,
      body: { required: true, content: { 'application/json': { schema: ScheduleInput } } },
    },
    responses: {
      200: {
        description: 'The stored schedule',
        content: { 'application/json': { schema: ScheduleSchema } },
      },
      ...problemResponses(400, 404, 413, 415, 501),
    },
  });
  app.openapi(put, async (c) => {
    const api = schedules();
    const { scope } = c.req.valid('param');
    const { cron, timezone } = c.req.valid('json');
    if (scope !== FLEET && (await deps.controlPlane.getProperty(scope)) === null) {
      throw notFound(`Property ${scope}`);
    }
    const stored = await api.upsert(scope === FLEET ? '*' : scope, cron, timezone);
    return c.json(stored, 200);
  });

  const remove = createRoute({
    method: 'delete',
    path: '/v1/schedules/{scope}',
    tags: [TAG],
    summary: 'Remove a schedule (a property falls back to the fleet schedule)',
    middleware: [guard.admin] as const,
    security: security('admin'),
    request: { params: ScopeParam },
    responses: {
      204: { description: 'Removed' },
      ...problemResponses(400, 404, 501),
    },
  });
  app.openapi(remove, async (c) => {
    const { scope } = c.req.valid('param');
    const removed = await schedules().remove(scope === FLEET ? '*' : scope);
    if (!removed) throw notFound(`Schedule ${scope}`);
    return c.body(null, 204);
  });
}

function isValidCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
