/**
 * /v1/properties: the fleet. Creating, patching and deleting a property each queue an engine
 * run (a first preview, a preview of the new spec, a destroy preview) and answer 202.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { notFound } from '../../infra/errors.ts';
import { CLOUDS } from '../../infra/properties/index.ts';
import { TIER_NAMES } from '../../infra/tiers/index.ts';
import type { ApiEnv } from '../env.ts';
import { accepted, acceptedBody, type RouteContext, security } from './context.ts';
import { PropertyPatchSchema, PropertySpecInputSchema } from './property-schemas.ts';
import {
  AcceptedSchema,
  acceptedResponse,
  PropertyRecordSchema,
  problemResponses,
  SlugParam,
} from './schemas.ts';

const TAG = 'Properties';

export function registerPropertyRoutes(app: OpenAPIHono<ApiEnv>, { deps, guard }: RouteContext) {
  const { controlPlane } = deps;

  const list = createRoute({
    method: 'get',
    path: '/v1/properties',
    tags: [TAG],
    summary: 'List properties, optionally by cloud and tier',
    middleware: [guard.read] as const,
    security: security('read'),
    request: {
      query: z.object({ cloud: z.enum(CLOUDS).optional(), tier: z.enum(TIER_NAMES).optional() }),
    },
    responses: {
      200: {
        description: 'The properties',
        content: {
          'application/json': { schema: z.object({ items: z.array(PropertyRecordSchema) }) },
        },
      },
      ...problemResponses(400),
    },
  });
  app.openapi(list, async (c) => {
    const filter = c.req.valid('query');
    const items = await controlPlane.listProperties(filter);
    return c.json({ items }, 200);
  });

  const get = createRoute({
    method: 'get',
    path: '/v1/properties/{slug}',
    tags: [TAG],
    summary: 'One property: spec, outputs, last operation, drift, estimate',
    middleware: [guard.read] as const,
    security: security('read'),
    request: { params: SlugParam },
    responses: {
      200: {
        description: 'The property',
        content: { 'application/json': { schema: PropertyRecordSchema } },
      },
      ...problemResponses(400, 404),
    },
  });
  app.openapi(get, async (c) => {
    const { slug } = c.req.valid('param');
    const property = await controlPlane.getProperty(slug);
    if (property === null) throw notFound(`Property ${slug}`);
    return c.json(property, 200);
  });

  const create = createRoute({
    method: 'post',
    path: '/v1/properties',
    tags: [TAG],
    summary: 'Add a property and queue its first preview',
    middleware: [guard.plan] as const,
    security: security('plan'),
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: PropertySpecInputSchema } },
      },
    },
    responses: {
      202: {
        description: 'Added; the first preview is queued (Location names it)',
        headers: z.object({ Location: z.string() }),
        content: {
          'application/json': { schema: AcceptedSchema.extend({ property: z.string() }) },
        },
      },
      ...problemResponses(400, 409, 413, 415),
    },
  });
  app.openapi(create, async (c) => {
    // The raw body, not the parsed one: the control plane parses it again and owns defaults.
    const input = await c.req.json();
    const { property, preview } = await controlPlane.addProperty(input, c.var.principal.actor);
    const body = acceptedBody(c, preview);
    return c.json({ ...body, property: `/v1/properties/${property.spec.slug}` }, 202);
  });

  const patch = createRoute({
    method: 'patch',
    path: '/v1/properties/{slug}',
    tags: [TAG],
    summary: 'Change the spec and queue a preview of the change',
    middleware: [guard.plan] as const,
    security: security('plan'),
    request: {
      params: SlugParam,
      body: { required: true, content: { 'application/json': { schema: PropertyPatchSchema } } },
    },
    responses: { ...acceptedResponse, ...problemResponses(400, 404, 409, 413, 415) },
  });
  app.openapi(patch, async (c) => {
    const { slug } = c.req.valid('param');
    const result = await controlPlane.updateProperty(
      slug,
      c.req.valid('json'),
      c.var.principal.actor,
    );
    return accepted(c, result);
  });

  const destroy = createRoute({
    method: 'delete',
    path: '/v1/properties/{slug}',
    tags: [TAG],
    summary: 'Queue a destroy preview; applying it destroys the stack',
    middleware: [guard.apply] as const,
    security: security('apply'),
    request: { params: SlugParam },
    responses: { ...acceptedResponse, ...problemResponses(400, 404, 409) },
  });
  app.openapi(destroy, async (c) => {
    const { slug } = c.req.valid('param');
    return accepted(c, await controlPlane.previewDestroy(slug, c.var.principal.actor));
  });

  const triggers = [
    { verb: 'preview', summary: 'Queue a preview of the stack' },
    { verb: 'refresh', summary: 'Queue a refresh of the stack state from the cloud' },
    { verb: 'drift-check', summary: 'Queue a drift check (refresh preview, expects no change)' },
  ] as const;
  for (const { verb, summary } of triggers) {
    const trigger = createRoute({
      method: 'post',
      path: `/v1/properties/{slug}/${verb}`,
      tags: [TAG],
      summary,
      middleware: [guard.plan] as const,
      security: security('plan'),
      request: { params: SlugParam },
      responses: { ...acceptedResponse, ...problemResponses(400, 404, 409) },
    });
    app.openapi(trigger, async (c) => {
      const { slug } = c.req.valid('param');
      const actor = c.var.principal.actor;
      if (verb === 'preview') return accepted(c, await controlPlane.preview(slug, actor));
      if (verb === 'refresh') return accepted(c, await controlPlane.refresh(slug, actor));
      return accepted(c, await controlPlane.driftCheck(slug, actor));
    });
  }
}
