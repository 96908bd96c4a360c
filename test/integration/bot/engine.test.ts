/**
 * End to end with the real engine in the sandbox: the Slack flow a person goes through, from
 * `/blkshp add-property` to an applied stack, with a second person approving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../../bot/views/approval.ts';
import { ADD_PROPERTY_VIEW } from '../../../bot/views/property-form.ts';
import { createTestControlPlane, type TestControlPlane } from '../../support/control-plane.ts';
import type { SlackCall } from '../../support/fake-slack.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { stackSecrets } from '../../support/stack-secrets.ts';
import { uniqueName } from '../../support/temp-dir.ts';
import { type BotHarness, CHANNEL, formValues, startBot } from './harness.ts';

const text = (call: SlackCall) => JSON.stringify(call.body);

describe('Slack to applied stack on the real engine', () => {
  let tcp: TestControlPlane;
  let harness: BotHarness;
  const slug = uniqueName('slack').slice(0, 30);

  beforeAll(async () => {
    tcp = await createTestControlPlane({ policyPackDir: null });
    harness = await startBot(tcp.controlPlane, { updateIntervalMs: 200 });
  });
  afterAll(async () => {
    await harness?.close();
    await tcp?.close();
  });

  it('takes a property from the modal to applied once a second person approves', async () => {
    // The operator opens the form and submits it.
    await harness.command('U0OPERATOR', 'add-property');
    await harness.slack.waitFor((c) => c.method === 'views.open');
    const submitted = await harness.submit(
      'U0OPERATOR',
      ADD_PROPERTY_VIEW,
      formValues(testPropertyInput(slug)),
    );
    expect(submitted.status).toBe(200);

    // The preview is posted, follows the engine, and ends with the approval buttons.
    const posted = await harness.slack.waitFor((c) => c.method === 'chat.postMessage', 30_000);
    expect(posted.body.channel).toBe(CHANNEL);
    const previewed = await harness.slack.waitFor(
      (c) => c.method === 'chat.update' && text(c).includes(APPROVE_ACTION),
      240_000,
      'the finished preview with its buttons',
    );
    expect(text(previewed)).toContain('SANDBOX');
    expect(text(previewed)).toContain('to create');
    const [preview] = await tcp.controlPlane.listOperations({ property: slug, kind: 'preview' });
    expect(preview?.status).toBe('succeeded');

    // A second person approves on that very message, which then follows the apply.
    const ts = String(previewed.body.ts);
    const clicked = await harness.click('U0APPROVER', APPROVE_ACTION, preview!.id, ts);
    expect(clicked.status).toBe(200);
    const applied = await harness.slack.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.body.ts === ts &&
        text(c).includes('· apply ·') &&
        text(c).includes('succeeded'),
      240_000,
      'the message updated to applied',
    );
    expect(text(applied)).toContain('Outputs');
    expect(text(applied)).toContain(slug);
    expect(text(applied)).toContain('Approved by <@U0APPROVER>');

    // Progress was shown on the way, in place.
    const progress = harness.slack.calls.filter(
      (c) => c.method === 'chat.update' && text(c).includes('resources'),
    );
    expect(progress.length).toBeGreaterThan(0);

    // Both people are in the audit trail under their Slack ids.
    const audit = await tcp.controlPlane.queryAudit({ property: slug });
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: 'slack:U0OPERATOR', action: 'slack.add-property' }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({
        actor: 'slack:U0APPROVER',
        action: 'slack.approve',
        result: 'accepted',
      }),
    );

    // No stack secret reached Slack.
    const everything = harness.slack.calls.map((c) => c.raw).join('\n');
    const secrets = await stackSecrets(tcp, slug);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(everything).not.toContain(secret);

    // A diff longer than a message went into the thread as a file, not into the message.
    for (const update of harness.slack.callsTo('chat.update')) {
      expect((update.body.blocks as unknown[]).length).toBeLessThanOrEqual(50);
      expect(JSON.stringify(update.body.blocks).length).toBeLessThanOrEqual(12_000);
    }
    console.info(
      `[bot e2e] uploads: ${harness.slack.callsTo('upload').length}, ` +
        `updates: ${harness.slack.callsTo('chat.update').length}`,
    );
  });
});

describe('a long diff from the real engine', () => {
  let tcp: TestControlPlane;
  let harness: BotHarness;
  const slug = uniqueName('slackbig').slice(0, 30);

  beforeAll(async () => {
    tcp = await createTestControlPlane({ policyPackDir: null });
    harness = await startBot(tcp.controlPlane, { updateIntervalMs: 200 });
  });
  afterAll(async () => {
    await harness?.close();
    await tcp?.close();
  });

  it('keeps the summary in the message and uploads the full diff as a file', async () => {
    const input = testPropertyInput(slug, {
      cloud: 'aws',
      region: 'us-east-1',
      tier: 'enterprise',
    });
    const keys = (input.sshPublicKeys as string[]).map((k) => `--ssh-key "${k}"`).join(' ');
    await harness.command(
      'U0OPERATOR',
      `add-property --slug ${slug} --name "Big Hotel" --cloud aws --region us-east-1 ` +
        `--tier enterprise --domain erp.${slug}.example.com --alert-email ops@example.com ` +
        `--admin-cidr 198.51.100.0/24 ${keys}`,
    );
    const previewed = await harness.slack.waitFor(
      (c) => c.method === 'chat.update' && text(c).includes(APPROVE_ACTION),
      240_000,
      'the finished preview',
    );
    const [preview] = await tcp.controlPlane.listOperations({ property: slug, kind: 'preview' });
    const resources = preview?.changeSet?.resources.length ?? 0;
    console.info(`[bot e2e] enterprise/aws preview: ${resources} resources`);

    const blocks = previewed.body.blocks as unknown[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(12_000);
    const upload = await harness.slack.waitFor((c) => c.method === 'upload', 30_000, 'an upload');
    const lastResource = preview!.changeSet!.resources.filter((r) => r.op === 'create').at(-1)!;
    expect(upload.raw).toContain(lastResource.urn);
    const complete = await harness.slack.waitFor(
      (c) => c.method === 'files.completeUploadExternal',
    );
    expect(complete.body.thread_ts).toBe(previewed.body.ts);
  });
});
