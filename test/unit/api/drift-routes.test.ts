import { describe, expect, it } from 'vitest';
import type { DriftResult } from '../../../infra/drift/model.ts';
import { auth, buildApp, readJson, testPropertyInput } from './harness.ts';

function result(id: number, status: DriftResult['status'], names: string[] = []): DriftResult {
  return {
    id,
    property: 'harbour-view',
    operationId: `op-${id}`,
    checkedAt: `2026-12-0${id}T06:17:00.000Z`,
    status,
    resources: names.map((name) => ({
      urn: `urn:pulumi:harbour-view::blkshp-property::digitalocean:index/droplet:Droplet::${name}`,
      type: 'digitalocean:index/droplet:Droplet',
      name,
      op: 'update',
      changes: [
        {
          path: 'size',
          kind: 'update',
          old: 's-2vcpu-4gb',
          new: 's-8vcpu-16gb',
          forcesReplacement: false,
        },
      ],
    })),
    error: null,
    signature: status === 'drifted' ? 'abc' : null,
    suppressed: false,
  };
}

describe('drift history', () => {
  it('lists a property’s drift results over time with a read token', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('harbour-view'));
    controlPlane.driftResults.push(result(2, 'drifted', ['app']), result(1, 'in-sync'));
    const res = await app.request('/v1/properties/harbour-view/drift', {
      headers: auth('read-token'),
    });
    expect(res.status).toBe(200);
    const { items } = await readJson(res);
    expect(items.map((r: DriftResult) => r.status)).toEqual(['drifted', 'in-sync']);
    expect(items[0].resources[0].changes[0]).toMatchObject({ path: 'size', new: 's-8vcpu-16gb' });
  });

  it('answers 404 problem for an unknown property', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/properties/nowhere-inn/drift', {
      headers: auth('read-token'),
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('shows the timeline on the property page', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('harbour-view'));
    controlPlane.driftResults.push(result(2, 'drifted', ['app']), result(1, 'in-sync'));
    const res = await app.request('/properties/harbour-view', { headers: auth('read-token') });
    const html = await res.text();
    expect(html).toContain('Drift timeline');
    expect(html).toMatch(/drifted[\s\S]*app/);
  });
});
