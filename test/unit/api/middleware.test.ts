import { describe, expect, it } from 'vitest';
import { IdempotencyStore, storedIdempotencyKeys } from '../../../api/middleware/idempotency.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';
import { auth, buildApp, jsonRequest, readJson, testPropertyInput } from './harness.ts';

describe('Idempotency-Key', () => {
  it('replays the stored response for the same key and body without queuing twice', async () => {
    const { app, controlPlane } = buildApp();
    const input = testPropertyInput('alpha-inn');
    const headers = { 'idempotency-key': 'add-alpha-1' };
    const first = await app.request(
      '/v1/properties',
      jsonRequest('POST', 'plan-token', input, headers),
    );
    const second = await app.request(
      '/v1/properties',
      jsonRequest('POST', 'plan-token', input, headers),
    );
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(await readJson(second)).toEqual(await readJson(first));
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(controlPlane.calls.filter((c) => c.method === 'addProperty')).toHaveLength(1);
  });

  it('with keys in the database, a retry that reaches another replica gets the first answer', async () => {
    const repo = await SqliteRepository.open(':memory:');
    await repo.migrate();
    try {
      const keys = storedIdempotencyKeys(repo);
      const first = buildApp({ idempotencyKeys: keys });
      const second = buildApp({ idempotencyKeys: keys });
      const headers = { 'idempotency-key': 'add-alpha-2' };
      const input = testPropertyInput('alpha-inn');
      const request = () => jsonRequest('POST', 'plan-token', input, headers);
      const answered = await first.app.request('/v1/properties', request());
      const replayed = await second.app.request('/v1/properties', request());
      expect(replayed.status).toBe(202);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(await readJson(replayed)).toEqual(await readJson(answered));
      expect(second.controlPlane.calls.filter((c) => c.method === 'addProperty')).toHaveLength(0);
      // The same key with another body is still refused, wherever it lands.
      const other = jsonRequest('POST', 'plan-token', testPropertyInput('beta-inn'), headers);
      expect((await second.app.request('/v1/properties', other)).status).toBe(409);
    } finally {
      await repo.close();
    }
  });

  it('answers 409 when the same key comes back with a different body', async () => {
    const { app } = buildApp();
    const headers = { 'idempotency-key': 'add-1' };
    await app.request(
      '/v1/properties',
      jsonRequest('POST', 'plan-token', testPropertyInput('alpha-inn'), headers),
    );
    const res = await app.request(
      '/v1/properties',
      jsonRequest('POST', 'plan-token', testPropertyInput('beta-inn'), headers),
    );
    expect(res.status).toBe(409);
    expect(await readJson(res)).toMatchObject({ code: 'BLKSHP_CONFLICT' });
  });

  it('keeps keys apart per token', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const send = (token: string) =>
      app.request('/v1/properties/alpha-inn/preview', {
        method: 'POST',
        headers: auth(token, { 'idempotency-key': 'same' }),
      });
    const a = await readJson(await send('plan-token'));
    const b = await readJson(await send('apply-token'));
    expect(a.operationId).not.toBe(b.operationId);
  });

  it('does not keep a failed answer, so a retry runs for real', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    const original = controlPlane.preview.bind(controlPlane);
    controlPlane.preview = async () => {
      throw new Error('boom');
    };
    const send = () =>
      app.request('/v1/properties/alpha-inn/preview', {
        method: 'POST',
        headers: auth('plan-token', { 'idempotency-key': 'retry-me' }),
      });
    expect((await send()).status).toBe(500);
    controlPlane.preview = original;
    expect((await send()).status).toBe(202);
  });

  it('evicts the least recently used key and expires keys after the TTL', () => {
    let now = 0;
    const store = new IdempotencyStore({ maxEntries: 2, ttlMs: 1000, now: () => now });
    store.reserve('a', 'fa');
    store.reserve('b', 'fb');
    store.get('a');
    store.reserve('c', 'fc');
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')?.fingerprint).toBe('fa');
    now = 1001;
    expect(store.get('a')).toBeUndefined();
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a token has spent its bucket', async () => {
    const { app } = buildApp({ rateLimit: { capacity: 3, refillPerSecond: 0.5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await app.request('/v1/properties', { headers: auth('read-token') });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('2');
        expect(await readJson(res)).toMatchObject({ code: 'BLKSHP_RATE_LIMITED', status: 429 });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const other = await app.request('/v1/properties', { headers: auth('plan-token') });
    expect(other.status).toBe(200);
  });
});

describe('secure headers and request id', () => {
  it('sets secure headers and a CSP on every answer', async () => {
    const { app } = buildApp();
    const res = await app.request('/v1/properties', { headers: auth('read-token') });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('issues a request id, and echoes one the client sent', async () => {
    const { app } = buildApp();
    const fresh = await app.request('/healthz');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await app.request('/healthz', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc-123');
  });

  it('puts the request id into the log lines of that request', async () => {
    const lines: Record<string, unknown>[] = [];
    const { default: pino } = await import('pino');
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    const { app } = buildApp({ logger });
    await app.request('/healthz', { headers: { 'x-request-id': 'trace-xyz' } });
    expect(lines).toContainEqual(
      expect.objectContaining({ requestId: 'trace-xyz', route: '/healthz', status: 200 }),
    );
  });
});
