import { describe, expect, it } from 'vitest';
import { BlkshpError, ERROR_CODES } from '../../../infra/errors.ts';
import { auth, buildApp, jsonRequest, readJson, testPropertyInput } from './harness.ts';

const PROBLEM_KEYS = ['code', 'detail', 'issues', 'requestId', 'status', 'title', 'type'];

describe('validation errors and problem+json', () => {
  it('reports every invalid field of a new property with its path', async () => {
    const { app, controlPlane } = buildApp();
    const input = testPropertyInput('alpha-inn', { cloud: 'azure', alertEmails: ['nope'] });
    const res = await app.request('/v1/properties', jsonRequest('POST', 'plan-token', input));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await readJson(res);
    expect(Object.keys(body).sort()).toEqual(PROBLEM_KEYS);
    expect(body).toMatchObject({
      type: 'urn:blkshp:problem:invalid-input',
      title: 'Invalid input',
      status: 400,
      code: 'BLKSHP_INVALID_INPUT',
    });
    const fields = body.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['cloud', 'alertEmails.0']));
    expect(controlPlane.calls.some((c) => c.method === 'addProperty')).toBe(false);
  });

  it('names the query parameter that is wrong', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/operations?status=sleeping&limit=0', {
      headers: auth('read-token'),
    });
    expect(res.status).toBe(400);
    const fields = (await readJson(res)).issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(['query.status', 'query.limit']);
  });

  it('rejects a path parameter that is not a slug', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/properties/Not_A_Slug', { headers: auth('read-token') });
    expect(res.status).toBe(400);
    expect((await readJson(res)).issues[0].field).toBe('param.slug');
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/properties', {
      method: 'POST',
      headers: auth('plan-token', { 'content-type': 'application/json' }),
      body: '{"slug":',
    });
    expect(res.status).toBe(400);
    expect(await readJson(res)).toMatchObject({ code: 'BLKSHP_INVALID_INPUT' });
  });

  it('answers a body sent as the wrong media type with 415', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/properties', {
      method: 'POST',
      headers: auth('plan-token', { 'content-type': 'text/plain' }),
      body: 'slug=alpha',
    });
    expect(res.status).toBe(415);
    expect(await readJson(res)).toMatchObject({ code: 'BLKSHP_UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers a body over 1 MB with 413', async () => {
    const { app } = buildApp();
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    const res = await app.request('/v1/properties', {
      method: 'POST',
      headers: auth('plan-token', { 'content-type': 'application/json' }),
      body: big,
    });
    expect(res.status).toBe(413);
    expect(await readJson(res)).toMatchObject({ code: 'BLKSHP_PAYLOAD_TOO_LARGE' });
  });

  it('passes a BlkshpError from the control plane through with its code and issues', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.listProperties = async () => {
      throw new BlkshpError(ERROR_CODES.engineUnavailable, 'The engine is not installed');
    };
    const res = await app.request('/v1/properties', { headers: auth('read-token') });
    expect(res.status).toBe(503);
    expect(await readJson(res)).toMatchObject({
      code: 'BLKSHP_ENGINE_UNAVAILABLE',
      detail: 'The engine is not installed',
    });
  });

  it('hides an unexpected error behind a generic 500 that quotes the request id', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.listProperties = async () => {
      throw new Error('SQLITE_CORRUPT at /var/lib/blkshp/db.sqlite line 42');
    };
    const res = await app.request('/v1/properties', { headers: auth('read-token') });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('SQLITE');
    expect(text).not.toContain('/var/lib');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    const body = JSON.parse(text);
    expect(body.code).toBe('BLKSHP_INTERNAL');
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers an unknown route with a 404 problem', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/nothing-here', { headers: auth('read-token') });
    expect(res.status).toBe(404);
    expect(await readJson(res)).toMatchObject({ code: 'BLKSHP_NOT_FOUND' });
  });

  it('maps a not-found refusal to 404, keeping the refusal code', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const res = await app.request('/v1/operations/op_404/apply', {
      method: 'POST',
      headers: auth('apply-token'),
    });
    expect(res.status).toBe(404);
    expect(await readJson(res)).toMatchObject({ code: 'BLKSHP_NOT_FOUND', refusal: 'not-found' });
  });
});
