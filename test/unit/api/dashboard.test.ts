import { describe, expect, it } from 'vitest';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';
import { auth, buildApp, testPropertyInput } from './harness.ts';

const SAME_ORIGIN = { origin: 'http://localhost' };

describe('dashboard pages', () => {
  it('sends a visitor without a token to the login form', async () => {
    const { app } = buildApp();
    const res = await app.request('/properties/alpha-inn');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fproperties%2Falpha-inn');
  });

  it('signs in with a valid token into an HttpOnly, SameSite=Strict cookie', async () => {
    const { app } = buildApp();
    const res = await app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN },
      body: new URLSearchParams({ token: 'read-token', next: '/operations/op_1' }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/operations/op_1');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^blkshp_token=read-token;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  it.each([
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
  ])('never redirects a sign-in off-site (next=%s)', async (next, expected) => {
    const { app } = buildApp();
    const res = await app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN },
      body: new URLSearchParams({ token: 'read-token', next }).toString(),
    });
    expect(res.headers.get('location')).toBe(expected);
  });

  it('refuses a bad token at sign-in with 401 and no cookie', async () => {
    const { app } = buildApp();
    const res = await app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN },
      body: 'token=wrong',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('That token is not valid.');
  });

  it('refuses a cross-site form post', async () => {
    const { app } = buildApp();
    const res = await app.request('/login', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
      body: 'token=read-token',
    });
    expect(res.status).toBe(403);
  });

  it('shows the fleet with region, tier, drift, estimate and a SANDBOX badge', async () => {
    const { app, controlPlane } = buildApp();
    const op = controlPlane.seedOperation('alpha-inn', 'apply', { status: 'succeeded' });
    controlPlane.seedProperty(testPropertyInput('alpha-inn'), {
      lastOperation: op,
      drift: { status: 'drifted', checkedAt: '2025-01-02T03:04:05.000Z', changeSet: null },
      monthlyEstimateUsd: 61.5,
    });
    const res = await app.request('/', { headers: { cookie: 'blkshp_token=read-token' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of ['alpha-inn', 'nyc3', 'starter', 'drifted', '$61.50', 'SANDBOX']) {
      expect(html).toContain(text);
    }
    expect(html).toContain(`href="/operations/${op.id}"`);
  });

  it('offers the demo property on an empty sandbox installation to a plan token', async () => {
    const { app } = buildApp();
    const asReader = await app.request('/', { headers: auth('read-token') });
    expect(await asReader.text()).not.toContain('action="/demo"');
    const asPlanner = await app.request('/', { headers: auth('plan-token') });
    expect(await asPlanner.text()).toContain('action="/demo"');
  });

  it('creates the demo property and follows its first preview', async () => {
    const { app, controlPlane } = buildApp();
    const res = await app.request('/demo', {
      method: 'POST',
      headers: { cookie: 'blkshp_token=plan-token', ...SAME_ORIGIN },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/operations\/op_\d+$/);
    expect([...controlPlane.properties.keys()]).toEqual(['demo-harbour-inn']);
  });

  it('does not offer the demo outside sandbox mode', async () => {
    const { app } = buildApp({ sandboxMode: false });
    expect(await (await app.request('/', { headers: auth('plan-token') })).text()).not.toContain(
      'action="/demo"',
    );
    const res = await app.request('/demo', {
      method: 'POST',
      headers: { ...auth('plan-token'), ...SAME_ORIGIN },
    });
    expect(res.status).toBe(501);
  });

  it('shows a property with its spec, outputs and last change as a readable diff', async () => {
    const { app, controlPlane } = buildApp();
    controlPlane.seedProperty(testPropertyInput('alpha-inn'), {
      outputs: { url: 'https://alpha-inn.example.com', appIp: '192.0.2.10' },
    });
    controlPlane.seedOperation('alpha-inn', 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet('alpha-inn'),
    });
    const html = await (
      await app.request('/properties/alpha-inn', { headers: auth('read-token') })
    ).text();
    expect(html).toContain('alpha-inn.example.com');
    expect(html).toContain('192.0.2.10');
    expect(html).toContain('&quot;s-2vcpu-4gb&quot;</code> → <code>&quot;s-4vcpu-8gb&quot;');
    expect(html).toContain('because of: size');
    expect(html).toContain('(forces replacement)');
    expect(html).toContain('ssh-not-open-to-world');
    expect(html).toContain('$24.00 → $48.00 (+$24.00)');
  });

  it('follows a running operation with a nonce script, refreshing without JS', async () => {
    const { app, controlPlane } = buildApp();
    const op = controlPlane.seedOperation('alpha-inn', 'apply', { status: 'running' });
    const res = await app.request(`/operations/${op.id}`, { headers: auth('read-token') });
    const html = await res.text();
    const nonce = /script-src 'nonce-([^']+)'/.exec(
      res.headers.get('content-security-policy') ?? '',
    )?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('<noscript><meta http-equiv="refresh" content="5"/></noscript>');
    expect(html).toContain(`data-events="/v1/operations/${op.id}/events"`);
  });

  it('shows a finished operation without the follow script', async () => {
    const { app, controlPlane } = buildApp();
    const op = controlPlane.seedOperation('alpha-inn', 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet('alpha-inn'),
    });
    const html = await (
      await app.request(`/operations/${op.id}`, { headers: auth('read-token') })
    ).text();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('http-equiv="refresh"');
    expect(html).toContain('succeeded');
  });
});

describe('dashboard errors', () => {
  it('shows a browser an error page and a script problem JSON for a missing property', async () => {
    const { app } = buildApp();
    const page = await app.request('/properties/nowhere-inn', {
      headers: { ...auth('read-token'), accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Property nowhere-inn was not found');

    const json = await app.request('/properties/nowhere-inn', { headers: auth('read-token') });
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toBe('application/problem+json');
  });
});
