import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '@pulumi/pulumi/automation/index.js';
import { describe, expect, it } from 'vitest';
import { ChangeSetBuilder, lookup } from '../../../infra/changes/builder.ts';
import { changedResources } from '../../../infra/changes/model.ts';
import { Redactor } from '../../../infra/changes/redact.ts';
import { renderChangeSetText } from '../../../infra/changes/render-text.ts';

// Event streams recorded from the real engine running against the sandbox cloud.
function recorded(name: string): EngineEvent[] {
  const path = join(import.meta.dirname, '../../fixtures/engine-events', name);
  return JSON.parse(readFileSync(path, 'utf8')) as EngineEvent[];
}

function build(events: EngineEvent[], kind: 'preview' | 'drift-check', secrets: string[] = []) {
  const builder = new ChangeSetBuilder({
    kind,
    property: 'harbour',
    sandbox: true,
    redactor: new Redactor(secrets),
  });
  for (const event of events) builder.add(event);
  return builder.build();
}

describe('ChangeSetBuilder', () => {
  it('counts every resource of a first preview as a create, without the stack itself', () => {
    const changeSet = build(recorded('sandbox-first.preview.json'), 'preview');
    const creates = changeSet.resources.filter((r) => r.op === 'create');
    expect(changeSet.counts.create).toBe(creates.length);
    expect(creates.length).toBeGreaterThan(3);
    expect(changeSet.resources.some((r) => r.type.startsWith('pulumi:'))).toBe(false);
  });

  it('reports exactly the drift a preview-only refresh found, old to new', () => {
    const changeSet = build(recorded('sandbox-drift.preview-refresh.json'), 'drift-check');
    const drifted = changedResources(changeSet);
    expect(drifted.map((r) => r.type).sort()).toEqual([
      'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
      'digitalocean:index/droplet:Droplet',
      'digitalocean:index/firewall:Firewall',
    ]);
    const droplet = drifted.find((r) => r.type.includes('droplet'));
    expect(droplet?.changes).toEqual([
      {
        path: 'size',
        kind: 'update',
        old: 's-1vcpu-1gb',
        new: 's-2vcpu-4gb',
        forcesReplacement: false,
      },
    ]);
    const firewall = drifted.find((r) => r.type.includes('firewall'));
    expect(firewall?.changes[0]).toMatchObject({
      path: 'inboundRules[1]',
      kind: 'add',
      new: { portRange: '22', protocol: 'tcp', sourceAddresses: ['0.0.0.0/0'] },
    });
    const lifecycle = drifted.find((r) => r.type.includes('Lifecycle'));
    expect(lifecycle?.changes[0]).toMatchObject({ path: 'rules[0]', kind: 'delete' });
    expect(changeSet.counts.same).toBe(changeSet.resources.length - 3);
  });

  it('keeps policy findings on their resource with their enforcement level', () => {
    const urn = 'urn:pulumi:harbour::blkshp-property::digitalocean:index/firewall:Firewall::web';
    const builder = new ChangeSetBuilder({
      kind: 'preview',
      property: 'harbour',
      sandbox: true,
      redactor: new Redactor(),
    });
    builder.add({
      sequence: 1,
      timestamp: 0,
      resourcePreEvent: {
        metadata: { op: 'create', urn, type: 'digitalocean:index/firewall:Firewall', provider: '' },
      },
    });
    builder.add({
      sequence: 2,
      timestamp: 0,
      policyEvent: {
        resourceUrn: urn,
        message: 'SSH is open to the internet: allow port 22 only from adminCidrs.',
        color: 'never',
        policyName: 'no-public-ssh',
        policyPackName: 'blkshp-baseline',
        policyPackVersion: '1.0.0',
        policyPackVersionTag: '1.0.0',
        enforcementLevel: 'mandatory',
      },
    });
    const changeSet = builder.build();
    expect(changeSet.resources[0]?.findings).toEqual([
      expect.objectContaining({ policy: 'no-public-ssh', level: 'mandatory' }),
    ]);
    expect(renderChangeSetText(changeSet)).toContain('[mandatory] no-public-ssh on web');
  });

  it('never lets a known secret through to any rendered view', () => {
    const secret = 'Very-Secret-Database-Password-123';
    const events = recorded('sandbox-drift.preview-refresh.json').map((e) =>
      JSON.parse(JSON.stringify(e).replaceAll('s-2vcpu-4gb', secret)),
    ) as EngineEvent[];
    const changeSet = build(events, 'drift-check', [secret]);
    expect(JSON.stringify(changeSet)).not.toContain(secret);
    expect(renderChangeSetText(changeSet)).not.toContain(secret);
    expect(renderChangeSetText(changeSet)).toContain('[secret]');
  });
});

describe('lookup', () => {
  it.each([
    ['size', 's'],
    ['rules[1].port', 22],
    ['tags.env', 'prod'],
    ['missing.path', undefined],
  ])('reads %s', (path, expected) => {
    const value = { size: 's', rules: [{ port: 80 }, { port: 22 }], tags: { env: 'prod' } };
    expect(lookup(value, path)).toEqual(expected);
  });
});
