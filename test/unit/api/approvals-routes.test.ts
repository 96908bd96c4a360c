import { describe, expect, it } from 'vitest';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';
import { auth, buildApp, readJson, testPropertyInput } from './harness.ts';

describe('approvals route', () => {
  it('lists previews waiting for approval with the link that applies each', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('harbour-view'));
    const preview = controlPlane.seedOperation('harbour-view', 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet('harbour-view'),
    });
    const res = await app.request('/v1/approvals', { headers: auth('read-token') });
    expect(res.status).toBe(200);
    const { items } = await readJson(res);
    expect(items).toEqual([
      expect.objectContaining({
        preview: expect.objectContaining({ id: preview.id }),
        apply: `/v1/operations/${preview.id}/apply`,
      }),
    ]);
  });

  it('requires a token', async () => {
    const { app } = buildApp();
    expect((await app.request('/v1/approvals')).status).toBe(401);
  });
});
