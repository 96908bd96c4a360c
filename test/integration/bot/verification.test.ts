import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';
import { slashCommandBody } from '../../support/fake-slack.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { type BotHarness, CHANNEL, startBot, WaitingFakeControlPlane } from './harness.ts';

describe('Slack request verification over a real socket', () => {
  let harness: BotHarness;
  let controlPlane: WaitingFakeControlPlane;

  beforeAll(async () => {
    controlPlane = new WaitingFakeControlPlane();
    controlPlane.seedProperty(testPropertyInput('grand-hotel'));
    harness = await startBot(controlPlane);
  });
  afterAll(async () => {
    await harness?.close();
  });

  const body = () =>
    slashCommandBody({
      userId: 'U0OPERATOR',
      channelId: CHANNEL,
      text: 'preview grand-hotel',
      responseUrl: harness.slack.responseUrl('verify'),
    });

  function effects() {
    return {
      slack: harness.slack.calls.filter((c) => c.method !== 'auth.test').length,
      controlPlane: controlPlane.calls.length,
      audit: controlPlane.auditLog.length,
    };
  }

  it('rejects a request signed with the wrong secret with 401 and changes nothing', async () => {
    const before = effects();
    const response = await harness.post(body(), { forgeWith: 'not-the-signing-secret' });
    expect(response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(effects()).toEqual(before);
  });

  it('rejects a Slack request signed more than 5 minutes ago with 401', async () => {
    const before = effects();
    const stale = Math.floor(Date.now() / 1000) - 5 * 60 - 30;
    const response = await harness.post(body(), { timestamp: stale });
    expect(response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(effects()).toEqual(before);
  });

  it('rejects a request without signature headers with 401', async () => {
    const response = await fetch(harness.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body(),
    });
    expect(response.status).toBe(401);
  });

  it('accepts a signed request once and refuses its replay with 401', async () => {
    const text = body();
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await harness.post(text, { timestamp });
    expect(first.status).toBe(200);
    await harness.slack.waitFor((c) => c.method === 'chat.postMessage', 5_000, 'the preview post');
    const previews = () => controlPlane.calls.filter((c) => c.method === 'preview').length;
    expect(previews()).toBe(1);
    // Let the first request's work settle, so only the replay could add anything.
    const [operation] = await controlPlane.listOperations({ property: 'grand-hotel' });
    controlPlane.finish(operation!.id, 'succeeded', sampleChangeSet('grand-hotel'));
    await harness.slack.waitFor(
      (c) => c.method === 'chat.update' && c.raw.includes('succeeded'),
      5_000,
      'the final update',
    );

    const before = effects();
    const replay = await harness.post(text, { timestamp });
    expect(replay.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(previews()).toBe(1);
    expect(effects()).toEqual(before);
  });

  it('answers Slack’s URL verification challenge when signed', async () => {
    const challenge = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 't' });
    const response = await harness.post(challenge, { json: true });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'abc123' });
  });
});
