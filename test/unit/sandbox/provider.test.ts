import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Provider } from '@pulumi/pulumi/provider/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secret, UNKNOWN } from '../../../sandbox/model.ts';
import { createSandboxProvider, parseUrn } from '../../../sandbox/provider.ts';
import { readStackFile } from '../../../sandbox/store.ts';

const urn = (type: string, name: string, stack = 'hotel-a') =>
  `urn:pulumi:${stack}::blkshp-property::${type}::${name}`;

const DROPLET = 'digitalocean:index/droplet:Droplet';
const GCP_INSTANCE = 'gcp:compute/instance:Instance';
const SG = 'aws:ec2/securityGroup:SecurityGroup';

let dir: string;
let provider: Required<
  Pick<Provider, 'check' | 'diff' | 'create' | 'read' | 'update' | 'delete' | 'invoke'>
>;

function make(pkg: 'digitalocean' | 'gcp' | 'aws') {
  return createSandboxProvider({ pkg, version: '1.2.3', dir: () => dir }) as typeof provider;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-provider-'));
  provider = make('digitalocean');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseUrn', () => {
  it('takes the stack, the type of a child resource and a name that holds colons', () => {
    expect(parseUrn('urn:pulumi:s1::proj::my:comp$aws:ec2/vpc:Vpc::a::b')).toEqual({
      stack: 's1',
      project: 'proj',
      type: 'aws:ec2/vpc:Vpc',
      name: 'a::b',
    });
  });
});

describe('check', () => {
  it('applies the defaults the program reads, without overriding what it set', async () => {
    const { inputs } = await provider.check(urn(DROPLET, 'web'), {}, { size: 's', ipv6: true });
    expect(inputs).toMatchObject({ size: 's', ipv6: true, monitoring: false, backups: false });
  });

  it('auto-names once and keeps the name on later checks', async () => {
    const aws = make('aws');
    const first = await aws.check(urn(SG, 'web-sg'), {}, { description: 'd' });
    expect(first.inputs.name).toMatch(/^web-sg-[0-9a-f]{7}$/);
    const again = await aws.check(urn(SG, 'web-sg'), first.inputs, { description: 'e' });
    expect(again.inputs.name).toBe(first.inputs.name);
    const explicit = await aws.check(urn(SG, 'web-sg'), first.inputs, { name: 'mine' });
    expect(explicit.inputs.name).toBe('mine');
  });
});

describe('diff', () => {
  const olds = { region: 'nyc3', size: 's-1vcpu-1gb', image: 'ubuntu', ipv4Address: '203.0.113.9' };

  it('leaves "changes" to the engine and names no replacement for an in-place change', async () => {
    const result = await provider.diff('1', urn(DROPLET, 'web'), olds, { ...olds, size: 'big' });
    expect(result.changes).toBeUndefined();
    expect(result.replaces).toEqual([]);
    expect(result.deleteBeforeReplace).toBe(false);
  });

  it.each([
    ['region', 'ams3'],
    ['image', 'debian'],
  ])('replaces a droplet whose %s changes', async (key, value) => {
    const result = await provider.diff('1', urn(DROPLET, 'web'), olds, { ...olds, [key]: value });
    expect(result.replaces).toEqual([key]);
  });

  it('replaces when a force-new input is unknown during preview', async () => {
    const result = await provider.diff('1', urn(DROPLET, 'web'), olds, {
      ...olds,
      image: UNKNOWN,
    });
    expect(result.replaces).toEqual(['image']);
  });

  it('does not replace when the program leaves out an input the cloud filled in', async () => {
    const gcp = make('gcp');
    const old = { name: 'app', zone: 'us-central1-a', machineType: 'e2-small' };
    const result = await gcp.diff('x', urn(GCP_INSTANCE, 'app'), old, { name: 'app' });
    expect(result.replaces).toEqual([]);
  });

  it('deletes first when a replacement keeps a name the cloud holds unique', async () => {
    const gcp = make('gcp');
    const old = { name: 'app', zone: 'us-central1-a' };
    const result = await gcp.diff('x', urn(GCP_INSTANCE, 'app'), old, {
      name: 'app',
      zone: 'us-central1-b',
    });
    expect(result).toEqual({ replaces: ['zone'], deleteBeforeReplace: true });
  });

  it('compares secrets by value and objects regardless of key order', async () => {
    const result = await provider.diff(
      '1',
      urn(DROPLET, 'web'),
      { userData: 'x', sshKeys: [{ a: 1, b: 2 }] },
      { userData: secret('x'), sshKeys: [{ b: 2, a: 1 }] },
    );
    expect(result.replaces).toEqual([]);
  });
});

