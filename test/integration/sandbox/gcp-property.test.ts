import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestControlPlane, type TestControlPlane } from '../../support/control-plane.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { uniqueName } from '../../support/temp-dir.ts';
import { propertyCycle } from './property-cycle.ts';

describe('gcp properties on the real engine and the sandbox cloud', () => {
  let tcp: TestControlPlane;
  beforeAll(async () => {
    tcp = await createTestControlPlane();
  });
  afterAll(async () => {
    await tcp?.close();
  });

  it('starter: the whole life of a property, scaled to standard', async () => {
    const input = testPropertyInput(uniqueName('gcp').slice(0, 30), {
      cloud: 'gcp',
      region: 'us-central1',
      tier: 'starter',
    });
    await propertyCycle(tcp, input as typeof input & { slug: string; cloud: 'gcp' }, 'standard');
  });
});
