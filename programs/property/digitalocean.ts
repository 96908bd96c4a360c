/**
 * A property on DigitalOcean. DigitalOcean has no managed MariaDB, so the database is a droplet
 * with its data on a block-storage volume; it has no instance identity either, so the droplets
 * read their secrets from a private Spaces object with a bucket-scoped key (see README.md).
 */
import * as digitalocean from '@pulumi/digitalocean';
import * as pulumi from '@pulumi/pulumi';
import { digitalOceanTags } from '../../infra/baseline/tags.ts';
import { databaseNodes } from '../../infra/tiers/estimate.ts';
import type { VmRole } from './compose.ts';
import { DEBIAN_IMAGE, type ProgramContext, type PropertyOutputs, summaryOf } from './context.ts';
import { userData } from './user-data.ts';

const SECRETS_OBJECT = 'bootstrap/secrets.json';
const ANYWHERE = ['0.0.0.0/0', '::/0'];

export function digitalOceanProgram(ctx: ProgramContext): PropertyOutputs {
  const { spec, tier, baseline } = ctx;
  const tags = digitalOceanTags(spec);
  const region = spec.region;
  const data = { protect: true };
  const retention = spec.backupRetentionDays;

  const vpc = new digitalocean.Vpc('vpc', {
    name: ctx.name('vpc'),
    region,
    ipRange: ctx.cidr,
    description: `BLKSHP property ${spec.slug}`,
  });
  if (!baseline.network.appPublicIp) {
    // PCI: droplets without public addresses reach the internet through the NAT gateway.
    new digitalocean.VpcNatGateway('nat', {
      name: ctx.name('nat'),
      region,
      type: 'PUBLIC',
      size: 1,
      vpcs: [{ vpcUuid: vpc.id, defaultGateway: true }],
    });
  }

  // Backups, and the bootstrap secrets object outside the retention rule's prefix.
  const bucketArgs = (bucketRegion: string): digitalocean.SpacesBucketArgs => ({
    region: bucketRegion,
    acl: 'private',
    versioning: { enabled: true },
    lifecycleRules: [
      {
        id: 'backup-retention',
        enabled: true,
        prefix: 'backups/',
        expiration: { days: retention },
        noncurrentVersionExpiration: { days: baseline.storage.noncurrentVersionDays },
        abortIncompleteMultipartUploadDays: 1,
      },
    ],
  });
  const bucket = new digitalocean.SpacesBucket('backups', bucketArgs(region), data);
  const copy = tier.backup.crossRegionCopy
    ? new digitalocean.SpacesBucket('backups-copy', bucketArgs(ctx.copyRegion), data)
    : null;
  const key = new digitalocean.SpacesKey('spaces-key', {
    name: ctx.name('vm'),
    grants: [bucket, ...(copy ? [copy] : [])].map((b) => ({
      bucket: b.name,
      permission: 'readwrite',
    })),
  });
  // TODO(do secrets): rotate this key after first boot once the control plane runs post-boot steps.
  new digitalocean.SpacesBucketObject('secrets', {
    region,
    bucket: bucket.name,
    key: SECRETS_OBJECT,
    acl: 'private',
    contentType: 'application/json',
    content: ctx.secretsJson,
  });
  const rclone = pulumi
    .all([key.accessKey, key.secretKey])
    .apply(([id, secretKey]) =>
      [region, ctx.copyRegion]
        .map((r, i) =>
          [
            `[${i === 0 ? 'spaces' : 'spaces-copy'}]`,
            'type = s3',
            'provider = DigitalOcean',
            `endpoint = ${r}.digitaloceanspaces.com`,
            `access_key_id = ${id}`,
            `secret_access_key = ${secretKey}`,
            'acl = private',
          ].join('\n'),
        )
        .join('\n\n'),
    );
  const rcloneConfig = pulumi
    .all([rclone, bucket.name])
    .apply(([text, name]) => `${text}\n\n[secrets]\ntype = alias\nremote = spaces:${name}\n`);
  const secrets = { kind: 'do-spaces' as const, object: SECRETS_OBJECT };
  const backupTargets = [
    pulumi.interpolate`spaces:${bucket.name}`,
    ...(copy ? [pulumi.interpolate`spaces-copy:${copy.name}`] : []),
  ];

  // TODO(do snapshots): DigitalOcean has no scheduled volume snapshots; a control-plane cron
  // taking VolumeSnapshot copies would give the database disk the same safety net as GCP.
  const volume = (name: string, sizeGb: number) =>
    new digitalocean.Volume(
      name,
      {
        name: ctx.name(name),
        region,
        size: sizeGb,
        description: `BLKSHP ${spec.slug} ${name}`,
        tags,
      },
      data,
    );
  const deviceOf = (name: string) => `/dev/disk/by-id/scsi-0DO_Volume_${ctx.name(name)}`;
  const droplet = (name: string, role: VmRole, size: string, ud: pulumi.Output<string>) =>
    new digitalocean.Droplet(name, {
      name: ctx.name(name),
      region,
      size,
      image: DEBIAN_IMAGE.digitalocean,
      vpcUuid: vpc.id,
      monitoring: true,
      gracefulShutdown: true,
      publicNetworking: role === 'all-in-one' || baseline.network.appPublicIp,
      tags: [...tags, `role:${role}`],
      userData: ud,
    });
  const attach = (name: string, d: digitalocean.Droplet, v: digitalocean.Volume) =>
    new digitalocean.VolumeAttachment(name, { dropletId: d.id.apply(Number), volumeId: v.id });

  // Database first: the app droplets' user data names its private address.
  const dbDroplets: digitalocean.Droplet[] = [];
  if (tier.database.placement === 'vm' && tier.database.machine) {
    const machine = tier.database.machine;
    for (let i = 0; i < databaseNodes(tier); i++) {
      const name = i === 0 ? 'db' : 'db-replica';
      const v = volume(`${name}-data`, tier.database.storageGb);
      const d = droplet(
        name,
        i === 0 ? 'db-primary' : 'db-replica',
        machine.type,
        userData(ctx, {
          role: i === 0 ? 'db-primary' : 'db-replica',
          machine,
          dataDevice: deviceOf(`${name}-data`),
          primaryHost: dbDroplets[0]?.ipv4AddressPrivate,
          serverId: i + 1,
          secrets,
          rcloneConfig,
        }),
      );
      attach(`${name}-data`, d, v);
      dbDroplets.push(d);
    }
  }
  const dbHost = dbDroplets[0]?.ipv4AddressPrivate;

  let workerDroplet: digitalocean.Droplet | null = null;
  if (tier.worker) {
    const v = volume('worker-data', tier.worker.dataDiskGb);
    workerDroplet = droplet(
      'worker',
      'worker',
      tier.worker.machine.type,
      userData(ctx, {
        role: 'worker',
        machine: tier.worker.machine,
        dataDevice: deviceOf('worker-data'),
        dbHost,
        secrets,
        rcloneConfig,
        backupTargets,
      }),
    );
    attach('worker-data', workerDroplet, v);
  }

  const appRole: VmRole =
    tier.database.placement === 'app-vm' ? 'all-in-one' : tier.worker ? 'web' : 'app';
  const apps: digitalocean.Droplet[] = [];
  for (let i = 0; i < tier.app.count; i++) {
    const name = tier.app.count === 1 ? 'app' : `app-${i + 1}`;
    const hasData = tier.app.dataDiskGb > 0;
    const v = hasData ? volume(`${name}-data`, tier.app.dataDiskGb) : null;
    const d = droplet(
      name,
      appRole,
      tier.app.machine.type,
      userData(ctx, {
        role: appRole,
        machine: tier.app.machine,
        dataDevice: hasData ? deviceOf(`${name}-data`) : undefined,
        dbHost,
        workerHost: workerDroplet?.ipv4AddressPrivate,
        secrets,
        rcloneConfig,
        backupTargets: appRole === 'web' ? [] : backupTargets,
      }),
    );
    if (v) attach(`${name}-data`, d, v);
    apps.push(d);
  }

  // Load balancer with a Let's Encrypt certificate managed by DigitalOcean (standard, enterprise).
  let lb: digitalocean.LoadBalancer | null = null;
  if (tier.loadBalancer) {
    const cert = new digitalocean.Certificate('certificate', {
      name: ctx.name('cert'),
      type: 'lets_encrypt',
      domains: [spec.domain],
    });
    lb = new digitalocean.LoadBalancer('lb', {
      name: ctx.name('lb'),
      region,
      vpcUuid: vpc.id,
      sizeUnit: tier.loadBalancer.nodes,
      dropletIds: apps.map((d) => d.id.apply(Number)),
      redirectHttpToHttps: baseline.tls.redirectHttpToHttps,
      tlsCipherPolicy: baseline.tls.doCipherPolicy,
      forwardingRules: [
        {
          entryPort: 443,
          entryProtocol: 'https',
          targetPort: baseline.network.appBackendPort,
          targetProtocol: 'http',
          certificateName: cert.name,
        },
        { entryPort: 80, entryProtocol: 'http', targetPort: 80, targetProtocol: 'http' },
      ],
      healthcheck: { port: 80, protocol: 'http', path: '/api/method/ping' },
      stickySessions: { type: 'cookies', cookieName: 'blkshp_lb', cookieTtlSeconds: 3600 },
    });
  }

  // Firewalls: web ports from anywhere (starter) or the load balancer only; SSH from admins.
  const ssh = ctx.spec.adminCidrs.length
    ? [{ protocol: 'tcp', portRange: '22', sourceAddresses: spec.adminCidrs }]
    : [];
  const outbound = ['tcp', 'udp'].map((protocol) => ({
    protocol,
    portRange: '1-65535',
    destinationAddresses: ANYWHERE,
  }));
  outbound.push({ protocol: 'icmp', portRange: '', destinationAddresses: ANYWHERE });
  const web = baseline.network.publicTcpPorts.map((port) =>
    lb
      ? { protocol: 'tcp', portRange: String(port), sourceLoadBalancerUids: [lb.id] }
      : { protocol: 'tcp', portRange: String(port), sourceAddresses: ANYWHERE },
  );
  new digitalocean.Firewall('app-firewall', {
    name: ctx.name('app'),
    dropletIds: apps.map((d) => d.id.apply(Number)),
    inboundRules: [...web, ...ssh],
    outboundRules: outbound,
  });
  const appIds = apps.map((d) => d.id.apply(Number));
  const ports = baseline.network.privateTcpPorts;
  if (workerDroplet) {
    const fromApps = [ports.redisCache, ports.redisQueue, ports.nfs].map((port) => ({
      protocol: 'tcp',
      portRange: String(port),
      sourceDropletIds: appIds,
    }));
    new digitalocean.Firewall('worker-firewall', {
      name: ctx.name('worker'),
      dropletIds: [workerDroplet.id.apply(Number)],
      inboundRules: [...fromApps, ...ssh],
      outboundRules: outbound,
    });
  }
  if (dbDroplets.length > 0) {
    const clients = [...appIds, ...(workerDroplet ? [workerDroplet.id.apply(Number)] : [])];
    const dbIds = dbDroplets.map((d) => d.id.apply(Number));
    new digitalocean.Firewall('db-firewall', {
      name: ctx.name('db'),
      dropletIds: dbIds,
      inboundRules: [
        // The replica pulls from the primary over the same port.
        {
          protocol: 'tcp',
          portRange: String(ports.mariadb),
          sourceDropletIds: [...clients, ...dbIds],
        },
        ...ssh,
      ],
      outboundRules: outbound,
    });
  }

  const publicIp = lb ? lb.ip : (apps[0]?.ipv4Address ?? '');
  new digitalocean.DnsRecord('dns', {
    domain: ctx.zone.zone,
    name: ctx.zone.host,
    type: 'A',
    value: publicIp,
    ttl: 300,
  });

  const allDroplets = [...apps, ...(workerDroplet ? [workerDroplet] : []), ...dbDroplets];
  const alerts: [string, string, number][] = [
    ['cpu', 'v1/insights/droplet/cpu', tier.monitoring.cpuPercent],
    ['memory', 'v1/insights/droplet/memory_utilization_percent', tier.monitoring.memoryPercent],
    ['disk', 'v1/insights/droplet/disk_utilization_percent', tier.monitoring.diskPercent],
  ];
  for (const [name, type, value] of alerts) {
    new digitalocean.MonitorAlert(`alert-${name}`, {
      description: `${spec.slug}: ${name} above ${value}%`,
      type,
      compare: 'GreaterThan',
      value,
      window: '5m',
      entities: allDroplets.map((d) => d.id),
      alerts: { emails: spec.alertEmails },
      tags,
    });
  }

  const dbEndpoint = dbHost
    ? pulumi.interpolate`${dbHost}:${ports.mariadb}`
    : pulumi.interpolate`${apps[0]?.ipv4AddressPrivate}:${ports.mariadb} (container network only)`;
  return {
    url: `https://${spec.domain}`,
    publicAddresses: [publicIp],
    databaseEndpoint: dbEndpoint,
    bucketName: bucket.name,
    summary: summaryOf(ctx),
  };
}
