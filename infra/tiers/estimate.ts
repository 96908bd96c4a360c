/**
 * Monthly cost estimate of one property, line by line, from the catalog and the price table.
 * It counts what the programs create; storage lines assume `PRICES.assumedBackupGb` per bucket
 * and GCP snapshots at half the size of the disks they copy (they are incremental).
 */
import type { Cloud } from '../properties/regions.ts';
import { getTier, type TierDefinition, type TierName } from './catalog.ts';
import { PRICES, priceOf } from './prices.ts';

export interface EstimateLine {
  item: string;
  quantity: number;
  unitUsd: number;
  totalUsd: number;
}

export interface MonthlyEstimate {
  cloud: Cloud;
  tier: TierName;
  pci: boolean;
  totalUsd: number;
  lines: EstimateLine[];
  source: string;
  asOf: string;
}

export interface EstimateOptions {
  /** PCI properties keep app servers off public addresses, which needs a NAT gateway. */
  pci?: boolean;
}

export function monthlyEstimate(
  cloud: Cloud,
  tier: TierName,
  options: EstimateOptions = {},
): MonthlyEstimate {
  const definition = getTier(cloud, tier);
  const pci = options.pci ?? false;
  const lines = LINE_BUILDERS[cloud](definition, pci)
    .filter(([, quantity]) => quantity > 0)
    .map(([item, quantity]) => {
      const unitUsd = priceOf(cloud, item);
      return { item, quantity, unitUsd, totalUsd: round(unitUsd * quantity) };
    });
  return {
    cloud,
    tier,
    pci,
    totalUsd: round(lines.reduce((sum, line) => sum + line.totalUsd, 0)),
    lines,
    source: PRICES.clouds[cloud].source,
    asOf: PRICES.asOf,
  };
}

type Line = [item: string, quantity: number];

/** How many database VMs (or RDS instances, Multi-AZ counting twice) a tier runs. */
export function databaseNodes(tier: TierDefinition): number {
  if (tier.database.placement === 'app-vm') return 0;
  return tier.database.replica || tier.database.multiAz ? 2 : 1;
}

function vmCount(tier: TierDefinition): number {
  const dbVms = tier.database.placement === 'vm' ? databaseNodes(tier) : 0;
  return tier.app.count + (tier.worker?.count ?? 0) + dbVms;
}

function dataDiskGb(tier: TierDefinition): number {
  const worker = tier.worker ? tier.worker.count * tier.worker.dataDiskGb : 0;
  return tier.app.count * tier.app.dataDiskGb + worker;
}

function buckets(tier: TierDefinition): number {
  return tier.backup.crossRegionCopy ? 2 : 1;
}

const LINE_BUILDERS: Record<Cloud, (tier: TierDefinition, pci: boolean) => Line[]> = {
  digitalocean: (tier, pci) => {
    const lines: Line[] = [[`droplet ${tier.app.machine.type}`, tier.app.count]];
    if (tier.worker) lines.push([`droplet ${tier.worker.machine.type}`, tier.worker.count]);
    if (tier.database.machine) {
      lines.push([`droplet ${tier.database.machine.type}`, databaseNodes(tier)]);
    }
    const dbGb = tier.database.storageGb * databaseNodes(tier);
    lines.push(['volume/GB', dataDiskGb(tier) + dbGb]);
    lines.push(['load balancer node', tier.loadBalancer?.nodes ?? 0]);
    lines.push(['spaces subscription', 1]);
    lines.push(['vpc nat gateway', pci ? 1 : 0]);
    return lines;
  },
  gcp: (tier, pci) => {
    const lines: Line[] = [[`vm ${tier.app.machine.type}`, tier.app.count]];
    if (tier.worker) lines.push([`vm ${tier.worker.machine.type}`, tier.worker.count]);
    if (tier.database.machine) {
      lines.push([`vm ${tier.database.machine.type}`, databaseNodes(tier)]);
    }
    const dbGb = tier.database.storageGb * databaseNodes(tier);
    lines.push(['pd-balanced/GB', vmCount(tier) * tier.bootDiskGb + dataDiskGb(tier)]);
    lines.push(['pd-ssd/GB', dbGb]);
    lines.push(['snapshot/GB', tier.backup.diskSnapshots ? (dataDiskGb(tier) + dbGb) / 2 : 0]);
    // Starter has a static address; app VMs elsewhere get one unless PCI keeps them private.
    const publicVms = tier.loadBalancer ? (pci ? 0 : tier.app.count) : 1;
    lines.push(['external ipv4 in use', publicVms]);
    lines.push(['lb forwarding rules (first 5)', tier.loadBalancer ? 1 : 0]);
    lines.push(['cloud nat per vm', tier.loadBalancer ? vmCount(tier) - publicVms : 0]);
    lines.push(['cloud storage standard/GB', buckets(tier) * PRICES.assumedBackupGb]);
    lines.push(['secret manager version', 1]);
    return lines;
  },
  aws: (tier, pci) => {
    const lines: Line[] = [[`ec2 ${tier.app.machine.type}`, tier.app.count]];
    if (tier.worker) lines.push([`ec2 ${tier.worker.machine.type}`, tier.worker.count]);
    lines.push(['ebs gp3/GB', vmCount(tier) * tier.bootDiskGb + dataDiskGb(tier)]);
    const publicVms = pci ? 0 : vmCount(tier);
    lines.push(['public ipv4', publicVms + (pci ? 1 : 0)]);
    lines.push(['nat gateway', pci ? 1 : 0]);
    lines.push(['alb hour', tier.loadBalancer ? 1 : 0]);
    lines.push(['alb lcu', tier.loadBalancer ? 1 : 0]);
    if (tier.database.machine) {
      lines.push([`rds mariadb ${tier.database.machine.type}`, databaseNodes(tier)]);
      lines.push(['rds gp3/GB', tier.database.storageGb * databaseNodes(tier)]);
    }
    lines.push(['s3 standard/GB', buckets(tier) * PRICES.assumedBackupGb]);
    lines.push(['kms key', tier.customerManagedKey ? 1 : 0]);
    lines.push(['cloudwatch alarm', vmCount(tier) * 3]);
    return lines;
  },
};

function round(usd: number): number {
  return Math.round(usd * 100) / 100;
}
