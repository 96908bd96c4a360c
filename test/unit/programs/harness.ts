/**
 * Runs the property program under Pulumi's mocks and records every resource and invoke:
 * type, logical name, inputs and the `protect` option (read through a stack transformation,
 * since mocks do not see resource options).
 */
import * as pulumi from '@pulumi/pulumi';
import { type PropertySpec, parsePropertySpec } from '../../../infra/properties/spec.ts';
import { createPropertyProgram, type PropertySecrets } from '../../../programs/property/index.ts';

export interface Captured {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  protect: boolean;
}

export interface Run {
  resources: Captured[];
  invokes: string[];
  outputs: Record<string, unknown>;
  /** The raw outputs, to check which are secret. */
  rawOutputs: Record<string, unknown>;
}

export const SECRETS: PropertySecrets = {
  dbRootPassword: 'root-pw-SENTINEL-1',
  dbAppPassword: 'app-pw-SENTINEL-2',
  siteAdminPassword: 'admin-pw-SENTINEL-3',
  siteEncryptionKey: 'fernet-SENTINEL-4',
  backupEncryptionKey: 'backup-SENTINEL-5',
};

export const ED25519 =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDAAJWKM9pSCcdm9o/yM0UsePCMwxoovQ553DGiNvBu1 ops@blkshp';

const REGION = { digitalocean: 'nyc3', gcp: 'us-central1', aws: 'us-east-1' } as const;

export function specFor(
  cloud: PropertySpec['cloud'],
  tier: PropertySpec['tier'],
  extra: Record<string, unknown> = {},
): PropertySpec {
  const parsed = parsePropertySpec({
    slug: 'grand-hotel',
    name: 'Grand Hotel',
    cloud,
    region: REGION[cloud],
    tier,
    domain: 'erp.grandhotel.com',
    adminCidrs: ['203.0.113.0/24', '2001:db8::/48'],
    sshPublicKeys: [ED25519],
    alertEmails: ['ops@grandhotel.com'],
    ...extra,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

let counter = 0;

/** Computed attributes a real provider would return, so that applies resolve. */
function computed(type: string, name: string): Record<string, unknown> {
  const n = ++counter;
  return {
    id: `${name}-id`,
    ipv4Address: `198.51.100.${n % 250}`,
    ipv4AddressPrivate: `10.1.0.${n % 250}`,
    ip: `203.0.113.${n % 250}`,
    address: type.includes('rds') ? `${name}.abc.rds.amazonaws.com` : `192.0.2.${n % 250}`,
    email: `${name}@project.iam.gserviceaccount.com`,
    arn: `arn:aws:mock:::${name}`,
    selfLink: `https://compute.googleapis.com/${name}`,
    privateIp: `10.1.1.${n % 250}`,
    publicIp: `198.51.100.${n % 250}`,
    dnsName: `${name}.elb.amazonaws.com`,
    zoneId: 'ZALB',
    fqdn: `${name}.example`,
    accessKey: 'MOCKACCESS',
    secretKey: 'MOCKSECRET',
    networkInterfaces: [{ networkIp: `10.1.2.${n % 250}` }],
    domainValidationOptions: [
      { resourceRecordName: '_x.erp', resourceRecordType: 'CNAME', resourceRecordValue: '_y' },
    ],
  };
}

export async function runProgram(spec: PropertySpec): Promise<Run> {
  const resources: Captured[] = [];
  const invokes: string[] = [];
  const protectedUrns = new Map<string, boolean>();

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state: Record<string, unknown> = {
          ...computed(args.type, args.name),
          ...args.inputs,
        };
        if (args.type.includes('Bucket') && !('name' in args.inputs))
          state.name = `${args.name}-b1`;
        if (args.type === 'aws:s3/bucket:Bucket') state.bucket = `${args.name}-b1`;
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          protect: protectedUrns.get(`${args.type}::${args.name}`) ?? false,
        });
        return { id: `${args.name}-id`, state };
      },
      call: (args) => {
        invokes.push(args.token);
        if (args.token === 'aws:ec2/getAmi:getAmi')
          return { id: 'ami-0debian', imageId: 'ami-0debian' };
        if (args.token === 'aws:route53/getZone:getZone') return { id: 'Z1', zoneId: 'Z1' };
        return {};
      },
    },
    'blkshp-property',
    `${spec.cloud}-${spec.tier}${spec.pci ? '-pci' : ''}`,
    false,
  );
  let rawOutputs: Record<string, unknown> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      protectedUrns.set(`${args.type}::${args.name}`, args.opts.protect === true);
      return undefined;
    });
    rawOutputs = await createPropertyProgram(spec, SECRETS)();
    return rawOutputs;
  });
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rawOutputs)) outputs[key] = await resolve(value);

  // Registrations finish asynchronously; wait until no new resource arrives.
  let seen = -1;
  while (seen !== resources.length) {
    seen = resources.length;
    await new Promise((r) => setTimeout(r, 30));
  }
  return { resources, invokes, outputs, rawOutputs };
}

export async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return new Promise((r) => (value as pulumi.Output<unknown>).apply((v) => r(v)));
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolve));
  return value;
}

export function ofType(run: Run, type: string): Captured[] {
  return run.resources.filter((r) => r.type === type);
}

export function countByType(run: Run): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}
