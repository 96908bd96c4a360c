/**
 * What every cloud's program shares: the inputs, derived facts (tier, baseline, private range,
 * worker plans), and the shape of the stack outputs.
 */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { type Baseline, baselineFor } from '../../infra/baseline/baseline.ts';
import { baselineTags } from '../../infra/baseline/tags.ts';
import { copyRegionOf } from '../../infra/properties/regions.ts';
import { dnsZoneOf, type PropertySpec } from '../../infra/properties/spec.ts';
import { getTier, type Machine, type TierDefinition } from '../../infra/tiers/catalog.ts';
import { planWorkers, type WorkerPlan } from '../../infra/tiers/workers.ts';
import type { VmRole } from './compose.ts';

/** Generated once per property by the control plane and kept only as stack secrets. */
export interface PropertySecrets {
  dbRootPassword: string;
  dbAppPassword: string;
  siteAdminPassword: string;
  /** Frappe's `encryption_key`: a Fernet key. */
  siteEncryptionKey: string;
  /** Passphrase of the gpg-encrypted backup sets. */
  backupEncryptionKey: string;
}

export interface PropertyOutputs {
  url: pulumi.Input<string>;
  publicAddresses: pulumi.Input<pulumi.Input<string>[]>;
  databaseEndpoint: pulumi.Input<string>;
  bucketName: pulumi.Input<string>;
  summary: pulumi.Input<string>;
}

export interface ProgramContext {
  spec: PropertySpec;
  tier: TierDefinition;
  baseline: Baseline;
  tags: Record<string, string>;
  /** The property's private range, a /20 inside 10.0.0.0/8. */
  cidr: string;
  /** The n-th /24 inside `cidr`, for clouds that want subnets. */
  subnet: (index: number) => string;
  copyRegion: string;
  zone: { zone: string; host: string };
  /** All secrets as one JSON document, marked secret for Pulumi. */
  secretsJson: pulumi.Output<string>;
  /** For RDS, which takes its master password as an argument. */
  dbRootPassword: pulumi.Output<string>;
  /** Physical name of a resource: `<slug>-<suffix>`. */
  name: (suffix: string) => string;
}

export function createContext(spec: PropertySpec, secrets: PropertySecrets): ProgramContext {
  const [a, b] = privateRangeOf(spec.slug);
  return {
    spec,
    tier: getTier(spec.cloud, spec.tier),
    baseline: baselineFor(spec),
    tags: baselineTags(spec),
    cidr: `10.${a}.${b}.0/20`,
    subnet: (index) => `10.${a}.${b + index}.0/24`,
    copyRegion: copyRegionOf(spec.cloud, spec.region),
    zone: dnsZoneOf(spec),
    secretsJson: pulumi.secret(JSON.stringify(secrets)),
    dbRootPassword: pulumi.secret(secrets.dbRootPassword),
    name: (suffix) => `${spec.slug}-${suffix}`,
  };
}

/**
 * A stable /20 per property, so that DigitalOcean VPCs (whose ranges may not overlap within an
 * account) and any later peering rarely collide. 200 x 16 ranges.
 */
function privateRangeOf(slug: string): [number, number] {
  const digest = createHash('sha256').update(slug).digest();
  return [16 + ((digest[0] ?? 0) % 200), ((digest[1] ?? 0) % 16) * 16];
}

/** Worker counts of a VM, from its size and role (see infra/tiers/workers.ts). */
export function workersFor(machine: Machine, role: VmRole, tier: TierDefinition): WorkerPlan {
  const memoryMb = machine.memoryGb * 1024;
  const shared = role === 'all-in-one';
  return planWorkers({
    memoryMb,
    vcpu: machine.vcpu,
    databaseMb: shared ? Math.floor(memoryMb / 4) : 0,
    roles: {
      web: role !== 'worker',
      background: role === 'all-in-one' || role === 'worker' || (role === 'app' && !tier.worker),
    },
  });
}

export function summaryOf(ctx: ProgramContext): string {
  const { spec, tier } = ctx;
  const parts = [`${tier.app.count} x ${tier.app.machine.type} app`];
  if (tier.worker) parts.push(`${tier.worker.count} x ${tier.worker.machine.type} worker`);
  const db = tier.database;
  if (db.placement === 'app-vm') parts.push('MariaDB on the app VM');
  else if (db.placement === 'managed') {
    parts.push(`RDS MariaDB ${db.machine?.type}${db.multiAz ? ' Multi-AZ' : ''}`);
  } else parts.push(`MariaDB ${db.machine?.type}${db.replica ? ' + replica' : ''}`);
  if (tier.loadBalancer) parts.push('load balancer');
  parts.push(`backups ${spec.backupRetentionDays} d`);
  const pci = spec.pci ? ' (PCI)' : '';
  return `${spec.slug}: ${spec.tier}${pci} on ${spec.cloud} ${spec.region}, ${parts.join(', ')}`;
}

export const DEBIAN_IMAGE = {
  digitalocean: 'debian-13-x64',
  gcp: 'debian-cloud/debian-13',
  /** Debian's own AWS account, which publishes the official AMIs. */
  awsOwner: '136693071363',
  awsNamePattern: 'debian-13-amd64-*',
} as const;
