import { describe, expect, it } from 'vitest';
import { TIER_NAMES } from '../../../infra/tiers/catalog.ts';
import { RESOURCE_POLICIES, STACK_POLICIES } from '../../../programs/policy/policies.ts';
import { type Run, runProgram, specFor } from '../programs/harness.ts';

function violations(policyName: string, type: string, props: Record<string, unknown>): string[] {
  const policy = RESOURCE_POLICIES.find((p) => p.name === policyName);
  if (!policy) throw new Error(`no policy ${policyName}`);
  const found: string[] = [];
  const args = { type, props, urn: `urn:${type}`, name: 'x', opts: {}, stackTags: new Map() };
  policy.validateResource(args as never, (message) => found.push(message));
  return found;
}

function stackViolations(run: Run): string[] {
  const found: string[] = [];
  for (const policy of STACK_POLICIES) {
    const resources = run.resources.map((r) => ({ type: r.type, props: r.inputs, urn: r.name }));
    policy.validateStack({ resources } as never, (message) => found.push(message));
  }
  return found;
}

const TAGS = { property: 'grand-hotel', tier: 'standard', 'managed-by': 'blkshp' };

// One crafted violation per policy and cloud: [policy, type, props, words the message has].
const VIOLATIONS: [string, string, Record<string, unknown>, string][] = [
  [
    'no-public-ssh',
    'digitalocean:index/firewall:Firewall',
    { inboundRules: [{ protocol: 'tcp', portRange: '22', sourceAddresses: ['0.0.0.0/0'] }] },
    'adminCidrs',
  ],
  [
    'no-public-ssh',
    'gcp:compute/firewall:Firewall',
    { allows: [{ protocol: 'tcp', ports: ['20-30'] }], sourceRanges: ['::/0'] },
    'adminCidrs',
  ],
  [
    'no-public-ssh',
    'aws:ec2/securityGroup:SecurityGroup',
    { ingress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }] },
    'adminCidrs',
  ],
  [
    'no-public-database',
    'aws:rds/instance:Instance',
    { publiclyAccessible: true },
    'publiclyAccessible to false',
  ],
  [
    'no-public-database',
    'digitalocean:index/firewall:Firewall',
    { inboundRules: [{ protocol: 'tcp', portRange: '3306', sourceAddresses: ['::/0'] }] },
    'app network',
  ],
  [
    'no-public-database',
    'gcp:compute/firewall:Firewall',
    { allows: [{ protocol: 'tcp', ports: ['6379'] }], sourceRanges: ['0.0.0.0/0'] },
    'app network',
  ],
  [
    'private-buckets',
    'digitalocean:index/spacesBucket:SpacesBucket',
    { acl: 'public-read' },
    '"private"',
  ],
  [
    'private-buckets',
    'gcp:storage/bucket:Bucket',
    { publicAccessPrevention: 'inherited' },
    'enforced',
  ],
  [
    'private-buckets',
    'gcp:storage/bucketIAMMember:BucketIAMMember',
    { member: 'allUsers', role: 'roles/storage.objectViewer' },
    'service account',
  ],
  [
    'private-buckets',
    'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
    { blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true },
    'blockPublicPolicy, restrictPublicBuckets',
  ],
  ['encryption-at-rest', 'aws:ebs/volume:Volume', { encrypted: false }, 'encrypted to true'],
  ['encryption-at-rest', 'aws:rds/instance:Instance', {}, 'storageEncrypted'],
  [
    'encryption-at-rest',
    'aws:ec2/instance:Instance',
    { rootBlockDevice: { volumeSize: 20 } },
    'rootBlockDevice.encrypted',
  ],
  [
    'encryption-at-rest',
    'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
    { rules: [] },
    'sseAlgorithm',
  ],
  [
    'encryption-at-rest',
    'aws:ssm/parameter:Parameter',
    { name: '/blkshp/x/bootstrap', type: 'String' },
    'SecureString',
  ],
  [
    'https-redirect',
    'digitalocean:index/loadBalancer:LoadBalancer',
    { redirectHttpToHttps: false },
    'redirectHttpToHttps',
  ],
  [
    'https-redirect',
    'aws:lb/listener:Listener',
    { protocol: 'HTTP', defaultActions: [{ type: 'forward' }] },
    'redirect to HTTPS',
  ],
  [
    'tls-1-2-minimum',
    'aws:lb/listener:Listener',
    { protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-2016-08' },
    'sslPolicy',
  ],
  ['tls-1-2-minimum', 'gcp:compute/sSLPolicy:SSLPolicy', { minTlsVersion: 'TLS_1_0' }, 'TLS_1_2'],
  ['tls-1-2-minimum', 'gcp:compute/targetHttpsProxy:TargetHttpsProxy', {}, 'SSL policy'],
  [
    'tls-1-2-minimum',
    'digitalocean:index/loadBalancer:LoadBalancer',
    { redirectHttpToHttps: true, tlsCipherPolicy: 'DEFAULT' },
    'STRONG',
  ],
  [
    'no-password-ssh',
    'digitalocean:index/droplet:Droplet',
    { userData: '#cloud-config\nssh_pwauth: true\n' },
    'keys only',
  ],
  [
    'no-password-ssh',
    'gcp:compute/instance:Instance',
    {
      metadata: { 'user-data': 'write_files:\n  - content: |\n      PasswordAuthentication yes\n' },
    },
    'keys only',
  ],
  ['instance-metadata-v2', 'aws:ec2/instance:Instance', { metadataOptions: {} }, 'httpTokens'],
  [
    'baseline-tags',
    'digitalocean:index/droplet:Droplet',
    { tags: ['property:x'] },
    'tier, managed-by',
  ],
  ['baseline-tags', 'gcp:compute/disk:Disk', { labels: {} }, 'property, tier, managed-by'],
  ['baseline-tags', 'aws:ec2/vpc:Vpc', { tags: { property: 'x', tier: 'starter' } }, 'managed-by'],
  ['bucket-hygiene', 'gcp:storage/bucket:Bucket', { labels: TAGS }, 'versioning'],
  [
    'bucket-hygiene',
    'aws:s3/bucketVersioning:BucketVersioning',
    { versioningConfiguration: { status: 'Suspended' } },
    'Enabled',
  ],
];

