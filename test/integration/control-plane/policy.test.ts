import * as digitalocean from '@pulumi/digitalocean';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFindings } from '../../../infra/changes/model.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import { createTestControlPlane, type TestControlPlane } from '../../support/control-plane.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { uniqueName } from '../../support/temp-dir.ts';

// A program that opens SSH to the whole internet, as a careless hand edit would. The spec
// validation refuses such CIDRs, so only a program change can produce it: the policy pack is
// the last line of defence and must stop it in the engine.
const careless = () => async () => {
  const firewall = new digitalocean.Firewall('wide-open', {
    inboundRules: [{ protocol: 'tcp', portRange: '22', sourceAddresses: ['0.0.0.0/0'] }],
  });
  return { firewall: firewall.id };
};

describe('the baseline policy pack on the real engine', () => {
  let tcp: TestControlPlane;
  beforeAll(async () => {
    tcp = await createTestControlPlane({ program: careless });
  });
  afterAll(async () => {
    await tcp?.close();
  });

  it('refuses a configuration that opens SSH to the internet, with the policy message', async () => {
    const slug = uniqueName('open').slice(0, 30);
    const actor = { id: 'cli:tester', channel: 'cli' };
    const { preview } = await tcp.controlPlane.addProperty(testPropertyInput(slug), actor);
    const done = await tcp.controlPlane.waitFor((preview as { operation: Operation }).operation.id);

    expect(done.status).toBe('failed');
    const findings = allFindings(done.changeSet!);
    expect(findings).toContainEqual(
      expect.objectContaining({
        policy: 'no-public-ssh',
        level: 'mandatory',
        message: expect.stringContaining('allow only the adminCidrs'),
      }),
    );
    expect(done.changeSet?.resources.find((r) => r.name === 'wide-open')?.findings).toHaveLength(1);

    const apply = await tcp.controlPlane.apply(done.id, { id: 'cli:other', channel: 'cli' });
    expect(apply).toMatchObject({ accepted: false, code: 'preview-not-succeeded' });
  });
});
