/**
 * The dashboard in headless Chromium (Debian's package, driven by playwright-core) against the
 * real control plane: sign in, create the demo property from the empty fleet page, watch its
 * preview finish live, and keep a screenshot of the fleet as a test artifact.
 */
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SLUG } from '../../../infra/demo.ts';
import { type ApiUnderTest, startApiUnderTest } from './harness.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('dashboard in headless Chromium', () => {
  let api: ApiUnderTest;
  let browser: Browser;

  beforeAll(async () => {
    api = await startApiUnderTest();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('signs in, creates the demo property, follows its preview and shows the fleet', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const { url } = api.server;

    // Signing in with a plan token lands on the empty fleet with the demo button.
    await page.goto(`${url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=token]', api.tokens.plan);
    await Promise.all([page.waitForURL(`${url}/`), page.click('button[type=submit]')]);
    await page.click('text=Create the demo property');

    // The operation page follows the stream and reloads into the final state.
    await page.waitForURL(/\/operations\/[^/]+$/);
    await page.waitForSelector('#status.succeeded', { timeout: 240_000 });
    expect(await page.textContent('h2')).toContain('Changes');

    await page.goto(`${url}/`);
    const row = page.locator('tr', { hasText: DEMO_SLUG });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('SANDBOX');
    expect(await row.textContent()).toContain('nyc3');
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/fleet.png', fullPage: true });

    await page.goto(`${url}/properties/${DEMO_SLUG}`);
    expect(await page.textContent('main')).toContain('Last change');

    // The pages' script and styles run under the CSP: no violations, no script errors.
    expect(problems).toEqual([]);
  });
});
