/**
 * Where a property may run. Each region names the region its off-site backup copy goes to
 * (enterprise tier) and, on DigitalOcean, the Spaces region that holds its bucket.
 * The lists are deliberately short: regions we have checked offer everything the tiers use
 * (Spaces / Cloud Storage / S3, a managed load balancer, and two zones on AWS).
 */
export const CLOUDS = ['digitalocean', 'gcp', 'aws'] as const;
export type Cloud = (typeof CLOUDS)[number];

export interface RegionInfo {
  label: string;
  /** Where the enterprise tier keeps its second copy of every backup. */
  copyRegion: string;
}

export const REGIONS: Record<Cloud, Record<string, RegionInfo>> = {
  // Only regions with Spaces, so the bucket sits next to the droplets.
  digitalocean: {
    nyc3: { label: 'New York 3', copyRegion: 'sfo3' },
    sfo3: { label: 'San Francisco 3', copyRegion: 'nyc3' },
    tor1: { label: 'Toronto 1', copyRegion: 'nyc3' },
    ams3: { label: 'Amsterdam 3', copyRegion: 'fra1' },
    fra1: { label: 'Frankfurt 1', copyRegion: 'ams3' },
    lon1: { label: 'London 1', copyRegion: 'ams3' },
    sgp1: { label: 'Singapore 1', copyRegion: 'syd1' },
    syd1: { label: 'Sydney 1', copyRegion: 'sgp1' },
    blr1: { label: 'Bangalore 1', copyRegion: 'sgp1' },
  },
  gcp: {
    'us-central1': { label: 'Iowa', copyRegion: 'us-east1' },
    'us-east1': { label: 'South Carolina', copyRegion: 'us-central1' },
    'us-east4': { label: 'Northern Virginia', copyRegion: 'us-central1' },
    'us-west1': { label: 'Oregon', copyRegion: 'us-central1' },
    'northamerica-northeast1': { label: 'Montreal', copyRegion: 'us-east4' },
    'southamerica-east1': { label: 'Sao Paulo', copyRegion: 'us-east1' },
    'europe-west1': { label: 'Belgium', copyRegion: 'europe-west4' },
    'europe-west2': { label: 'London', copyRegion: 'europe-west1' },
    'europe-west3': { label: 'Frankfurt', copyRegion: 'europe-west4' },
    'europe-west4': { label: 'Netherlands', copyRegion: 'europe-west1' },
    'asia-southeast1': { label: 'Singapore', copyRegion: 'asia-northeast1' },
    'asia-northeast1': { label: 'Tokyo', copyRegion: 'asia-southeast1' },
    'australia-southeast1': { label: 'Sydney', copyRegion: 'asia-southeast1' },
  },
  // Every listed region has zones `a` and `b`, which the AWS program uses for its two subnets.
  aws: {
    'us-east-1': { label: 'N. Virginia', copyRegion: 'us-west-2' },
    'us-east-2': { label: 'Ohio', copyRegion: 'us-west-2' },
    'us-west-2': { label: 'Oregon', copyRegion: 'us-east-1' },
    'ca-central-1': { label: 'Canada Central', copyRegion: 'us-east-1' },
    'sa-east-1': { label: 'Sao Paulo', copyRegion: 'us-east-1' },
    'eu-west-1': { label: 'Ireland', copyRegion: 'eu-central-1' },
    'eu-west-2': { label: 'London', copyRegion: 'eu-west-1' },
    'eu-central-1': { label: 'Frankfurt', copyRegion: 'eu-west-1' },
    'ap-southeast-1': { label: 'Singapore', copyRegion: 'ap-southeast-2' },
    'ap-southeast-2': { label: 'Sydney', copyRegion: 'ap-southeast-1' },
    'ap-northeast-1': { label: 'Tokyo', copyRegion: 'ap-southeast-1' },
  },
};

export function regionsOf(cloud: Cloud): string[] {
  return Object.keys(REGIONS[cloud]);
}

export function isKnownRegion(cloud: Cloud, region: string): boolean {
  return Object.hasOwn(REGIONS[cloud], region);
}

/** The region that holds the enterprise tier's backup copy. */
export function copyRegionOf(cloud: Cloud, region: string): string {
  const info = REGIONS[cloud][region];
  if (!info) throw new Error(`unknown ${cloud} region ${region}`);
  return info.copyRegion;
}
