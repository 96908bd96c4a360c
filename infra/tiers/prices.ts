/**
 * List prices in USD, on-demand, without taxes, discounts or free tiers, for one reference
 * region per cloud. Monthly = hourly x 730. They are the vendors' published list prices as we
 * know them, assumed still valid at `asOf`; check the source pages before quoting a customer.
 */
import type { Cloud } from '../properties/regions.ts';

export interface PriceTable {
  currency: 'USD';
  asOf: string;
  hoursPerMonth: number;
  /** How much backup data one bucket holds, for the storage line of an estimate. */
  assumedBackupGb: number;
  clouds: Record<Cloud, CloudPrices>;
}

export interface CloudPrices {
  referenceRegion: string;
  source: string;
  /** Item name -> USD per month (per GB-month for items ending in `/GB`). */
  items: Record<string, number>;
}

const h = (hourly: number) => Math.round(hourly * 730 * 100) / 100;

export const PRICES: PriceTable = {
  currency: 'USD',
  asOf: '2026-11',
  hoursPerMonth: 730,
  assumedBackupGb: 100,
  clouds: {
    digitalocean: {
      referenceRegion: 'nyc3 (prices are the same in every region)',
      source: 'https://www.digitalocean.com/pricing (droplets, volumes, load balancers, spaces)',
      items: {
        'droplet s-2vcpu-4gb': 24,
        'droplet s-4vcpu-8gb': 48,
        'droplet g-4vcpu-16gb': 126,
        'droplet m-2vcpu-16gb': 84,
        'volume/GB': 0.1,
        'load balancer node': 12,
        // One subscription per account covers 250 GB and every bucket; counted per property.
        'spaces subscription': 5,
        // TODO(do nat price): confirm the VPC NAT gateway list price once it is on the page.
        'vpc nat gateway': 40,
      },
    },
    gcp: {
      referenceRegion: 'us-central1',
      source:
        'https://cloud.google.com/compute/all-pricing, /storage/pricing, /vpc/network-pricing',
      items: {
        'vm e2-medium': h(0.033503),
        'vm e2-standard-2': h(0.067006),
        'vm n2-standard-4': h(0.194236),
        'vm n2-highmem-2': h(0.131014),
        'pd-balanced/GB': 0.1,
        'pd-ssd/GB': 0.17,
        'snapshot/GB': 0.05,
        'external ipv4 in use': h(0.005),
        'lb forwarding rules (first 5)': h(0.025),
        'cloud storage standard/GB': 0.02,
        'cloud nat per vm': h(0.0014),
        'secret manager version': 0.06,
      },
    },
    aws: {
      referenceRegion: 'us-east-1',
      source: 'https://aws.amazon.com/ec2/pricing/on-demand/, /ebs/pricing/, /rds/mariadb/pricing/',
      items: {
        'ec2 t3.medium': h(0.0416),
        'ec2 t3.large': h(0.0832),
        'ec2 m6i.large': h(0.096),
        'ec2 m6i.xlarge': h(0.192),
        'ebs gp3/GB': 0.08,
        'public ipv4': h(0.005),
        'alb hour': h(0.0225),
        // One LCU around the clock is plenty for one hotel's ERP.
        'alb lcu': h(0.008),
        'nat gateway': h(0.045),
        's3 standard/GB': 0.023,
        'rds mariadb db.m6i.large': h(0.171),
        'rds mariadb db.r6i.large': h(0.25),
        'rds gp3/GB': 0.115,
        'kms key': 1,
        'cloudwatch alarm': 0.1,
      },
    },
  },
};

export function priceOf(cloud: Cloud, item: string): number {
  const price = PRICES.clouds[cloud].items[item];
  if (price === undefined) throw new Error(`no ${cloud} price for "${item}"`);
  return price;
}
