import { describe, expect, it } from 'vitest';
import {
  PROPERTY_INVOKE_TOKENS,
  PROPERTY_RESOURCE_TYPES,
} from '../../../programs/property/resource-types.ts';
import type { TypeSpec } from '../../../sandbox/model.ts';
import { TABLES } from '../../../sandbox/types/index.ts';

const clouds = Object.keys(PROPERTY_RESOURCE_TYPES) as (keyof typeof PROPERTY_RESOURCE_TYPES)[];

describe('the sandbox tables', () => {
  it.each(clouds)(
    'cover every %s resource type and data source the property program uses',
    (cloud) => {
      const table = TABLES[cloud];
      const invokes = new Set(PROPERTY_INVOKE_TOKENS[cloud]);
      const missing = PROPERTY_RESOURCE_TYPES[cloud].filter((token) =>
        token.split(':').at(-1)?.startsWith('get') || invokes.has(token)
          ? !table.invokes[token]
          : !table.resources[token],
      );
      const missingInvokes = PROPERTY_INVOKE_TOKENS[cloud].filter((t) => !table.invokes[t]);
      expect([...missing, ...missingInvokes]).toEqual([]);
    },
  );

  const entries = Object.entries(TABLES).flatMap(([pkg, table]) =>
    Object.entries(table.resources).map(([type, spec]) => [pkg, type, spec] as const),
  );

  it.each(entries)('%s %s belongs to its package and mints an id', (pkg, type, spec: TypeSpec) => {
    expect(type.startsWith(`${pkg}:`)).toBe(true);
    const ctx = { inputs: { name: 'n', bucket: 'b' }, name: 'n', type, stack: 's' };
    const id = spec.id(ctx);
    expect(id).toMatch(/\S/);
    const computed = spec.computed?.({ ...ctx, id, keep: (_key, make) => make() }) ?? {};
    expect(JSON.stringify(computed)).not.toContain('undefined');
    for (const key of [spec.uniqueName, spec.autoName]) {
      if (key) expect(typeof key).toBe('string');
    }
  });
});
