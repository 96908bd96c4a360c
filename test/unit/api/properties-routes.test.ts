import { describe, expect, it } from 'vitest';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';
import { auth, buildApp, jsonRequest, readJson, testPropertyInput } from './harness.ts';

describe('properties routes', () => {
  it('creates a property and answers 202 with the first preview and a Location', async () => {
    const { app, controlPlane } = buildApp();
    const res = await app.request(
      '/v1/properties',
      jsonRequest('POST', 'plan-token', testPropertyInput('harbour-view')),
    );
    expect(res.status).toBe(202);
    const body = await readJson(res);
    expect(body).toMatchObject({
      status: 'queued',
      location: `/v1/operations/${body.operationId}`,
      events: `/v1/operations/${body.operationId}/events`,
      property: '/v1/properties/harbour-view',
    });
    expect(res.headers.get('location')).toBe(body.location);
    const add = controlPlane.calls.find((call) => call.method === 'addProperty');
    expect(add?.args[1]).toEqual({ id: 'token:p1', channel: 'api' });
  });

  it('lists properties filtered by cloud and tier', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    controlPlane.seedProperty(testPropertyInput('beta-inn', { tier: 'standard' }));
    const all = await app.request('/v1/properties', { headers: auth('read-token') });
    expect((await readJson(all)).items).toHaveLength(2);

    const res = await app.request('/v1/properties?cloud=digitalocean&tier=standard', {
      headers: auth('read-token'),
    });
    expect(res.status).toBe(200);
    const { items } = await readJson(res);
    expect(items.map((p: { spec: { slug: string } }) => p.spec.slug)).toEqual(['beta-inn']);
  });

  it('gets one property and answers 404 problem for an unknown slug', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const ok = await app.request('/v1/properties/alpha-inn', { headers: auth('read-token') });
    expect(ok.status).toBe(200);
    expect((await readJson(ok)).spec.slug).toBe('alpha-inn');

    const missing = await app.request('/v1/properties/nowhere', { headers: auth('read-token') });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await readJson(missing)).toMatchObject({ code: 'BLKSHP_NOT_FOUND', status: 404 });
  });

  it('patches the spec without filling in defaults for fields left out', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const res = await app.request(
      '/v1/properties/alpha-inn',
      jsonRequest('PATCH', 'plan-token', { tier: 'standard' }),
    );
    expect(res.status).toBe(202);
    const update = controlPlane.calls.find((call) => call.method === 'updateProperty');
    expect(update?.args.slice(0, 2)).toEqual(['alpha-inn', { tier: 'standard' }]);
  });

  it('rejects a patch that tries to change the slug', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const res = await app.request(
      '/v1/properties/alpha-inn',
      jsonRequest('PATCH', 'plan-token', { slug: 'other-inn' }),
    );
    expect(res.status).toBe(400);
    expect((await readJson(res)).code).toBe('BLKSHP_INVALID_INPUT');
  });

  it.each([
    ['preview', 'preview'],
    ['refresh', 'refresh'],
    ['drift-check', 'driftCheck'],
  ])('POST /v1/properties/{slug}/%s queues a %s and answers 202', async (verb, method) => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const res = await app.request(`/v1/properties/alpha-inn/${verb}`, {
      method: 'POST',
      headers: auth('plan-token'),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/^\/v1\/operations\/op_\d+$/);
    expect(controlPlane.calls.some((call) => call.method === method)).toBe(true);
  });

  it('DELETE queues a destroy preview', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const res = await app.request('/v1/properties/alpha-inn', {
      method: 'DELETE',
      headers: auth('apply-token'),
    });
    expect(res.status).toBe(202);
    const { operationId } = await readJson(res);
    expect(controlPlane.operations.get(operationId)?.kind).toBe('destroy');
  });

  it('answers a refusal as a 409 problem carrying the refusal code', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    controlPlane.refuseNext('busy', 'another update is running');
    const res = await app.request('/v1/properties/alpha-inn/preview', {
      method: 'POST',
      headers: auth('plan-token'),
    });
    expect(res.status).toBe(409);
    expect(await readJson(res)).toMatchObject({
      code: 'BLKSHP_CONFLICT',
      refusal: 'busy',
      detail: 'another update is running',
    });
  });

  it('shows a property with its last change set', async () => {
    const { app, controlPlane } = buildApp();
    const op = controlPlane.seedOperation('alpha-inn', 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet('alpha-inn'),
    });
    controlPlane.seedProperty(testPropertyInput('alpha-inn'), { lastOperation: op });
    const res = await app.request('/v1/properties/alpha-inn', { headers: auth('read-token') });
    expect((await readJson(res)).lastOperation.changeSet.counts).toEqual({ replace: 1, create: 1 });
  });
});
