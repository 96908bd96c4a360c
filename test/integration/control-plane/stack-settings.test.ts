import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../infra/control-plane-api.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import { createTestControlPlane } from '../../support/control-plane.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { stackSecrets } from '../../support/stack-secrets.ts';
import { uniqueName } from '../../support/temp-dir.ts';

const alice: Actor = { id: 'slack:UALICE', channel: 'slack:CENG' };
const bob: Actor = { id: 'slack:UBOB', channel: 'slack:CENG' };

describe('stack settings kept in the database', () => {
  it('rebuilds a lost work directory, secrets and salt included, and applies from it', async () => {
    const tcp = await createTestControlPlane({ policyPackDir: null });
    try {
      const slug = uniqueName('settings').slice(0, 30);
      const { preview } = await tcp.controlPlane.addProperty(testPropertyInput(slug), alice);
      const previewed = await tcp.controlPlane.waitFor(
        (preview as { operation: Operation }).operation.id,
      );
      expect(previewed.status).toBe('succeeded');

      const workspaces = join(tcp.dataDir, 'workspaces');
      const file = join(workspaces, 'blkshp-property', slug, `Pulumi.${slug}.yaml`);
      const onDisk = await readFile(file, 'utf8');
      expect(await tcp.repo.getStackSettings(`blkshp-property/${slug}`)).toBe(onDisk);
      const secrets = await stackSecrets(tcp, slug);
      expect(secrets.length).toBeGreaterThan(0);

      // The disk goes (a new replica, a lost volume); the approved preview still applies.
      await rm(workspaces, { recursive: true, force: true });
      const applied = await tcp.controlPlane.apply(previewed.id, bob);
      if (!applied.accepted) throw new Error(applied.reason);
      const done = await tcp.controlPlane.waitFor(applied.operation.id);
      expect(done.error).toBeNull();
      expect(done.status).toBe('succeeded');

      expect(await readFile(file, 'utf8')).toBe(onDisk);
      expect(await stackSecrets(tcp, slug)).toEqual(secrets);
    } finally {
      await tcp.close();
    }
  });
});
