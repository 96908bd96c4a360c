import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { parseDeploymentConfig } from '../../../programs/control-plane/config.ts';
import { deployControlPlane, REPLICA_TAG } from '../../../programs/control-plane/index.ts';
import { resolve } from './harness.ts';

interface Captured {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const PASSPHRASE = 'passphrase-SENTINEL';

function config(extra: Record<string, unknown> = {}) {
  const parsed = parseDeploymentConfig({
    region: 'fra1',
    domain: 'control.blkshp.example',
    adminCidrs: ['203.0.113.0/24'],
    sshKeys: ['3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa'],
    image: 'registry.example/blkshp@sha256:0123',
    ...extra,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

async function deploy(extra: Record<string, unknown> = {}) {
  const resources: Captured[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type.endsWith('DatabaseCluster')) {
          Object.assign(state, { privateHost: 'private-pg.db.ondigitalocean.com', port: 25060 });
        }
        if (args.type.endsWith('DatabaseUser')) state.password = 'db-pw-SENTINEL';
        if (args.type.endsWith('SpacesKey')) {
          Object.assign(state, { accessKey: 'ACCESS', secretKey: 'spaces-SENTINEL' });
        }
        if (args.type.endsWith('LoadBalancer')) state.ip = '192.0.2.10';
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    'blkshp-control-plane',
    'test',
    false,
  );
  let outputs: Record<string, unknown> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    const result = deployControlPlane(config(extra), { passphrase: pulumi.secret(PASSPHRASE) });
    outputs = { ...result };
    return outputs;
  });
  let seen = -1;
  while (seen !== resources.length) {
    seen = resources.length;
    await new Promise((r) => setTimeout(r, 30));
  }
  const byType = (suffix: string) => resources.filter((r) => r.type.endsWith(suffix));
  return { resources, outputs, byType };
}

describe('the control plane deployed to DigitalOcean (mocks)', () => {
  it('keeps Postgres on the private network, reachable from the replicas tag only', async () => {
    const { byType } = await deploy();
    const [cluster] = byType('/databaseCluster:DatabaseCluster');
    expect(cluster?.inputs).toMatchObject({ engine: 'pg', version: '17', nodeCount: 2 });
    expect(cluster?.inputs.privateNetworkUuid).toBe('vpc-id');
    const [firewall] = byType('/databaseFirewall:DatabaseFirewall');
    expect(firewall?.inputs.rules).toEqual([{ type: 'tag', value: REPLICA_TAG }]);
  });

  it('stores the state in a private, versioned bucket with a key scoped to it', async () => {
    const { byType } = await deploy();
    const [bucket] = byType('/spacesBucket:SpacesBucket');
    expect(bucket?.inputs).toMatchObject({ acl: 'private', versioning: { enabled: true } });
    const [key] = byType('/spacesKey:SpacesKey');
    expect(key?.inputs.grants).toEqual([{ bucket: bucket?.inputs.name, permission: 'readwrite' }]);
  });

  it('lets the load balancer alone reach the service port, and admins alone SSH', async () => {
    const { byType } = await deploy();
    const [firewall] = byType('/firewall:Firewall');
    expect(firewall?.inputs.inboundRules).toEqual([
      { protocol: 'tcp', portRange: '8080', sourceLoadBalancerUids: ['lb-id'] },
      { protocol: 'tcp', portRange: '22', sourceAddresses: ['203.0.113.0/24'] },
    ]);
    const noSsh = await deploy({ adminCidrs: [] });
    const [closed] = noSsh.byType('/firewall:Firewall');
    expect(closed?.inputs.inboundRules).toHaveLength(1);
    const [lb] = byType('/loadBalancer:LoadBalancer');
    expect(lb?.inputs).toMatchObject({
      redirectHttpToHttps: true,
      healthcheck: { port: 8080, protocol: 'http', path: '/healthz' },
      dropletTag: REPLICA_TAG,
    });
  });

  it('boots each replica with the shared settings and its own name, sharing no disk', async () => {
    const { byType, outputs } = await deploy({ replicas: 3 });
    const droplets = byType('/droplet:Droplet');
    expect(droplets.map((d) => d.inputs.name)).toEqual([
      'blkshp-cp-1',
      'blkshp-cp-2',
      'blkshp-cp-3',
    ]);
    // The user data carries credentials: it is a secret in the state.
    const wrapped = droplets[0]?.inputs.userData as Record<string, unknown>;
    expect(wrapped[pulumi.runtime.specialSigKey]).toBe(pulumi.runtime.specialSecretSig);
    const userData = String(wrapped.value);
    expect(userData).toContain(
      'DATABASE_URL=postgres://blkshp:db-pw-SENTINEL@private-pg.db.ondigitalocean.com:25060/blkshp?sslmode=require',
    );
    expect(userData).toContain(
      'PULUMI_BACKEND_URL=s3://blkshp-cp-state-fra1?endpoint=fra1.digitaloceanspaces.com',
    );
    // Postgres keeps the stack settings: nothing is mounted, no work directory is shared.
    expect(userData).not.toMatch(/mounts:|nfs|BLKSHP_WORKSPACES_DIR/);
    expect(byType('/nfs:Nfs')).toEqual([]);
    expect(userData).toContain('BLKSHP_REPLICA_NAME=blkshp-cp-1');
    expect(userData).toContain(`PULUMI_CONFIG_PASSPHRASE=${PASSPHRASE}`);
    // Nothing secret among the outputs.
    const shown = JSON.stringify(await Promise.all(Object.values(outputs).map(resolve)));
    expect(shown).not.toMatch(/SENTINEL/);
  });

  it('refuses a bad configuration with one line per field', () => {
    const parsed = parseDeploymentConfig({
      region: 'Frankfurt',
      domain: 'x',
      replicas: 9,
      image: '',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.field).sort()).toEqual([
      'domain',
      'image',
      'region',
      'replicas',
    ]);
  });
});
