import { describe, expect, it } from 'vitest';
import { auth, buildApp, readJson, testPropertyInput } from './harness.ts';

describe('health, readiness and metrics', () => {
  it('says the process is up with its version', async () => {
    const { app } = buildApp();
    expect(await readJson(await app.request('/healthz'))).toEqual({
      status: 'ok',
      version: '0.0.0-test',
    });
  });

  it('answers 503 naming the dependency that is down', async () => {
    const { app } = buildApp({
      readiness: async () => ({
        database: { ok: true },
        engine: { ok: false, detail: 'pulumi not found' },
      }),
    });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await readJson(res)).toMatchObject({
      status: 'unavailable',
      checks: { engine: { ok: false, detail: 'pulumi not found' } },
    });
  });

  it('answers 503 when the readiness check itself throws, without its text', async () => {
    const { app } = buildApp({
      readiness: async () => {
        throw new Error('ECONNREFUSED 10.0.0.5:5432');
      },
    });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('10.0.0.5');
  });

  it('exposes operations, queue depth, engine and HTTP durations to Prometheus', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'));
    controlPlane.seedOperation('alpha-inn', 'preview');
    const running = controlPlane.seedOperation('alpha-inn', 'apply', {
      status: 'running',
      startedAt: new Date(Date.now() - 42_000).toISOString(),
    });
    controlPlane.finish(running.id, 'succeeded');
    await app.request('/v1/properties', { headers: auth('read-token') });
    await app.request('/v1/properties/alpha-inn', { headers: auth('read-token') });

    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('blkshp_queue_depth 1');
    expect(text).toContain('blkshp_operations{kind="preview",status="queued"} 1');
    expect(text).toContain('blkshp_operations_finished_total{kind="apply",status="succeeded"} 1');
    expect(text).toMatch(
      /blkshp_engine_run_duration_seconds_bucket\{kind="apply",status="succeeded",le="60"\} 1/,
    );
    expect(text).toContain(
      'blkshp_http_request_duration_seconds_count' +
        '{route="/v1/properties/:slug",method="GET",status="200"} 1',
    );
    // Every line is a comment or `name{labels} value`.
    for (const line of text.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) .+|[a-z_]+(\{.*\})? [0-9.e+-]+)$/);
    }
  });
});

describe('OpenAPI document and docs page', () => {
  it('serves an OpenAPI 3.1 document of every /v1 route with its scope', async () => {
    const { app } = buildApp();
    const doc = await readJson(await app.request('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/properties',
        '/v1/properties/{slug}',
        '/v1/properties/{slug}/preview',
        '/v1/operations/{id}/events',
        '/v1/operations/{id}/apply',
        '/v1/tiers',
        '/v1/audit',
        '/v1/schedules/{scope}',
      ]),
    );
    expect(doc.paths['/v1/operations/{id}/apply'].post.security).toEqual([
      { bearerAuth: ['apply'] },
    ]);
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
    const body = doc.paths['/v1/properties'].post.requestBody.content['application/json'].schema;
    expect(body.$ref).toBe('#/components/schemas/PropertySpecInput');
    expect(doc.components.schemas.PropertySpecInput.required).toContain('slug');
  });

  it('renders the docs page from that document, with no external assets', async () => {
    const { app } = buildApp();
    const res = await app.request('/docs');
    const html = await res.text();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('/v1/operations/{id}/apply');
    expect(html).toContain('Apply exactly what a succeeded preview showed');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});
