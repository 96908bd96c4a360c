import { describe, expect, it } from 'vitest';
import { getTier, TIER_NAMES } from '../../../infra/tiers/catalog.ts';
import {
  PROPERTY_INVOKE_TOKENS,
  PROPERTY_RESOURCE_TYPES,
} from '../../../programs/property/resource-types.ts';
import { countByType, ofType, type Run, runProgram, SECRETS, specFor } from './harness.ts';

const CLOUDS = ['digitalocean', 'gcp', 'aws'] as const;
type Cloud = (typeof CLOUDS)[number];

// Resource counts per cloud and tier that define the shape of each tier.
const EXPECTED: Record<Cloud, Record<string, [number, number, number]>> = {
  digitalocean: {
    'digitalocean:index/droplet:Droplet': [1, 2, 5],
    'digitalocean:index/volume:Volume': [1, 2, 3],
    'digitalocean:index/firewall:Firewall': [1, 2, 3],
    'digitalocean:index/loadBalancer:LoadBalancer': [0, 1, 1],
    'digitalocean:index/spacesBucket:SpacesBucket': [1, 1, 2],
    'digitalocean:index/monitorAlert:MonitorAlert': [3, 3, 3],
    'digitalocean:index/dnsRecord:DnsRecord': [1, 1, 1],
  },
  gcp: {
    'gcp:compute/instance:Instance': [1, 2, 5],
    'gcp:compute/disk:Disk': [1, 2, 3],
    'gcp:compute/globalForwardingRule:GlobalForwardingRule': [0, 2, 2],
    'gcp:compute/routerNat:RouterNat': [0, 1, 1],
    'gcp:storage/bucket:Bucket': [1, 1, 2],
    'gcp:compute/resourcePolicy:ResourcePolicy': [1, 1, 1],
    'gcp:dns/recordSet:RecordSet': [1, 1, 1],
  },
  aws: {
    'aws:ec2/instance:Instance': [1, 1, 3],
    'aws:rds/instance:Instance': [0, 1, 1],
    'aws:ebs/volume:Volume': [1, 1, 1],
    'aws:lb/loadBalancer:LoadBalancer': [0, 1, 1],
    'aws:lb/listener:Listener': [0, 2, 2],
    'aws:s3/bucket:Bucket': [1, 1, 2],
    'aws:kms/key:Key': [0, 0, 1],
    'aws:cloudwatch/metricAlarm:MetricAlarm': [3, 3, 9],
  },
};

const DATA_TYPES = [
  'digitalocean:index/volume:Volume',
  'digitalocean:index/spacesBucket:SpacesBucket',
  'gcp:compute/disk:Disk',
  'gcp:storage/bucket:Bucket',
  'aws:ebs/volume:Volume',
  'aws:s3/bucket:Bucket',
  'aws:rds/instance:Instance',
  'aws:kms/key:Key',
];

const runs = new Map<string, Run>();
async function run(cloud: Cloud, tier: (typeof TIER_NAMES)[number], pci = false): Promise<Run> {
  const key = `${cloud}/${tier}/${pci}`;
  let result = runs.get(key);
  if (!result) {
    result = await runProgram(specFor(cloud, tier, pci ? { pci: true } : {}));
    runs.set(key, result);
  }
  return result;
}

const CASES = CLOUDS.flatMap((cloud) => TIER_NAMES.map((tier, i) => ({ cloud, tier, i })));

