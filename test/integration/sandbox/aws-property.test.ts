import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '../../../infra/operations/model.ts';
import { createTestControlPlane, type TestControlPlane } from '../../support/control-plane.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { uniqueName } from '../../support/temp-dir.ts';
import { propertyCycle } from './property-cycle.ts';

describe('aws properties on the real engine and the sandbox cloud', () => {
  let tcp: TestControlPlane;
  beforeAll(async () => {
    tcp = await createTestControlPlane();
  });
  afterAll(async () => {
    await tcp?.close();
  });

  it('starter: the whole life of a property, scaled to standard', async () => {
    const input = testPropertyInput(uniqueName('aws').slice(0, 30), {
      cloud: 'aws',
      region: 'us-east-1',
      tier: 'starter',
    });
    await propertyCycle(tcp, input as typeof input & { slug: string; cloud: 'aws' }, 'standard');
  });

  it('refuses standard to enterprise while it would delete the protected app data volume', async () => {
    const slug = uniqueName('aws-e').slice(0, 30);
    const actor = { id: 'slack:UREQ', channel: 'slack:COPS' };
    const input = testPropertyInput(slug, { cloud: 'aws', region: 'us-east-1', tier: 'standard' });
    const { preview } = await tcp.controlPlane.addProperty(input, actor);
    const first = await tcp.controlPlane.waitFor(
      (preview as { operation: Operation }).operation.id,
    );
    const applying = await tcp.controlPlane.apply(first.id, { ...actor, id: 'slack:UAPP' });
    await tcp.controlPlane.waitFor((applying as { operation: Operation }).operation.id);

    // Enterprise moves the sites volume from the app VM to the worker: data would be lost, so
    // the protect flag makes the engine refuse until the data is migrated by hand.
    const scaled = await tcp.controlPlane.updateProperty(slug, { tier: 'enterprise' }, actor);
    const refused = await tcp.controlPlane.waitFor(
      (scaled as { operation: Operation }).operation.id,
    );
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/app-data.*cannot be deleted/);
  });
});
