/**
 * The tier catalog: what each tier contains on each cloud, as plain data a person can read.
 * Sizes follow shared/domain.md: a dedicated database machine has at least 2 vCPU and 8 GB,
 * MariaDB everywhere (RDS for MariaDB on AWS, a VM with its own disk on DigitalOcean and GCP,
 * which offer no managed MariaDB), Redis next to the processes that use it.
 */
import type { Cloud } from '../properties/regions.ts';

export const TIER_NAMES = ['starter', 'standard', 'enterprise'] as const;
export type TierName = (typeof TIER_NAMES)[number];

export interface Machine {
  /** The cloud's own size name: droplet slug, GCE machine type, EC2 or RDS instance class. */
  type: string;
  vcpu: number;
  memoryGb: number;
  arch: 'x86_64';
}

export interface VmGroup {
  machine: Machine;
  count: number;
  /** A separate data disk per VM; 0 = none. */
  dataDiskGb: number;
}

export interface DatabaseTopology {
  /** `app-vm`: MariaDB on the single app VM; `vm`: dedicated MariaDB VM(s); `managed`: RDS. */
  placement: 'app-vm' | 'vm' | 'managed';
  /** Null when the database shares the app VM. */
  machine: Machine | null;
  storageGb: number;
  /** A streaming replica on a second VM (DigitalOcean, GCP). */
  replica: boolean;
  /** RDS Multi-AZ (AWS). */
  multiAz: boolean;
  engine: 'mariadb';
}

export interface TierDefinition {
  name: TierName;
  cloud: Cloud;
  summary: string;
  availability: string;
  /** Web VMs: nginx, gunicorn, socket.io (and everything else on starter and standard). */
  app: VmGroup;
  /** Separate background capacity: RQ workers, scheduler, Redis, and the shared sites disk. */
  worker: VmGroup | null;
  database: DatabaseTopology;
  cache: { engine: 'redis'; placement: 'app-vm' | 'worker-vm' };
  loadBalancer: { nodes: number } | null;
  /** Boot disk size of each VM, GB (DigitalOcean droplets include theirs in the size). */
  bootDiskGb: number;
  backup: {
    minRetentionDays: number;
    /** crontab schedule of `bench backup --with-files` on the VM. */
    cron: string;
    crossRegionCopy: boolean;
    /**
     * Scheduled snapshots of the data disks. Only GCP offers them as a resource (a snapshot
     * schedule); DigitalOcean volumes have none and AWS relies on RDS backups.
     */
    diskSnapshots: boolean;
  };
  monitoring: { cpuPercent: number; memoryPercent: number; diskPercent: number };
  deletionProtection: boolean;
  /** A customer-managed KMS key for disks, database and bucket (AWS). */
  customerManagedKey: boolean;
}

const m = (type: string, vcpu: number, memoryGb: number): Machine => ({
  type,
  vcpu,
  memoryGb,
  arch: 'x86_64',
});

const ALERTS = { cpuPercent: 85, memoryPercent: 90, diskPercent: 85 };

// The three shapes, shared by every cloud; only machine names differ.
const STARTER = {
  name: 'starter',
  summary: 'One VM runs the whole stack; MariaDB and Redis data on an attached disk.',
  availability: 'single VM, no failover; restore from backup (RPO 6 h)',
  cache: { engine: 'redis', placement: 'app-vm' },
  loadBalancer: null,
  backup: {
    minRetentionDays: 7,
    cron: '0 */6 * * *',
    crossRegionCopy: false,
    diskSnapshots: false,
  },
  monitoring: ALERTS,
  deletionProtection: false,
  customerManagedKey: false,
} as const;

const STANDARD = {
  name: 'standard',
  summary: 'App VM behind a load balancer; a separate MariaDB on the private network.',
  availability: 'single zone; database restored from backup or snapshot (RPO 4 h)',
  cache: { engine: 'redis', placement: 'app-vm' },
  loadBalancer: { nodes: 1 },
  backup: {
    minRetentionDays: 14,
    cron: '0 */4 * * *',
    crossRegionCopy: false,
    diskSnapshots: false,
  },
  monitoring: ALERTS,
  deletionProtection: true,
  customerManagedKey: false,
} as const;

const ENTERPRISE = {
  name: 'enterprise',
  summary: 'Two app VMs, a worker VM, a highly available MariaDB, backups copied off-region.',
  availability: 'app survives one VM; database fails over to its replica (RPO 1 h)',
  cache: { engine: 'redis', placement: 'worker-vm' },
  loadBalancer: { nodes: 2 },
  backup: { minRetentionDays: 35, cron: '0 * * * *', crossRegionCopy: true, diskSnapshots: false },
  monitoring: ALERTS,
  deletionProtection: true,
  customerManagedKey: false,
} as const;