describe('create, read, update, delete', () => {
  it('creates a droplet with a numeric id and the addresses programs read', async () => {
    const { id, outs } = await provider.create(urn(DROPLET, 'web'), {
      region: 'nyc3',
      size: 's-2vcpu-4gb',
    });
    expect(id).toMatch(/^\d{9}$/);
    expect(outs).toMatchObject({
      region: 'nyc3',
      size: 's-2vcpu-4gb',
      urn: `do:droplet:${id}`,
      ipv4Address: expect.stringMatching(/^203\.0\.113\.\d+$/),
      ipv4AddressPrivate: expect.stringMatching(/^10\.110\./),
      vcpus: 2,
      memory: 4096,
    });
    const file = await readStackFile(dir, 'hotel-a', 'digitalocean');
    expect(file.resources).toHaveLength(1);
  });

  it('gives GCP resources their path id and self link', async () => {
    const gcp = make('gcp');
    const { id, outs } = await gcp.create(urn(GCP_INSTANCE, 'app'), {
      name: 'app-1',
      zone: 'europe-west1-b',
      networkInterfaces: [{ network: 'default', accessConfigs: [{}] }],
    });
    expect(id).toBe('projects/blkshp-sandbox/zones/europe-west1-b/instances/app-1');
    expect(outs.selfLink).toBe(`https://www.googleapis.com/compute/v1/${id}`);
    expect(outs.networkInterfaces[0].networkIp).toMatch(/^10\.128\./);
    expect(outs.networkInterfaces[0].accessConfigs[0].natIp).toMatch(/^203\.0\.113\./);
  });

  it('gives AWS resources prefixed ids and ARNs', async () => {
    const aws = make('aws');
    const { id, outs } = await aws.create(urn(SG, 'web-sg'), { name: 'web', vpcId: 'vpc-1' });
    expect(id).toMatch(/^sg-0[0-9a-f]{16}$/);
    expect(outs.arn).toBe(`arn:aws:ec2:us-east-1:123456789012:security-group/${id}`);
  });

  it('refuses a second resource with a name the cloud keeps unique', async () => {
    const aws = make('aws');
    await aws.create(urn(SG, 'a'), { name: 'web', vpcId: 'vpc-1' });
    await expect(aws.create(urn(SG, 'b'), { name: 'web', vpcId: 'vpc-1' })).rejects.toThrow(
      /already exists/,
    );
  });

  it('reads back what the store holds now, and an empty id once it is gone', async () => {
    const { id } = await provider.create(urn(DROPLET, 'web'), { size: 's-1vcpu-1gb' });
    const read = await provider.read(id, urn(DROPLET, 'web'), {});
    expect(read).toMatchObject({ id, inputs: { size: 's-1vcpu-1gb' } });
    await provider.delete(id, urn(DROPLET, 'web'), {});
    expect(await provider.read(id, urn(DROPLET, 'web'), {})).toEqual({ id: '', props: {} });
  });

  it('keeps assigned addresses across an update and follows the new size', async () => {
    const u = urn(DROPLET, 'web');
    const { id, outs } = await provider.create(u, { size: 's-1vcpu-1gb' });
    const { outs: updated } = await provider.update(id, u, outs, { size: 's-4vcpu-8gb' });
    expect(updated).toMatchObject({ ipv4Address: outs.ipv4Address, vcpus: 4, memory: 8192 });
    const read = await provider.read(id, u, {});
    expect(read.inputs).toEqual({ size: 's-4vcpu-8gb' });
  });

  it('fails an update of a resource deleted out of band', async () => {
    await expect(provider.update('42', urn(DROPLET, 'web'), {}, {})).rejects.toThrow(/refresh/);
  });

  it('falls back to a random id and echoed inputs for a type without a table entry', async () => {
    const u = urn('digitalocean:index/kubernetesCluster:KubernetesCluster', 'k8s');
    const { id, outs } = await provider.create(u, { region: 'nyc3' });
    expect(id).toMatch(/^sandbox-[0-9a-f]{12}$/);
    expect(outs).toEqual({ region: 'nyc3' });
  });

  it('keeps one namespace per stack', async () => {
    await provider.create(urn(DROPLET, 'web', 'hotel-a'), {});
    await provider.create(urn(DROPLET, 'web', 'hotel-b'), {});
    expect((await readStackFile(dir, 'hotel-a', 'digitalocean')).resources).toHaveLength(1);
    expect((await readStackFile(dir, 'hotel-b', 'digitalocean')).resources).toHaveLength(1);
  });

  it('survives many concurrent creates without losing a record', async () => {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => provider.create(urn(DROPLET, `web-${i}`), {})),
    );
    expect((await readStackFile(dir, 'hotel-a', 'digitalocean')).resources).toHaveLength(25);
  });
});

describe('invoke', () => {
  it.each([
    ['aws', 'aws:ec2/getAmi:getAmi', { mostRecent: true }, { id: expect.stringMatching(/^ami-/) }],
    [
      'aws',
      'aws:index/getAvailabilityZones:getAvailabilityZones',
      {},
      { names: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
    ],
    [
      'gcp',
      'gcp:compute/getZones:getZones',
      { region: 'europe-west1' },
      { names: expect.any(Array) },
    ],
    [
      'gcp',
      'gcp:compute/getImage:getImage',
      { family: 'debian-12', project: 'debian-cloud' },
      { selfLink: expect.stringContaining('/projects/debian-cloud/global/images/debian-12') },
    ],
    ['digitalocean', 'digitalocean:index/getImage:getImage', { slug: 'x' }, { slug: 'x' }],
  ] as const)('answers %s %s plausibly', async (pkg, token, args, expected) => {
    const { outputs } = await make(pkg).invoke(token, args);
    expect(outputs).toMatchObject(expected);
  });

  it('echoes the arguments of a data source it does not know', async () => {
    const { outputs } = await make('aws').invoke('aws:ec2/getVpcs:getVpcs', { tags: { a: 'b' } });
    expect(outputs).toMatchObject({ tags: { a: 'b' } });
  });
});