describe('property program', () => {
  it.each(CASES)('builds the $tier tier on $cloud with the expected resources', async (c) => {
    const result = await run(c.cloud, c.tier);
    const counts = countByType(result);
    for (const [type, perTier] of Object.entries(EXPECTED[c.cloud])) {
      expect({ type, count: counts[type] ?? 0 }).toEqual({ type, count: perTier[c.i] });
    }
  });

  it.each(CASES)('protects every data resource on $cloud $tier', async (c) => {
    const result = await run(c.cloud, c.tier);
    const data = result.resources.filter((r) => DATA_TYPES.includes(r.type));
    expect(data.length).toBeGreaterThan(0);
    expect(data.filter((r) => !r.protect).map((r) => r.name)).toEqual([]);
  });

  it.each(CASES)('keeps secrets out of outputs and user data on $cloud $tier', async (c) => {
    const result = await run(c.cloud, c.tier);
    const visible = JSON.stringify([result.outputs, userDataOf(result)]);
    for (const secret of Object.values(SECRETS)) expect(visible).not.toContain(secret);
    expect(Object.keys(result.outputs).sort()).toEqual(
      ['bucketName', 'databaseEndpoint', 'publicAddresses', 'summary', 'url'].sort(),
    );
  });

  it.each(CASES)('sizes machines from the tier catalog on $cloud $tier', async (c) => {
    const result = await run(c.cloud, c.tier);
    const tier = getTier(c.cloud, c.tier);
    const sizes = machineSizes(result, c.cloud);
    expect(sizes.filter((s) => s === tier.app.machine.type).length).toBeGreaterThanOrEqual(
      tier.app.count,
    );
    if (tier.database.machine) expect(sizes).toContain(tier.database.machine.type);
  });

  it.each(CLOUDS)(
    'uses exactly the resource types listed for the sandbox on %s',
    async (cloud) => {
      const seen = new Set<string>();
      const invoked = new Set<string>();
      for (const tier of TIER_NAMES) {
        for (const pci of tier === 'starter' ? [false] : [false, true]) {
          const result = await run(cloud, tier, pci);
          for (const r of result.resources) seen.add(r.type);
          for (const token of result.invokes) invoked.add(token);
        }
      }
      seen.delete('pulumi:pulumi:Stack');
      seen.delete('pulumi:providers:aws');
      const listed = PROPERTY_RESOURCE_TYPES[cloud];
      expect([...seen, ...invoked].sort()).toEqual([...listed].sort());
      expect([...invoked].sort()).toEqual([...PROPERTY_INVOKE_TOKENS[cloud]].sort());
    },
    60_000,
  );

  it('puts retention and versioning on the DigitalOcean backup bucket', async () => {
    const result = await run('digitalocean', 'standard');
    const [bucket] = ofType(result, 'digitalocean:index/spacesBucket:SpacesBucket');
    expect(bucket?.inputs).toMatchObject({
      acl: 'private',
      versioning: { enabled: true },
      lifecycleRules: [{ expiration: { days: 14 }, prefix: 'backups/' }],
    });
  });

  it('opens MariaDB on DigitalOcean only to the property droplets', async () => {
    const result = await run('digitalocean', 'standard');
    const fw = ofType(result, 'digitalocean:index/firewall:Firewall').find((f) =>
      String(f.inputs.name).endsWith('-db'),
    );
    const rules = fw?.inputs.inboundRules as Record<string, unknown>[];
    const db = rules.find((r) => r.portRange === '3306');
    expect(db?.sourceAddresses).toBeUndefined();
    expect(db?.sourceDropletIds).toHaveLength(2);
    expect(rules.find((r) => r.portRange === '22')?.sourceAddresses).toEqual([
      '203.0.113.0/24',
      '2001:db8::/48',
    ]);
  });

  it('removes public addresses from DigitalOcean droplets of a PCI property', async () => {
    const result = await run('digitalocean', 'standard', true);
    const droplets = ofType(result, 'digitalocean:index/droplet:Droplet');
    expect(droplets.map((d) => d.inputs.publicNetworking)).toEqual([false, false]);
    expect(countByType(result)['digitalocean:index/vpcNatGateway:VpcNatGateway']).toBe(1);
  });

  it('keeps the GCP database VM off public addresses and on an SSD disk', async () => {
    const result = await run('gcp', 'enterprise');
    const dbs = ofType(result, 'gcp:compute/instance:Instance').filter((i) =>
      String(i.inputs.name).includes('-db'),
    );
    expect(dbs).toHaveLength(2);
    for (const db of dbs) {
      const nics = db.inputs.networkInterfaces as { accessConfigs?: unknown[] }[];
      expect(nics[0]?.accessConfigs ?? []).toEqual([]);
      expect(db.inputs.deletionProtection).toBe(true);
    }
    const disks = ofType(result, 'gcp:compute/disk:Disk').filter((d) => d.name.startsWith('db'));
    expect(disks.map((d) => d.inputs.type)).toEqual(['pd-ssd', 'pd-ssd']);
  });

  it('makes the GCP bucket private, versioned and expiring at the retention', async () => {
    const result = await run('gcp', 'starter');
    const [bucket] = ofType(result, 'gcp:storage/bucket:Bucket');
    expect(bucket?.inputs).toMatchObject({
      publicAccessPrevention: 'enforced',
      uniformBucketLevelAccess: true,
      versioning: { enabled: true },
    });
    const rules = bucket?.inputs.lifecycleRules as { condition: { age?: number } }[];
    expect(rules[0]?.condition.age).toBe(7);
  });

  it('runs RDS for MariaDB privately, encrypted and Multi-AZ with a KMS key on enterprise', async () => {
    const result = await run('aws', 'enterprise');
    const [db] = ofType(result, 'aws:rds/instance:Instance');
    expect(db?.inputs).toMatchObject({
      engine: 'mariadb',
      engineVersion: '10.11',
      instanceClass: 'db.r6i.large',
      multiAz: true,
      publiclyAccessible: false,
      storageEncrypted: true,
      deletionProtection: true,
      kmsKeyId: 'arn:aws:mock:::kms',
    });
  });

  it('blocks public access on every AWS backup bucket', async () => {
    const result = await run('aws', 'enterprise');
    const blocks = ofType(result, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock');
    expect(blocks).toHaveLength(2);
    for (const b of blocks) {
      expect(b.inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    }
  });

  it('puts AWS app servers of a PCI property in private subnets with flow logs', async () => {
    const result = await run('aws', 'standard', true);
    const [app] = ofType(result, 'aws:ec2/instance:Instance');
    expect(app?.inputs.associatePublicIpAddress).toBe(false);
    expect(countByType(result)['aws:ec2/flowLog:FlowLog']).toBe(1);
    expect(countByType(result)['aws:ec2/natGateway:NatGateway']).toBe(1);
  });

  it('redirects HTTP to HTTPS on every load balancer', async () => {
    const aws = await run('aws', 'standard');
    const http = ofType(aws, 'aws:lb/listener:Listener').find((l) => l.inputs.port === 80);
    expect(http?.inputs.defaultActions).toMatchObject([{ type: 'redirect' }]);
    const gcp = await run('gcp', 'standard');
    const redirect = ofType(gcp, 'gcp:compute/uRLMap:URLMap').find(
      (m) => m.name === 'redirect-map',
    );
    expect(redirect?.inputs.defaultUrlRedirect).toMatchObject({ httpsRedirect: true });
    const doRun = await run('digitalocean', 'standard');
    const [lb] = ofType(doRun, 'digitalocean:index/loadBalancer:LoadBalancer');
    expect(lb?.inputs.redirectHttpToHttps).toBe(true);
  });
});

function userDataOf(result: Run): string[] {
  return result.resources.flatMap((r) => {
    const metadata = r.inputs.metadata as Record<string, unknown> | undefined;
    const value = r.inputs.userData ?? metadata?.['user-data'];
    return typeof value === 'string' ? [value] : [];
  });
}

function machineSizes(result: Run, cloud: Cloud): string[] {
  return result.resources.flatMap((r) => {
    if (cloud === 'digitalocean' && r.type.endsWith('Droplet')) return [String(r.inputs.size)];
    if (cloud === 'gcp' && r.type === 'gcp:compute/instance:Instance') {
      return [String(r.inputs.machineType)];
    }
    if (r.type === 'aws:ec2/instance:Instance') return [String(r.inputs.instanceType)];
    if (r.type === 'aws:rds/instance:Instance') return [String(r.inputs.instanceClass)];
    return [];
  });
}
