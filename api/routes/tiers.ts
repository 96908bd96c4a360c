/**
 * /v1/tiers: the tier catalog with each tier's monthly estimate, and when and where its prices
 * come from, so a reader can judge how current they are.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { CLOUDS } from '../../infra/properties/index.ts';
import { listTiers, monthlyEstimate } from '../../infra/tiers/index.ts';
import type { ApiEnv } from '../env.ts';
import { type RouteContext, security } from './context.ts';
import { problemResponses } from './schemas.ts';

const TierSchema = z
  .object({
    name: z.string(),
    cloud: z.enum(CLOUDS),
    summary: z.string(),
    availability: z.string(),
    definition: z.record(z.string(), z.unknown()).openapi({
      description: 'Everything the tier contains: machines, database, cache, backups, alerts',
    }),
    monthlyEstimate: z.object({
      totalUsd: z.number(),
      lines: z.array(
        z.object({
          item: z.string(),
          quantity: z.number(),
          unitUsd: z.number(),
          totalUsd: z.number(),
        }),
      ),
      source: z.string(),
      asOf: z.string(),
    }),
  })
  .openapi('Tier');

export function registerTierRoutes(app: OpenAPIHono<ApiEnv>, { guard }: RouteContext) {
  const list = createRoute({
    method: 'get',
    path: '/v1/tiers',
    tags: ['Catalog'],
    summary: 'Tiers per cloud with their monthly price estimate',
    middleware: [guard.read] as const,
    security: security('read'),
    request: { query: z.object({ cloud: z.enum(CLOUDS).optional() }) },
    responses: {
      200: {
        description: 'The tiers',
        content: { 'application/json': { schema: z.object({ items: z.array(TierSchema) }) } },
      },
      ...problemResponses(400),
    },
  });
  app.openapi(list, (c) => {
    const { cloud } = c.req.valid('query');
    const items = listTiers()
      .filter((tier) => cloud === undefined || tier.cloud === cloud)
      .map((tier) => {
        const estimate = monthlyEstimate(tier.cloud, tier.name);
        return {
          name: tier.name,
          cloud: tier.cloud,
          summary: tier.summary,
          availability: tier.availability,
          definition: { ...tier },
          monthlyEstimate: {
            totalUsd: estimate.totalUsd,
            lines: estimate.lines,
            source: estimate.source,
            asOf: estimate.asOf,
          },
        };
      });
    return c.json({ items }, 200);
  });
}
