import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSandboxChange } from '../../../sandbox/cli.ts';
import {
  changeSandboxResource,
  deleteSandboxResource,
  listSandboxResources,
} from '../../../sandbox/console.ts';
import { createSandboxProvider } from '../../../sandbox/provider.ts';

const STACK = 'hotel-a';
const urn = (type: string, name: string) => `urn:pulumi:${STACK}::p::${type}::${name}`;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-console-'));
  const digitalocean = createSandboxProvider({ pkg: 'digitalocean', version: '1', dir: () => dir });
  const aws = createSandboxProvider({ pkg: 'aws', version: '1', dir: () => dir });
  await digitalocean.create?.(urn('digitalocean:index/firewall:Firewall', 'web-fw'), {
    inboundRules: [{ protocol: 'tcp', portRange: '443', sourceAddresses: ['0.0.0.0/0'] }],
  });
  await digitalocean.create?.(urn('digitalocean:index/droplet:Droplet', 'web'), {
    size: 's-1vcpu-1gb',
  });
  await aws.create?.(urn('aws:ec2/securityGroup:SecurityGroup', 'web'), { name: 'web-sg' });
  await aws.create?.(
    urn('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'backups-lifecycle'),
    { bucket: 'b', rules: [{ id: 'expire', status: 'Enabled' }, { id: 'archive' }] },
  );
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('changeSandboxResource', () => {
  it('opens port 22 to the world on a firewall, in inputs and outputs alike', async () => {
    const rule = { protocol: 'tcp', portRange: '22', sourceAddresses: ['0.0.0.0/0'] };
    const changed = await changeSandboxResource(
      dir,
      STACK,
      { name: 'web-fw' },
      {
        'inboundRules.+': rule,
      },
    );
    expect(changed.inputs.inboundRules).toHaveLength(2);
    expect(changed.outputs.inboundRules).toEqual(changed.inputs.inboundRules);
  });

  it('resizes a droplet picked by its short type among equal names', async () => {
    const changed = await changeSandboxResource(
      dir,
      STACK,
      { type: 'digitalocean:Droplet', name: 'web' },
      { size: 's-2vcpu-4gb' },
    );
    expect(changed.inputs.size).toBe('s-2vcpu-4gb');
    expect(changed.outputs.size).toBe('s-2vcpu-4gb');
  });

  it('removes one lifecycle rule and closes up the list', async () => {
    const changed = await changeSandboxResource(dir, STACK, { name: 'backups-lifecycle' }, {}, [
      'rules[0]',
    ]);
    expect(changed.inputs.rules).toEqual([{ id: 'archive' }]);
  });

  it('changes an attribute only the cloud reports in the outputs alone', async () => {
    const changed = await changeSandboxResource(
      dir,
      STACK,
      { type: 'Droplet', name: 'web' },
      { status: 'off' },
    );
    expect(changed.outputs.status).toBe('off');
    expect(changed.inputs.status).toBeUndefined();
  });

  it('asks for a type when a name is ambiguous, and lists what exists when unknown', async () => {
    await expect(changeSandboxResource(dir, STACK, { name: 'web' }, { a: 1 })).rejects.toThrow(
      /ambiguous/,
    );
    await expect(changeSandboxResource(dir, STACK, { name: 'nope' }, { a: 1 })).rejects.toThrow(
      /there are: .*web-fw/,
    );
  });
});

describe('deleteSandboxResource and listSandboxResources', () => {
  it('lists every package of a stack and forgets a deleted resource', async () => {
    expect(await listSandboxResources(dir, STACK)).toHaveLength(4);
    await deleteSandboxResource(dir, STACK, { name: 'web-fw' });
    const left = await listSandboxResources(dir, STACK);
    expect(left.map((r) => r.name).sort()).toEqual(['backups-lifecycle', 'web', 'web']);
    expect(await listSandboxResources(dir, 'no-such-stack')).toEqual([]);
  });
});

describe('parseSandboxChange', () => {
  it('parses JSON values, plain strings, removals and a typed selector', () => {
    expect(
      parseSandboxChange([
        'digitalocean:Firewall::web-fw',
        'inboundRules.+={"protocol":"tcp","portRange":"22"}',
        'size=s-2vcpu-4gb',
        'count=3',
        '-rules.0',
      ]),
    ).toEqual({
      selector: { type: 'digitalocean:Firewall', name: 'web-fw' },
      set: {
        'inboundRules.+': { protocol: 'tcp', portRange: '22' },
        size: 's-2vcpu-4gb',
        count: 3,
      },
      unset: ['rules.0'],
    });
  });

  it.each([[[]], [['web']], [['web', 'novalue']]])('refuses %j', (args) => {
    expect(() => parseSandboxChange(args)).toThrow();
  });
});
