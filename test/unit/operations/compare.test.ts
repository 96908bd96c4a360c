import { describe, expect, it } from 'vitest';
import type { ChangeSet, ResourceChange } from '../../../infra/changes/model.ts';
import { compareChangeSets } from '../../../infra/operations/compare.ts';

function resource(name: string, op: ResourceChange['op'], paths: string[] = []): ResourceChange {
  return {
    urn: `urn:pulumi:s::blkshp-property::digitalocean:index/droplet:Droplet::${name}`,
    type: 'digitalocean:index/droplet:Droplet',
    name,
    op,
    changes: paths.map((path) => ({ path, kind: 'update', forcesReplacement: false })),
    replaceReasons: [],
    findings: [],
  };
}

function changeSet(resources: ResourceChange[]): ChangeSet {
  return {
    kind: 'preview',
    property: 's',
    sandbox: true,
    resources,
    counts: {},
    findings: [],
    errors: [],
    costDelta: null,
  };
}

describe('compareChangeSets', () => {
  it('accepts the same resources, ops and changed properties', () => {
    const approved = changeSet([resource('app', 'update', ['size']), resource('db', 'same')]);
    const now = changeSet([resource('app', 'update', ['size'])]);
    expect(compareChangeSets(approved, now)).toBeNull();
  });

  it.each([
    ['another op', [resource('app', 'replace', ['size'])], 'app: replace size'],
    ['another property', [resource('app', 'update', ['image'])], 'app: update image'],
    [
      'an extra resource',
      [resource('app', 'update', ['size']), resource('x', 'create')],
      'x: create',
    ],
    ['a missing resource', [], 'app: no longer changes'],
  ])('names %s', (_label, resources, expected) => {
    const approved = changeSet([resource('app', 'update', ['size'])]);
    expect(compareChangeSets(approved, changeSet(resources))).toContain(expected);
  });
});

describe('engineErrorMessage', () => {
  it("keeps the engine's error lines and drops the progress display", async () => {
    const { engineErrorMessage } = await import('../../../infra/operations/executor.ts');
    const { Redactor } = await import('../../../infra/changes/redact.ts');
    const cliOutput = [
      'stderr: Command failed with exit code 1: pulumi preview --stack s',
      '-- gcp:compute:ResourcePolicy snapshots delete original',
      '-  aws:ebs:Volume app-data delete error: Preview failed: resource "urn:x::app-data" cannot be deleted',
      'error: preview failed',
      'password hunter2-long-secret in a line error: boom',
    ].join('\n');
    const message = engineErrorMessage(new Error(cliOutput), new Redactor(['hunter2-long-secret']));
    expect(message).toContain('app-data" cannot be deleted');
    expect(message).not.toContain('ResourcePolicy');
    expect(message).not.toContain('hunter2-long-secret');
  });
});