describe('baseline policies', () => {
  it.each(VIOLATIONS)(
    '%s refuses a crafted %s and says what to change',
    (name, type, props, fix) => {
      const found = violations(name, type, props);
      expect(found.length).toBeGreaterThan(0);
      expect(found.join('\n')).toContain(fix);
    },
  );

  it('has a crafted violation for every resource policy', () => {
    const covered = new Set(VIOLATIONS.map(([name]) => name));
    expect(RESOURCE_POLICIES.map((p) => p.name).filter((n) => !covered.has(n))).toEqual([]);
  });

  it('refuses a GCP HTTP proxy whose URL map does not redirect', () => {
    const run = {
      resources: [
        {
          type: 'gcp:compute/targetHttpProxy:TargetHttpProxy',
          name: 'p',
          inputs: {},
          protect: false,
        },
        {
          type: 'gcp:compute/uRLMap:URLMap',
          name: 'm',
          inputs: { defaultService: 'b' },
          protect: false,
        },
      ],
    } as unknown as Run;
    expect(stackViolations(run).join()).toContain('httpsRedirect true');
  });

  const CASES = (['digitalocean', 'gcp', 'aws'] as const).flatMap((cloud) =>
    TIER_NAMES.flatMap((tier) =>
      (tier === 'starter' ? [false] : [false, true]).map((pci) => ({ cloud, tier, pci })),
    ),
  );
  it.each(CASES)('stay silent on the generated $cloud $tier (pci $pci) stack', async (c) => {
    const run = await runProgram(specFor(c.cloud, c.tier, c.pci ? { pci: true } : {}));
    const found: string[] = [];
    for (const r of run.resources) {
      for (const policy of RESOURCE_POLICIES) {
        for (const m of violationsOf(policy, r.type, r.inputs)) found.push(`${r.name}: ${m}`);
      }
    }
    expect([...found, ...stackViolations(run)]).toEqual([]);
  });
});

function violationsOf(
  policy: { name: string },
  type: string,
  props: Record<string, unknown>,
): string[] {
  return violations(policy.name, type, props);
}
