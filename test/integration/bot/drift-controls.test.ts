/** The Remediate and Ignore controls of a drift notification, through a real Bolt app. */
import { afterEach, describe, expect, it } from 'vitest';
import { DRIFT_IGNORE_ACTION, DRIFT_REMEDIATE_ACTION } from '../../../infra/drift/slack-blocks.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { type BotHarness, privateReplies, startBot, WaitingFakeControlPlane } from './harness.ts';

const SLUG = 'grand-hotel';

describe('drift notification controls', () => {
  let harness: BotHarness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it('remediates by refreshing, then previewing for approval in the channel', async () => {
    const cp = new WaitingFakeControlPlane();
    cp.seedProperty(testPropertyInput(SLUG));
    harness = await startBot(cp);
    const response = await harness.click('U0OPERATOR', DRIFT_REMEDIATE_ACTION, SLUG);
    expect(response.status).toBe(200);
    await harness.slack.waitFor((c) => c.method === 'chat.postMessage');
    const methods = cp.calls.map((c) => c.method);
    expect(methods.indexOf('refresh')).toBeGreaterThanOrEqual(0);
    expect(methods.indexOf('preview')).toBeGreaterThan(methods.indexOf('refresh'));
  });

  it('denies remediation to a viewer', async () => {
    const cp = new WaitingFakeControlPlane();
    cp.seedProperty(testPropertyInput(SLUG));
    harness = await startBot(cp);
    await harness.click('U0NOBODY', DRIFT_REMEDIATE_ACTION, SLUG);
    await harness.slack.waitFor((c) => c.method === 'response_url');
    expect(privateReplies(harness.slack).join()).toContain('needs the *operator* role');
    expect(cp.calls.some((c) => c.method === 'refresh')).toBe(false);
  });

  it('ignores drift of a property for the chosen number of days', async () => {
    const cp = new WaitingFakeControlPlane();
    cp.seedProperty(testPropertyInput(SLUG));
    const ignored: Array<{ slug: string; days: number; actor: string }> = [];
    harness = await startBot(cp, {
      ignoreDrift: async (slug, days, actor) => {
        ignored.push({ slug, days, actor: actor.id });
        return { until: '2026-12-10T00:00:00.000Z' };
      },
    });
    await harness.click('U0OPERATOR', DRIFT_IGNORE_ACTION, `${SLUG}:7`);
    await harness.slack.waitFor((c) => c.method === 'response_url');
    expect(ignored).toEqual([{ slug: SLUG, days: 7, actor: 'slack:U0OPERATOR' }]);
    expect(privateReplies(harness.slack).join()).toContain('off until 2026-12-10');
  });
});
