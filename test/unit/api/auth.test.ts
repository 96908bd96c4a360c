import { describe, expect, it } from 'vitest';
import { grants, requireScope, tokenAuth } from '../../../api/middleware/auth.ts';
import { auth, buildApp, jsonRequest, readJson, testPropertyInput } from './harness.ts';

describe('token auth', () => {
  it('answers 401 with a Bearer challenge when no token is sent', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/properties');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="blkshp"');
    expect(await readJson(res)).toMatchObject({
      code: 'BLKSHP_UNAUTHENTICATED',
      type: 'urn:blkshp:problem:unauthenticated',
    });
  });

  it.each([
    ['an unknown token', 'Bearer nope'],
    ['a malformed header', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 invalid_token for %s and records it in the audit trail', async (_, header) => {
    const { app, controlPlane } = buildApp();
    const res = await app.request('/v1/properties', { headers: { authorization: header } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(controlPlane.auditLog.at(-1)).toMatchObject({
      action: 'api.denied',
      result: 'invalid token',
      detail: 'GET /v1/properties',
    });
  });

  it('answers 403 (not 401) when the token lacks the scope, and audits it', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const res = await app.request('/v1/properties/alpha-inn/preview', {
      method: 'POST',
      headers: auth('read-token'),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await readJson(res)).toMatchObject({ code: 'BLKSHP_FORBIDDEN', status: 403 });
    expect(controlPlane.auditLog.at(-1)).toMatchObject({
      actor: 'token:r1',
      result: 'missing scope plan',
    });
  });

  it.each([
    ['GET', '/v1/properties', 'read-token', 200],
    ['GET', '/v1/operations', 'read-token', 200],
    ['GET', '/v1/tiers', 'read-token', 200],
    ['GET', '/v1/audit', 'read-token', 200],
    ['POST', '/v1/properties/alpha-inn/preview', 'read-token', 403],
    ['POST', '/v1/properties/alpha-inn/preview', 'plan-token', 202],
    ['POST', '/v1/properties/alpha-inn/refresh', 'plan-token', 202],
    ['POST', '/v1/properties/alpha-inn/drift-check', 'plan-token', 202],
    ['DELETE', '/v1/properties/alpha-inn', 'plan-token', 403],
    ['DELETE', '/v1/properties/alpha-inn', 'apply-token', 202],
    ['POST', '/v1/operations/op_1/apply', 'plan-token', 403],
    ['POST', '/v1/operations/op_1/apply', 'apply-token', 202],
    ['POST', '/v1/operations/op_2/cancel', 'plan-token', 403],
    ['POST', '/v1/operations/op_2/cancel', 'apply-token', 202],
    ['PUT', '/v1/schedules/default', 'apply-token', 403],
    ['PUT', '/v1/schedules/default', 'admin-token', 501],
  ])('%s %s with %s answers %i', async (method, path, token, status) => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    controlPlane.seedOperation('alpha-inn', 'preview', { status: 'succeeded' });
    controlPlane.seedOperation('alpha-inn', 'refresh', { status: 'running' });
    const init =
      method === 'PUT'
        ? jsonRequest(method, token, { cron: '0 3 * * *' })
        : { method, headers: auth(token) };
    const res = await app.request(path, init);
    expect(res.status).toBe(status);
  });

  it('passes the token as actor token:<id> on channel api', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    await app.request('/v1/properties/alpha-inn/preview', {
      method: 'POST',
      headers: auth('admin-token'),
    });
    const call = controlPlane.calls.find((c) => c.method === 'preview');
    expect(call?.args[1]).toEqual({ id: 'token:x1', channel: 'api' });
  });

  it('accepts the dashboard cookie for reads but not for changes', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const cookie = { cookie: 'blkshp_token=admin-token' };
    const read = await app.request('/v1/properties', { headers: cookie });
    expect(read.status).toBe(200);
    const change = await app.request('/v1/properties/alpha-inn/preview', {
      method: 'POST',
      headers: cookie,
    });
    expect(change.status).toBe(401);
  });

  it('leaves health probes and the docs open', async () => {
    const { app } = buildApp();
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']) {
      expect((await app.request(path)).status, path).toBe(200);
    }
  });
});

describe('auth factories', () => {
  it('refuse bad options at once', () => {
    expect(() => tokenAuth({} as never)).toThrow(/verifyToken/);
    expect(() => requireScope('root' as never)).toThrow(/unknown scope/);
  });

  it.each([
    [['read'], 'plan', false],
    [['plan'], 'read', true],
    [['apply'], 'plan', true],
    [['apply'], 'admin', false],
    [['admin'], 'apply', true],
    [['bogus'], 'read', false],
  ] as const)('scopes %j grant %s: %s', (held, needed, expected) => {
    expect(grants(held, needed)).toBe(expected);
  });
});
