import { describe, expect, it } from 'vitest';
import { changeSetView } from '../../../bot/views/changeset.ts';
import { changeSetDiffText } from '../../../bot/views/diff-text.ts';
import { LIMITS } from '../../../bot/views/limits.ts';
import type { ChangeSet, ResourceChange } from '../../../infra/changes/model.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';

const PULUMI_SECRET = { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270' };

function operation(overrides: Partial<Operation> = {}): Operation {
  return {
    id: 'op_1',
    property: 'grand-hotel',
    kind: 'preview',
    status: 'succeeded',
    priority: 'interactive',
    actor: 'slack:U1',
    channel: 'slack:C1',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    previewId: null,
    summary: '',
    changeSet: null,
    outputs: null,
    error: null,
    fingerprint: null,
    ...overrides,
  };
}

function manyResources(count: number, changesEach = 1, valueSize = 10): ChangeSet {
  const resources: ResourceChange[] = Array.from({ length: count }, (_, i) => ({
    urn: `urn:pulumi:s::p::digitalocean:index/volume:Volume::vol-${i}`,
    type: 'digitalocean:index/volume:Volume',
    name: `vol-${i}`,
    op: 'update',
    changes: Array.from({ length: changesEach }, (_, j) => ({
      path: `tags[${j}]`,
      kind: 'update' as const,
      old: 'o'.repeat(valueSize),
      new: 'n'.repeat(valueSize),
      forcesReplacement: false,
    })),
    replaceReasons: [],
    findings: [],
  }));
  return { ...sampleChangeSet('grand-hotel'), resources, counts: { update: count } };
}

function allTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allTexts);
  if (typeof value === 'object' && value !== null) {
    const own = 'text' in value && typeof value.text === 'string' ? [value.text] : [];
    return [...own, ...Object.values(value).flatMap(allTexts)];
  }
  return [];
}

describe('changeSetView', () => {
  it('shows property, operation and result, counts, cost delta, replacements and the badge', () => {
    const changeSet = sampleChangeSet('grand-hotel');
    const view = changeSetView({ operation: operation({ changeSet }), changeSet });
    const text = JSON.stringify(view.blocks);

    expect(view.blocks[0]).toMatchObject({ type: 'header' });
    expect(allTexts(view.blocks[0])[0]).toBe('grand-hotel · preview · ✅ succeeded');
    expect(text).toContain('SANDBOX');
    expect(text).toContain('1 to create, 1 to replace');
    expect(text).toContain('$24.00 → $48.00 (+$24.00 per month)');
    expect(text).toContain('Replaced');
    expect(text).toContain('because of `size`');
    expect(text).toContain('\\"s-2vcpu-4gb\\" → \\"s-4vcpu-8gb\\"');
    expect(view.truncated).toBe(false);
  });

  it('puts policy findings in their own section with the enforcement level', () => {
    const changeSet = sampleChangeSet('grand-hotel');
    changeSet.findings.push({
      policy: 'db-not-public',
      pack: 'blkshp-baseline',
      level: 'mandatory',
      message: 'The database must not have a public address',
    });
    const view = changeSetView({ operation: operation(), changeSet });
    const findings = allTexts(view.blocks).find((t) => t.startsWith('*Policy findings*'));
    expect(findings).toBeDefined();
    expect(findings).toContain('*MANDATORY* `db-not-public`');
    expect(findings).toContain('*ADVISORY* `ssh-not-open-to-world` on `fw`');
    // Mandatory first.
    expect(findings!.indexOf('MANDATORY')).toBeLessThan(findings!.indexOf('ADVISORY'));
  });

  it('leaves the badge out for a real cloud', () => {
    const changeSet = { ...sampleChangeSet('grand-hotel'), sandbox: false };
    expect(
      JSON.stringify(changeSetView({ operation: operation(), changeSet }).blocks),
    ).not.toContain('SANDBOX');
  });

  it.each([
    ['many small resources', manyResources(300)],
    ['a few resources with huge values', manyResources(40, 8, 2_000)],
    ['one resource with hundreds of changes', manyResources(1, 500, 50)],
  ])('stays within Slack limits with %s and marks the view truncated', (_, changeSet) => {
    const actions = [{ type: 'actions' as const, elements: [] }];
    const view = changeSetView({ operation: operation(), changeSet, actions });
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    expect(JSON.stringify(view.blocks).length).toBeLessThanOrEqual(LIMITS.totalChars);
    for (const text of allTexts(view.blocks)) {
      expect(text.length).toBeLessThanOrEqual(LIMITS.textChars);
    }
    expect(view.truncated).toBe(true);
    // The buttons always survive truncation.
    expect(view.blocks.at(-1)).toEqual(actions[0]);
  });

  it('says how many resources were left out of the message', () => {
    const view = changeSetView({ operation: operation(), changeSet: manyResources(300) });
    expect(view.omittedResources).toBeGreaterThan(0);
    expect(JSON.stringify(view.blocks)).toContain(`${view.omittedResources} more changed resource`);
  });

  it('never prints secret-marked values or credential-named outputs', () => {
    const changeSet = sampleChangeSet('grand-hotel');
    changeSet.resources[0]!.changes.push(
      {
        path: 'userData',
        kind: 'update',
        old: PULUMI_SECRET,
        new: PULUMI_SECRET,
        forcesReplacement: false,
      },
      { path: 'settings.dbPassword', kind: 'add', new: 'hunter2-plain', forcesReplacement: false },
    );
    const op = operation({
      kind: 'apply',
      outputs: {
        url: 'https://grand.example.com',
        adminPassword: 'correct-horse-battery',
        nested: { apiToken: 'tok-123', region: 'nyc3' },
        sealed: { ...PULUMI_SECRET, value: 'sealed-plain' },
      },
    });
    const view = changeSetView({ operation: op, changeSet });
    const text = JSON.stringify(view.blocks);
    for (const secret of ['hunter2-plain', 'correct-horse-battery', 'tok-123', 'sealed-plain']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('1b47061264138c4ac30d75fd1eb44270');
    expect(text).toContain('[secret]');
    expect(text).toContain('https://grand.example.com');
    expect(changeSetDiffText(changeSet, 'diff')).not.toContain('hunter2-plain');
  });

  it('shows the operation error and no resources for a failed run without a ChangeSet', () => {
    const view = changeSetView({
      operation: operation({ status: 'failed', error: 'The engine <crashed> & stopped' }),
      changeSet: null,
    });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('❌ failed');
    expect(text).toContain('The engine &lt;crashed&gt; &amp; stopped');
  });
});

describe('changeSetDiffText', () => {
  it('holds every changed resource, for the file upload', () => {
    const text = changeSetDiffText(manyResources(300), 'grand-hotel preview op_1');
    expect(text).toContain('vol-0');
    expect(text).toContain('vol-299');
    expect(text).toContain('SANDBOX');
  });
});
