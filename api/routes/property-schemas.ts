/**
 * Request bodies for creating and patching a property, derived from the one property spec
 * schema in infra/properties so the API, the bot and the stacks agree on what is valid.
 */
import { z } from '@hono/zod-openapi';
import { propertySpecSchema } from '../../infra/properties/index.ts';

/**
 * The spec as a caller sends it (defaults optional); the control plane parses it again.
 * `.meta` rather than `.openapi`: the spec schema may be built before @hono/zod-openapi extends
 * zod, and the generator reads `meta({ id })` either way.
 */
export const PropertySpecInputSchema = propertySpecSchema.meta({
  id: 'PropertySpecInput',
  description: 'A property spec; fields with defaults may be left out',
});

/**
 * A patch over the current spec: any field but the slug. Defaults are stripped, because a
 * default inside an optional field would fill in (and so overwrite) a field the caller left out.
 */
const patchShape = Object.fromEntries(
  Object.entries(propertySpecSchema.in.shape)
    .filter(([name]) => name !== 'slug')
    .map(([name, field]) => [name, withoutDefault(field).optional()]),
);

export const PropertyPatchSchema = z
  .object(patchShape)
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'must change at least one field' })
  .meta({ id: 'PropertyPatch', description: 'Fields of the spec to change; the slug cannot' });

function withoutDefault(field: z.ZodType): z.ZodType {
  return field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
}