function vmDatabase(machine: Machine, storageGb: number, replica: boolean): DatabaseTopology {
  return { placement: 'vm', machine, storageGb, replica, multiAz: false, engine: 'mariadb' };
}

const ON_APP_VM: DatabaseTopology = {
  placement: 'app-vm',
  machine: null,
  storageGb: 0,
  replica: false,
  multiAz: false,
  engine: 'mariadb',
};

export const CATALOG: Record<Cloud, Record<TierName, TierDefinition>> = {
  digitalocean: {
    starter: {
      ...STARTER,
      cloud: 'digitalocean',
      app: { machine: m('s-2vcpu-4gb', 2, 4), count: 1, dataDiskGb: 50 },
      worker: null,
      database: ON_APP_VM,
      bootDiskGb: 0,
    },
    standard: {
      ...STANDARD,
      cloud: 'digitalocean',
      app: { machine: m('s-4vcpu-8gb', 4, 8), count: 1, dataDiskGb: 50 },
      worker: null,
      database: vmDatabase(m('s-4vcpu-8gb', 4, 8), 100, false),
      bootDiskGb: 0,
    },
    enterprise: {
      ...ENTERPRISE,
      cloud: 'digitalocean',
      app: { machine: m('g-4vcpu-16gb', 4, 16), count: 2, dataDiskGb: 0 },
      worker: { machine: m('s-4vcpu-8gb', 4, 8), count: 1, dataDiskGb: 100 },
      database: vmDatabase(m('m-2vcpu-16gb', 2, 16), 200, true),
      bootDiskGb: 0,
    },
  },
  gcp: {
    starter: {
      ...STARTER,
      cloud: 'gcp',
      app: { machine: m('e2-medium', 2, 4), count: 1, dataDiskGb: 50 },
      worker: null,
      database: ON_APP_VM,
      bootDiskGb: 20,
      backup: { ...STARTER.backup, diskSnapshots: true },
    },
    standard: {
      ...STANDARD,
      cloud: 'gcp',
      app: { machine: m('e2-standard-2', 2, 8), count: 1, dataDiskGb: 50 },
      worker: null,
      database: vmDatabase(m('e2-standard-2', 2, 8), 100, false),
      bootDiskGb: 20,
      backup: { ...STANDARD.backup, diskSnapshots: true },
    },
    enterprise: {
      ...ENTERPRISE,
      cloud: 'gcp',
      app: { machine: m('n2-standard-4', 4, 16), count: 2, dataDiskGb: 0 },
      worker: { machine: m('e2-standard-2', 2, 8), count: 1, dataDiskGb: 100 },
      database: vmDatabase(m('n2-highmem-2', 2, 16), 200, true),
      bootDiskGb: 20,
      backup: { ...ENTERPRISE.backup, diskSnapshots: true },
    },
  },
  aws: {
    starter: {
      ...STARTER,
      cloud: 'aws',
      app: { machine: m('t3.medium', 2, 4), count: 1, dataDiskGb: 50 },
      worker: null,
      database: ON_APP_VM,
      bootDiskGb: 20,
    },
    standard: {
      ...STANDARD,
      cloud: 'aws',
      app: { machine: m('t3.large', 2, 8), count: 1, dataDiskGb: 50 },
      worker: null,
      database: {
        placement: 'managed',
        machine: m('db.m6i.large', 2, 8),
        storageGb: 100,
        replica: false,
        multiAz: false,
        engine: 'mariadb',
      },
      bootDiskGb: 20,
    },
    enterprise: {
      ...ENTERPRISE,
      cloud: 'aws',
      app: { machine: m('m6i.xlarge', 4, 16), count: 2, dataDiskGb: 0 },
      worker: { machine: m('m6i.large', 2, 8), count: 1, dataDiskGb: 100 },
      database: {
        placement: 'managed',
        machine: m('db.r6i.large', 2, 16),
        storageGb: 200,
        replica: false,
        multiAz: true,
        engine: 'mariadb',
      },
      bootDiskGb: 20,
      customerManagedKey: true,
    },
  },
};

export function getTier(cloud: Cloud, tier: TierName): TierDefinition {
  return CATALOG[cloud][tier];
}

export function listTiers(): TierDefinition[] {
  return Object.values(CATALOG).flatMap((byTier) => TIER_NAMES.map((name) => byTier[name]));
}

/** The least backup retention a tier accepts; the same on every cloud. */
export function minRetentionDays(tier: TierName): number {
  return CATALOG.digitalocean[tier].backup.minRetentionDays;
}
