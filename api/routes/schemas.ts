/**
 * Response and parameter schemas shared by the routes. They document the JSON the control plane
 * returns (infra/control-plane-api.ts) for the OpenAPI document; request bodies are validated
 * by the schemas in each route file.
 */
import { z } from '@hono/zod-openapi';
import { OPERATION_KINDS, OPERATION_STATUSES } from '../../infra/operations/model.ts';

/** DNS-safe, as property slugs are: lower-case letters, digits and inner hyphens. */
export const SlugParam = z.object({
  slug: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'must be a DNS-safe slug')
    .openapi({ param: { name: 'slug', in: 'path' }, example: 'harbour-view' }),
});

export const OperationIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'op_01J9Z6W6G9' }),
});

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:blkshp:problem:invalid-input' }),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: 'BLKSHP_INVALID_INPUT' }),
    detail: z.string(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })),
    refusal: z.string().optional().openapi({ example: 'stale-preview' }),
    requestId: z.string().optional(),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

/** Problem responses every authenticated route may give. */
export function problemResponses<const S extends readonly number[]>(...statuses: S) {
  const descriptions: Record<number, string> = {
    400: 'Invalid input',
    401: 'Missing or invalid token',
    403: 'The token lacks the scope',
    404: 'Not found',
    409: 'Refused: conflict with the current state',
    413: 'Body too large',
    415: 'Unsupported media type',
    429: 'Rate limited',
    501: 'Not available in this installation',
  };
  const all = [401, 403, 429, ...statuses];
  return Object.fromEntries(
    all.map((s) => [s, { description: descriptions[s] ?? 'Error', content: problemContent }]),
  ) as Record<S[number] | 401 | 403 | 429, { description: string; content: typeof problemContent }>;
}

const PropertyChangeSchema = z.object({
  path: z.string(),
  kind: z.enum(['add', 'delete', 'update']),
  old: z.unknown().optional(),
  new: z.unknown().optional(),
  forcesReplacement: z.boolean(),
});

const ResourceOpSchema = z.enum([
  'create',
  'update',
  'replace',
  'delete',
  'same',
  'read',
  'refresh',
]);

const PolicyFindingSchema = z.object({
  policy: z.string(),
  pack: z.string(),
  level: z.enum(['advisory', 'mandatory', 'remediate', 'disabled']),
  message: z.string(),
  urn: z.string().optional(),
});

export const ChangeSetSchema = z
  .object({
    kind: z.enum(['preview', 'apply', 'refresh', 'drift-check', 'destroy']),
    property: z.string(),
    sandbox: z.boolean(),
    resources: z.array(
      z.object({
        urn: z.string(),
        type: z.string(),
        name: z.string(),
        op: ResourceOpSchema,
        changes: z.array(PropertyChangeSchema),
        replaceReasons: z.array(z.string()),
        findings: z.array(PolicyFindingSchema),
      }),
    ),
    counts: z.record(z.string(), z.number()),
    findings: z.array(PolicyFindingSchema),
    errors: z.array(z.string()),
    costDelta: z
      .object({ currency: z.literal('USD'), beforeMonthly: z.number(), afterMonthly: z.number() })
      .nullable(),
    applyWouldChange: z
      .record(z.string(), z.number())
      .optional()
      .openapi({ description: 'Drift checks only: what an apply would change now, by op' }),
  })
  .openapi('ChangeSet');

export const OperationSchema = z
  .object({
    id: z.string(),
    property: z.string(),
    kind: z.enum(OPERATION_KINDS),
    status: z.enum(OPERATION_STATUSES),
    priority: z.enum(['interactive', 'scheduled']),
    actor: z.string(),
    channel: z.string(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    previewId: z.string().nullable(),
    summary: z.string(),
    changeSet: ChangeSetSchema.nullable(),
    outputs: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
    fingerprint: z.string().nullable(),
  })
  .openapi('Operation');

export const PropertyRecordSchema = z
  .object({
    spec: z.record(z.string(), z.unknown()).openapi({ description: 'The validated property spec' }),
    sandbox: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    outputs: z.record(z.string(), z.unknown()).nullable(),
    lastOperation: OperationSchema.nullable(),
    drift: z.object({
      status: z.enum(['unknown', 'in-sync', 'drifted', 'failed']),
      checkedAt: z.string().nullable(),
      changeSet: ChangeSetSchema.nullable(),
    }),
    monthlyEstimateUsd: z.number(),
  })
  .openapi('Property');

/** The answer to anything that runs the engine: the queued operation and where to follow it. */
export const AcceptedSchema = z
  .object({
    operationId: z.string(),
    status: z.enum(OPERATION_STATUSES),
    location: z.string().openapi({ example: '/v1/operations/op_01J9Z6W6G9' }),
    events: z.string().openapi({ example: '/v1/operations/op_01J9Z6W6G9/events' }),
  })
  .openapi('Accepted');

export const acceptedResponse = {
  202: {
    description: 'Queued; follow the operation at `location` (also the Location header)',
    headers: z.object({ Location: z.string() }),
    content: { 'application/json': { schema: AcceptedSchema } },
  },
};

export const AuditRecordSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    channel: z.string(),
    action: z.string(),
    property: z.string().nullable(),
    operationId: z.string().nullable(),
    result: z.string(),
    detail: z.string().nullable(),
  })
  .openapi('AuditRecord');

/** Positive page size with a ceiling, from a query string. */
export const LimitQuery = z.coerce.number().int().min(1).max(500).optional();
