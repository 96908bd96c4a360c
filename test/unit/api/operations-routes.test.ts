import { describe, expect, it } from 'vitest';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';
import { auth, buildApp, readJson, testPropertyInput } from './harness.ts';

function seeded() {
  const built = buildApp();
  built.controlPlane.seedProperty(testPropertyInput('alpha-inn'));
  return built;
}

describe('operations routes', () => {
  it('gets one operation with its change set', async () => {
    const { app, controlPlane } = seeded();
    const op = controlPlane.seedOperation('alpha-inn', 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet('alpha-inn'),
    });
    const res = await app.request(`/v1/operations/${op.id}`, { headers: auth('read-token') });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ id: op.id, changeSet: { counts: { create: 1 } } });
  });

  it('lists operations with filters, passing a default page size', async () => {
    const { app, controlPlane } = seeded();
    controlPlane.seedOperation('alpha-inn', 'preview', { status: 'succeeded' });
    controlPlane.seedOperation('alpha-inn', 'apply', { status: 'running' });
    const res = await app.request('/v1/operations?property=alpha-inn&kind=apply', {
      headers: auth('read-token'),
    });
    const { items } = await readJson(res);
    expect(items.map((o: { kind: string }) => o.kind)).toEqual(['apply']);
    const call = controlPlane.calls.find((c) => c.method === 'listOperations');
    expect(call?.args[0]).toEqual({ property: 'alpha-inn', kind: 'apply', limit: 100 });
  });

  it('applies a succeeded preview and answers 202 naming the apply', async () => {
    const { app, controlPlane } = seeded();
    const preview = controlPlane.seedOperation('alpha-inn', 'preview', { status: 'succeeded' });
    const res = await app.request(`/v1/operations/${preview.id}/apply`, {
      method: 'POST',
      headers: auth('apply-token'),
    });
    expect(res.status).toBe(202);
    const { operationId } = await readJson(res);
    expect(controlPlane.operations.get(operationId)).toMatchObject({
      kind: 'apply',
      previewId: preview.id,
      actor: 'token:a1',
    });
  });

  it.each([
    ['stale-preview', 'The stack changed since the preview; preview again'],
    ['preview-too-old', 'The preview is older than 60 minutes'],
    ['policy-violation', 'The preview carried a mandatory policy violation'],
    ['two-person-rule', 'A PCI property needs an approver other than the requester'],
  ] as const)('answers an apply refused as %s with 409 and that code', async (code, reason) => {
    const { app, controlPlane } = seeded();
    const preview = controlPlane.seedOperation('alpha-inn', 'preview', { status: 'succeeded' });
    controlPlane.refuseNext(code, reason);
    const res = await app.request(`/v1/operations/${preview.id}/apply`, {
      method: 'POST',
      headers: auth('apply-token'),
    });
    expect(res.status).toBe(409);
    expect(await readJson(res)).toMatchObject({
      code: 'BLKSHP_CONFLICT',
      refusal: code,
      detail: reason,
    });
  });

  it('cancels a running operation and refuses to cancel a finished one', async () => {
    const { app, controlPlane } = seeded();
    const op = controlPlane.seedOperation('alpha-inn', 'apply', { status: 'running' });
    const cancel = () =>
      app.request(`/v1/operations/${op.id}/cancel`, {
        method: 'POST',
        headers: auth('apply-token'),
      });
    const first = await cancel();
    expect(first.status).toBe(202);
    expect(await readJson(first)).toMatchObject({ operationId: op.id, status: 'cancelled' });
    const again = await cancel();
    expect(again.status).toBe(409);
    expect(await readJson(again)).toMatchObject({ refusal: 'already-finished' });
  });

  it('answers 404 for an unknown operation', async () => {
    const { app } = seeded();
    const res = await app.request('/v1/operations/op_missing', { headers: auth('read-token') });
    expect(res.status).toBe(404);
  });
});

describe('catalog, audit and schedules', () => {
  it('lists tiers with monthly estimates and the date of their prices', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/tiers?cloud=aws', { headers: auth('read-token') });
    const { items } = await readJson(res);
    expect(items).toHaveLength(3);
    for (const tier of items) {
      expect(tier.cloud).toBe('aws');
      expect(tier.monthlyEstimate.totalUsd).toBeGreaterThan(0);
      expect(tier.monthlyEstimate.asOf).toMatch(/^\d{4}-\d{2}/);
    }
  });

  it('queries the audit trail with filters', async () => {
    const { app, controlPlane } = buildApp();
    await controlPlane.audit({
      actor: 'token:a1',
      channel: 'api',
      action: 'apply',
      property: 'alpha-inn',
      operationId: 'op_1',
      result: 'succeeded',
      detail: null,
    });
    const res = await app.request('/v1/audit?actor=token:a1&since=2020-01-01T00:00:00Z', {
      headers: auth('read-token'),
    });
    expect((await readJson(res)).items).toHaveLength(1);
    const bad = await app.request('/v1/audit?since=yesterday', { headers: auth('read-token') });
    expect(bad.status).toBe(400);
  });

  it('answers 501 with a problem when no schedules dependency is wired', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/schedules', { headers: auth('read-token') });
    expect(res.status).toBe(501);
    expect(await readJson(res)).toMatchObject({ code: 'BLKSHP_NOT_IMPLEMENTED' });
  });

  it('stores, validates and removes schedules through the schedules dependency', async () => {
    const stored = new Map<string, { cron: string; timezone: string }>();
    const { app, controlPlane } = buildApp({
      schedules: {
        list: async () =>
          [...stored].map(([scope, s]) => ({ scope, ...s, enabled: true, updatedAt: 'now' })),
        upsert: async (scope, cron, timezone) => {
          stored.set(scope, { cron, timezone });
          return { scope, cron, timezone, enabled: true, updatedAt: 'now' };
        },
        remove: async (scope) => stored.delete(scope),
      },
    });
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const put = (scope: string, body: unknown) =>
      app.request(`/v1/schedules/${scope}`, {
        method: 'PUT',
        headers: auth('admin-token', { 'content-type': 'application/json' }),
        body: JSON.stringify(body),
      });

    expect((await put('default', { cron: '0 3 * * *', timezone: 'Europe/Lisbon' })).status).toBe(
      200,
    );
    expect(stored.get('*')).toEqual({ cron: '0 3 * * *', timezone: 'Europe/Lisbon' });
    expect((await put('alpha-inn', { cron: '*/30 * * * *' })).status).toBe(200);
    expect(stored.get('alpha-inn')?.timezone).toBe('UTC');

    const bad = await put('default', { cron: 'every day', timezone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    const fields = (await readJson(bad)).issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(['cron', 'timezone']);
    expect((await put('no-such-inn', { cron: '0 3 * * *' })).status).toBe(404);

    const list = await app.request('/v1/schedules', { headers: auth('read-token') });
    expect((await readJson(list)).items).toHaveLength(2);
    const del = await app.request('/v1/schedules/alpha-inn', {
      method: 'DELETE',
      headers: auth('admin-token'),
    });
    expect(del.status).toBe(204);
  });
});
