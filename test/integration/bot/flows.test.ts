/**
 * Commands, buttons, modals and App Home through a real Bolt app and a real socket, against the
 * API's fake control plane (operations move only when a test finishes them).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION, CANCEL_APPROVAL_ACTION } from '../../../bot/views/approval.ts';
import { DESTROY_BLOCK, DESTROY_VIEW } from '../../../bot/views/destroy-form.ts';
import { ADD_PROPERTY_VIEW } from '../../../bot/views/property-form.ts';
import type { ChangeSet, ResourceChange } from '../../../infra/changes/model.ts';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';
import type { SlackCall } from '../../support/fake-slack.ts';
import { testPropertyInput } from '../../support/properties.ts';
import {
  type BotHarness,
  CHANNEL,
  formValues,
  privateReplies,
  startBot,
  WaitingFakeControlPlane,
} from './harness.ts';

const SLUG = 'grand-hotel';

describe('the /blkshp bot against a fake control plane', () => {
  let harness: BotHarness;
  let cp: WaitingFakeControlPlane;

  beforeEach(async () => {
    cp = new WaitingFakeControlPlane();
    cp.seedProperty(testPropertyInput(SLUG));
    harness = await startBot(cp);
  });
  afterEach(async () => {
    await harness?.close();
  });

  const finalUpdate = (status: string) =>
    harness.slack.waitFor(
      (c) => c.method === 'chat.update' && String(c.body.text).includes(status),
      5_000,
      `a chat.update saying ${status}`,
    );

  it('answers help and unknown input with the help text in the acknowledgement', async () => {
    for (const text of ['', 'help', 'frobnicate everything']) {
      const response = await harness.command('U0VIEWER', text);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { text: string };
      expect(body.text).toContain('/blkshp preview <property>');
    }
  });

  it('previews in the channel, updates progress in place, then shows the ChangeSet', async () => {
    const response = await harness.command('U0OPERATOR', `preview ${SLUG}`);
    expect(response.status).toBe(200);
    const posted = await harness.slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(posted.body.channel).toBe(CHANNEL);

    const [op] = await cp.listOperations({ property: SLUG });
    // Events before the bot subscribes are not replayed (the counts are absolute, so the next
    // event catches up); wait for the subscription to make the count below deterministic.
    await until(() => cp.listenerCount > 0);
    for (let done = 1; done <= 30; done++) {
      cp.emit({
        type: 'resource',
        operationId: op!.id,
        property: SLUG,
        urn: `urn:pulumi:${SLUG}::blkshp-property::digitalocean:index/droplet:Droplet::app-${done}`,
        resourceType: 'digitalocean:index/droplet:Droplet',
        op: 'create',
        phase: 'finished',
        done,
        total: 30,
      });
    }
    await harness.slack.waitFor(
      (c) => c.method === 'chat.update' && text(c).includes('30* of *30'),
      5_000,
      'a progress update',
    );
    cp.finish(op!.id, 'succeeded', sampleChangeSet(SLUG));
    const final = await finalUpdate('succeeded');

    expect(text(final)).toContain('SANDBOX');
    // 30 events inside a few milliseconds were coalesced into a handful of edits.
    expect(harness.slack.callsTo('chat.update').length).toBeLessThan(6);
    expect(cp.auditLog).toContainEqual(
      expect.objectContaining({
        actor: 'slack:U0OPERATOR',
        action: 'slack.preview',
        result: 'accepted',
      }),
    );
  });

  it('denies a viewer anything that changes infrastructure, and audits it', async () => {
    await harness.command('U0VIEWER', `up ${SLUG}`);
    await harness.slack.waitFor((c) => c.method === 'response_url');
    expect(privateReplies(harness.slack).join()).toContain('needs the *operator* role');
    expect(cp.calls.some((c) => c.method === 'preview')).toBe(false);
    expect(cp.auditLog).toContainEqual(
      expect.objectContaining({ actor: 'slack:U0VIEWER', action: 'slack.up', result: 'denied' }),
    );
  });

  it('refuses and audits an Approve by a user who is not an approver', async () => {
    const preview = cp.seedOperation(SLUG, 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet(SLUG),
      actor: 'slack:U0OPERATOR',
    });
    const response = await harness.click('U0OPERATOR', APPROVE_ACTION, preview.id);
    expect(response.status).toBe(200);
    await harness.slack.waitFor((c) => c.method === 'response_url');

    expect(privateReplies(harness.slack).join()).toContain('needs the *approver* role');
    expect(cp.calls.some((c) => c.method === 'apply')).toBe(false);
    expect(cp.auditLog).toContainEqual(
      expect.objectContaining({
        actor: 'slack:U0OPERATOR',
        channel: `slack:${CHANNEL}`,
        action: 'slack.approve',
        operationId: preview.id,
        result: 'denied',
      }),
    );
  });

  it('surfaces the two-person rule on the Approve button and audits the refusal', async () => {
    const preview = cp.seedOperation(SLUG, 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet(SLUG),
      actor: 'slack:U0APPROVER',
    });
    cp.refuseNext('two-person-rule', 'the requester cannot approve a PCI change');
    await harness.click('U0APPROVER', APPROVE_ACTION, preview.id);
    await harness.slack.waitFor((c) => c.method === 'response_url');

    expect(privateReplies(harness.slack).join()).toContain('someone other than the requester');
    expect(cp.auditLog).toContainEqual(
      expect.objectContaining({
        actor: 'slack:U0APPROVER',
        action: 'slack.approve',
        result: 'refused',
        detail: expect.stringContaining('two-person-rule'),
      }),
    );
  });

  it('lets an approver from a mapped user group approve, and follows the apply', async () => {
    harness.slack.usergroups.set('S0APPROVERS', ['U0GROUPIE']);
    const preview = cp.seedOperation(SLUG, 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet(SLUG),
      actor: 'slack:U0OPERATOR',
    });
    await harness.click('U0GROUPIE', APPROVE_ACTION, preview.id, '1700000042.000100');
    await harness.slack.waitFor((c) => c.method === 'chat.update', 5_000, 'the apply progress');

    const apply = (await cp.listOperations({ kind: 'apply' }))[0]!;
    expect(apply.previewId).toBe(preview.id);
    cp.operations.set(apply.id, { ...apply, outputs: { url: 'https://grand.example.com' } });
    cp.finish(apply.id, 'succeeded', { ...sampleChangeSet(SLUG), kind: 'apply' });
    const final = await finalUpdate('succeeded');
    expect(final.body.ts).toBe('1700000042.000100');
    expect(text(final)).toContain('Approved by');
    expect(harness.slack.callsTo('usergroups.users.list')).toHaveLength(1);
  });

  it('withdraws an approval request with Cancel, removing the buttons', async () => {
    const preview = cp.seedOperation(SLUG, 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet(SLUG),
    });
    await harness.click('U0OPERATOR', CANCEL_APPROVAL_ACTION, preview.id);
    const update = await harness.slack.waitFor((c) => c.method === 'chat.update');
    expect(text(update)).toContain('Cancelled by');
    expect(text(update)).not.toContain(APPROVE_ACTION);
  });

  it('opens the property form, returns errors per block, then adds and previews', async () => {
    await harness.command('U0OPERATOR', 'add-property');
    const opened = await harness.slack.waitFor((c) => c.method === 'views.open');
    expect(JSON.stringify(opened.body.view)).toContain(ADD_PROPERTY_VIEW);

    const invalid = await harness.submit('U0OPERATOR', ADD_PROPERTY_VIEW, {
      slug: { value: { type: 'plain_text_input', value: 'Bad Slug!' } },
      alertEmails: { value: { type: 'plain_text_input', value: 'not-an-email' } },
    });
    expect(invalid.status).toBe(200);
    const errors = (await invalid.json()) as {
      response_action: string;
      errors: Record<string, string>;
    };
    expect(errors.response_action).toBe('errors');
    expect(Object.keys(errors.errors)).toEqual(
      expect.arrayContaining(['slug', 'cloud', 'domain', 'alertEmails']),
    );

    const input = testPropertyInput('new-hotel');
    const valid = await harness.submit('U0OPERATOR', ADD_PROPERTY_VIEW, formValues(input));
    expect(valid.status).toBe(200);
    expect(await valid.text()).toBe('');
    await harness.slack.waitFor((c) => c.method === 'chat.postMessage', 5_000, 'the preview post');
    expect(cp.properties.has('new-hotel')).toBe(true);
  });

  it('adds a property from inline flags and reports bad flags privately', async () => {
    await harness.command('U0OPERATOR', 'add-property --slug x --cloud mars --colour blue');
    await harness.slack.waitFor((c) => c.method === 'response_url');
    const reply = privateReplies(harness.slack).join();
    expect(reply).toContain('--colour');
    expect(reply).toContain('--cloud');

    const keys = testPropertyInput('flag-hotel').sshPublicKeys as string[];
    await harness.command(
      'U0OPERATOR',
      'add-property --slug flag-hotel --name "Flag Hotel" --cloud digitalocean --region nyc3 ' +
        '--tier starter --domain erp.flag-hotel.com --alert-email ops@flag-hotel.com ' +
        `--admin-cidr 198.51.100.0/24 --ssh-key "${keys[0]}"`,
    );
    await harness.slack.waitFor((c) => c.method === 'chat.postMessage', 5_000, 'the preview post');
    expect(cp.properties.get('flag-hotel')?.spec.name).toBe('Flag Hotel');
  });

  it('lets only admins destroy, after typing the slug exactly', async () => {
    await harness.command('U0APPROVER', `destroy ${SLUG}`);
    await harness.slack.waitFor((c) => c.method === 'response_url');
    expect(privateReplies(harness.slack).join()).toContain('needs the *admin* role');
    expect(harness.slack.callsTo('views.open')).toHaveLength(0);

    await harness.command('U0ADMIN', `destroy ${SLUG}`);
    await harness.slack.waitFor((c) => c.method === 'views.open');
    const metadata = JSON.stringify({ slug: SLUG, channelId: CHANNEL });
    const typed = (value: string) => ({
      [DESTROY_BLOCK]: { value: { type: 'plain_text_input', value } },
    });

    const wrong = await harness.submit('U0ADMIN', DESTROY_VIEW, typed('grand'), metadata);
    expect(await wrong.json()).toMatchObject({ response_action: 'errors' });
    expect(cp.calls.some((c) => c.method === 'previewDestroy')).toBe(false);

    const right = await harness.submit('U0ADMIN', DESTROY_VIEW, typed(SLUG), metadata);
    expect(right.status).toBe(200);
    await harness.slack.waitFor((c) => c.method === 'chat.postMessage');
    const [op] = await cp.listOperations({ kind: 'destroy' });
    cp.finish(op!.id, 'succeeded', destroyChangeSet());
    const final = await finalUpdate('succeeded');
    expect(text(final)).toContain('"style":"danger"');
    expect(text(final)).toContain('"confirm"');
  });

  it('keeps a long diff to a summary and uploads the full diff as a file', async () => {
    await harness.command('U0OPERATOR', `preview ${SLUG}`);
    await harness.slack.waitFor((c) => c.method === 'chat.postMessage');
    const [op] = await cp.listOperations({ property: SLUG });
    cp.finish(op!.id, 'succeeded', longChangeSet(SLUG, 120));

    const final = await finalUpdate('succeeded');
    const blocks = final.body.blocks as unknown[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(12_000);
    const upload = await harness.slack.waitFor((c) => c.method === 'upload', 5_000, 'the upload');
    expect(upload.raw).toContain('resource-119');
    const complete = await harness.slack.waitFor(
      (c) => c.method === 'files.completeUploadExternal',
    );
    expect(complete.body.channel_id).toBe(CHANNEL);
    expect(complete.body.thread_ts).toBe(final.body.ts);
  });

  it('publishes App Home with the fleet and the approvals waiting for this user', async () => {
    cp.seedOperation(SLUG, 'preview', {
      status: 'succeeded',
      changeSet: sampleChangeSet(SLUG),
      actor: 'slack:U0OPERATOR',
      finishedAt: new Date().toISOString(),
      createdAt: new Date(Date.now() + 1000).toISOString(),
    });
    const response = await harness.openHome('U0APPROVER');
    expect(response.status).toBe(200);
    const published = await harness.slack.waitFor((c) => c.method === 'views.publish');
    expect(published.body.user_id).toBe('U0APPROVER');
    const view = JSON.stringify(published.body.view);
    expect(view).toContain(SLUG);
    expect(view).toContain(APPROVE_ACTION);
  });
});

/** A recorded call's parameters as JSON text (the Web API client sends forms). */
function text(call: SlackCall): string {
  return JSON.stringify(call.body);
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function longChangeSet(property: string, count: number): ChangeSet {
  const resources: ResourceChange[] = Array.from({ length: count }, (_, i) => ({
    urn: `urn:pulumi:${property}::blkshp-property::digitalocean:index/volume:Volume::resource-${i}`,
    type: 'digitalocean:index/volume:Volume',
    name: `resource-${i}`,
    op: 'update',
    changes: [{ path: 'size', kind: 'update', old: 100, new: 200 + i, forcesReplacement: false }],
    replaceReasons: [],
    findings: [],
  }));
  return { ...sampleChangeSet(property), resources, counts: { update: count } };
}

function destroyChangeSet(): ChangeSet {
  const base = sampleChangeSet(SLUG);
  return {
    ...base,
    kind: 'destroy',
    resources: base.resources.map((r) => ({ ...r, op: 'delete' as const, changes: [] })),
    counts: { delete: base.resources.length },
    costDelta: { currency: 'USD', beforeMonthly: 48, afterMonthly: 0 },
  };
}
