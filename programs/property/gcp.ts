/**
 * A property on Google Cloud. Cloud SQL has no MariaDB, so the database is a VM with an SSD
 * persistent disk on a snapshot schedule. VMs read their secrets from Secret Manager with their
 * own service account; the user data in instance metadata holds none.
 */
import { createHash } from 'node:crypto';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { Machine } from '../../infra/tiers/catalog.ts';
import { databaseNodes } from '../../infra/tiers/estimate.ts';
import type { VmRole } from './compose.ts';
import { DEBIAN_IMAGE, type ProgramContext, type PropertyOutputs, summaryOf } from './context.ts';
import { type UserDataInputs, userData } from './user-data.ts';

/** Google's load balancer and health-check source ranges. */
export const GCP_LB_RANGES = ['130.211.0.0/22', '35.191.0.0/16'];

export function gcpProgram(ctx: ProgramContext): PropertyOutputs {
  const { spec, tier, baseline } = ctx;
  const labels = ctx.tags;
  const region = spec.region;
  const zones = [`${region}-b`, `${region}-c`];
  const data = { protect: true };
  const hasLb = tier.loadBalancer !== null;
  const tag = (role: string) => ctx.name(role);

  const network = new gcp.compute.Network('network', {
    name: ctx.name('net'),
    autoCreateSubnetworks: false,
    routingMode: 'REGIONAL',
  });
  const subnet = new gcp.compute.Subnetwork('subnet', {
    name: ctx.name('subnet'),
    region,
    network: network.id,
    ipCidrRange: ctx.subnet(0),
    privateIpGoogleAccess: true,
    ...(baseline.network.flowLogs
      ? {
          logConfig: {
            aggregationInterval: 'INTERVAL_5_SEC',
            flowSampling: 1,
            metadata: 'INCLUDE_ALL_METADATA',
          },
        }
      : {}),
  });
  if (hasLb) {
    // VMs without public addresses (database, worker, PCI app servers) reach apt through NAT.
    const router = new gcp.compute.Router('router', {
      name: ctx.name('router'),
      region,
      network: network.id,
    });
    new gcp.compute.RouterNat('nat', {
      name: ctx.name('nat'),
      region,
      router: router.name,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      logConfig: { enable: true, filter: 'ERRORS_ONLY' },
    });
  }

  // Firewalls: GCP denies ingress by default; each rule opens one door to one role.
  const firewall = (name: string, ports: number[], target: string[], from: object) =>
    new gcp.compute.Firewall(`fw-${name}`, {
      name: ctx.name(name),
      network: network.id,
      direction: 'INGRESS',
      allows: [{ protocol: 'tcp', ports: ports.map(String) }],
      targetTags: target,
      ...from,
    });
  const allRoles = [tag('app'), tag('worker'), tag('db')];
  const net = baseline.network;
  firewall('allow-web', hasLb ? [net.appBackendPort] : [...net.publicTcpPorts], [tag('app')], {
    sourceRanges: hasLb ? GCP_LB_RANGES : ['0.0.0.0/0'],
  });
  const v4 = spec.adminCidrs.filter((c) => !c.includes(':'));
  const v6 = spec.adminCidrs.filter((c) => c.includes(':'));
  // A GCP rule holds one address family, hence two rules.
  if (v4.length) firewall('allow-ssh', [net.sshPort], allRoles, { sourceRanges: v4 });
  if (v6.length) firewall('allow-ssh-v6', [net.sshPort], allRoles, { sourceRanges: v6 });
  const ports = net.privateTcpPorts;
  if (tier.database.placement === 'vm') {
    firewall('allow-db', [ports.mariadb], [tag('db')], { sourceTags: allRoles });
  }
  if (tier.worker) {
    firewall('allow-worker', [ports.redisCache, ports.redisQueue, ports.nfs], [tag('worker')], {
      sourceTags: [tag('app')],
    });
  }

  // Identity of the VMs: reads the secret, writes backups.
  const account = new gcp.serviceaccount.Account('vm-account', {
    accountId: serviceAccountId(spec.slug),
    displayName: `BLKSHP ${spec.slug} VMs`,
  });
  const member = pulumi.interpolate`serviceAccount:${account.email}`;

  const bucketArgs = (location: string): gcp.storage.BucketArgs => ({
    location: location.toUpperCase(),
    storageClass: 'STANDARD',
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    versioning: { enabled: true },
    labels,
    lifecycleRules: [
      {
        action: { type: 'Delete' },
        condition: { age: spec.backupRetentionDays, matchesPrefixes: ['backups/'] },
      },
      {
        action: { type: 'Delete' },
        condition: { daysSinceNoncurrentTime: baseline.storage.noncurrentVersionDays },
      },
    ],
  });
  const bucket = new gcp.storage.Bucket(ctx.name('backups'), bucketArgs(region), data);
  const copy = tier.backup.crossRegionCopy
    ? new gcp.storage.Bucket(ctx.name('backups-copy'), bucketArgs(ctx.copyRegion), data)
    : null;
  for (const [name, b] of [
    ['backups', bucket],
    ['backups-copy', copy],
  ] as const) {
    if (!b) continue;
    new gcp.storage.BucketIAMMember(`${name}-writer`, {
      bucket: b.name,
      role: 'roles/storage.objectAdmin',
      member,
    });
  }

  const secret = new gcp.secretmanager.Secret('secrets', {
    secretId: ctx.name('bootstrap'),
    replication: { auto: {} },
    labels,
  });
  new gcp.secretmanager.SecretVersion('secrets-version', {
    secret: secret.id,
    secretData: ctx.secretsJson,
  });
  new gcp.secretmanager.SecretIamMember('secrets-reader', {
    secretId: secret.id,
    role: 'roles/secretmanager.secretAccessor',
    member,
  });
  const secrets = secret.id.apply((name) => ({ kind: 'gcp-secret-manager' as const, name }));
  const rcloneConfig = [bucket, copy]
    .map((b, i) => (b ? `[${i === 0 ? 'gcs' : 'gcs-copy'}]\ntype = google cloud storage\n` : ''))
    .join('\n')
    .concat('env_auth = true\nbucket_policy_only = true\n');
  const backupTargets = [
    pulumi.interpolate`gcs:${bucket.name}`,
    ...(copy ? [pulumi.interpolate`gcs-copy:${copy.name}`] : []),
  ];

  const snapshots = tier.backup.diskSnapshots
    ? new gcp.compute.ResourcePolicy('snapshots', {
        name: ctx.name('snapshots'),
        region,
        snapshotSchedulePolicy: {
          schedule: { dailySchedule: { daysInCycle: 1, startTime: '03:00' } },
          retentionPolicy: {
            maxRetentionDays: spec.backupRetentionDays,
            onSourceDiskDelete: 'KEEP_AUTO_SNAPSHOTS',
          },
          snapshotProperties: { labels, storageLocations: region },
        },
      })
    : null;
  const disk = (name: string, zone: string, sizeGb: number, type: string) =>
    new gcp.compute.Disk(
      name,
      {
        name: ctx.name(name),
        zone,
        type,
        size: sizeGb,
        labels,
        ...(snapshots ? { resourcePolicies: [snapshots.id] } : {}),
      },
      data,
    );

  const vm = (
    name: string,
    role: VmRole,
    machine: Machine,
    zone: string,
    options: {
      dataDisk?: gcp.compute.Disk;
      publicIp?: pulumi.Input<string> | 'ephemeral';
      protect?: boolean;
      ud: Omit<UserDataInputs, 'role' | 'machine' | 'secrets' | 'rcloneConfig'>;
    },
  ) =>
    new gcp.compute.Instance(
      name,
      {
        name: ctx.name(name),
        zone,
        machineType: machine.type,
        tags: [tag(role.startsWith('db') ? 'db' : role === 'worker' ? 'worker' : 'app')],
        labels: { ...labels, role },
        bootDisk: {
          autoDelete: true,
          initializeParams: {
            image: DEBIAN_IMAGE.gcp,
            size: tier.bootDiskGb,
            type: 'pd-balanced',
            labels,
          },
        },
        attachedDisks: options.dataDisk
          ? [{ source: options.dataDisk.id, deviceName: 'data' }]
          : [],
        networkInterfaces: [
          {
            subnetwork: subnet.id,
            accessConfigs:
              options.publicIp === undefined
                ? []
                : options.publicIp === 'ephemeral'
                  ? [{}]
                  : [{ natIp: options.publicIp }],
          },
        ],
        serviceAccount: { email: account.email, scopes: ['cloud-platform'] },
        metadata: {
          'user-data': userData(ctx, {
            role,
            machine,
            secrets,
            rcloneConfig,
            ...options.ud,
            ...(options.dataDisk ? { dataDevice: '/dev/disk/by-id/google-data' } : {}),
          }),
          'block-project-ssh-keys': 'TRUE',
          'enable-oslogin': 'FALSE',
        },
        shieldedInstanceConfig: {
          enableSecureBoot: true,
          enableVtpm: true,
          enableIntegrityMonitoring: true,
        },
        deletionProtection: options.protect ?? false,
        allowStoppingForUpdate: true,
      },
      options.protect ? data : {},
    );

  const dbVms: gcp.compute.Instance[] = [];
  if (tier.database.placement === 'vm' && tier.database.machine) {
    for (let i = 0; i < databaseNodes(tier); i++) {
      const name = i === 0 ? 'db' : 'db-replica';
      const zone = zones[i] ?? zones[0]!;
      const dataDisk = disk(`${name}-data`, zone, tier.database.storageGb, 'pd-ssd');
      dbVms.push(
        vm(name, i === 0 ? 'db-primary' : 'db-replica', tier.database.machine, zone, {
          dataDisk,
          protect: tier.deletionProtection,
          ud: { primaryHost: privateIp(dbVms[0]), serverId: i + 1 },
        }),
      );
    }
  }
  const dbHost = privateIp(dbVms[0]);

  const worker = tier.worker
    ? vm('worker', 'worker', tier.worker.machine, zones[0]!, {
        dataDisk: disk('worker-data', zones[0]!, tier.worker.dataDiskGb, 'pd-balanced'),
        ud: { dbHost, backupTargets },
      })
    : null;

  const appRole: VmRole =
    tier.database.placement === 'app-vm' ? 'all-in-one' : tier.worker ? 'web' : 'app';
  const staticIp = hasLb
    ? null
    : new gcp.compute.Address('address', {
        name: ctx.name('ip'),
        region,
        addressType: 'EXTERNAL',
        networkTier: 'PREMIUM',
        labels,
      });
  const apps: gcp.compute.Instance[] = [];
  for (let i = 0; i < tier.app.count; i++) {
    const name = tier.app.count === 1 ? 'app' : `app-${i + 1}`;
    const zone = zones[i % zones.length]!;
    const dataDisk =
      tier.app.dataDiskGb > 0
        ? disk(`${name}-data`, zone, tier.app.dataDiskGb, 'pd-balanced')
        : undefined;
    apps.push(
      vm(name, appRole, tier.app.machine, zone, {
        dataDisk,
        publicIp: staticIp ? staticIp.address : net.appPublicIp ? 'ephemeral' : undefined,
        ud: {
          dbHost,
          workerHost: privateIp(worker ?? undefined),
          backupTargets: appRole === 'web' ? [] : backupTargets,
        },
      }),
    );
  }

  const publicIp = hasLb ? loadBalancer(ctx, network, apps, zones) : staticIp!.address;
  new gcp.dns.RecordSet('dns', {
    managedZone: managedZoneName(ctx.zone.zone),
    name: `${spec.domain}.`,
    type: 'A',
    ttl: 300,
    rrdatas: [publicIp],
  });

  monitoring(ctx);
  const dbEndpoint = dbHost
    ? pulumi.interpolate`${dbHost}:${ports.mariadb}`
    : pulumi.interpolate`${privateIp(apps[0])}:${ports.mariadb} (container network only)`;
  return {
    url: `https://${spec.domain}`,
    publicAddresses: [publicIp],
    databaseEndpoint: dbEndpoint,
    bucketName: bucket.name,
    summary: summaryOf(ctx),
  };
}

function privateIp(instance: gcp.compute.Instance | undefined): pulumi.Output<string> | undefined {
  return instance?.networkInterfaces.apply((nics) => nics[0]?.networkIp ?? '');
}

/** Cloud DNS zones are looked up by name; ours follow `grandhotel-com` for `grandhotel.com`. */
// TODO(gcp dns zone): accept the managed zone name in the spec if zones are named otherwise.
export function managedZoneName(dnsZone: string): string {
  return dnsZone.replaceAll('.', '-');
}

/** Service account ids are 6 to 30 characters: a readable prefix and a hash keep them unique. */
function serviceAccountId(slug: string): string {
  const hash = createHash('sha256').update(slug).digest('hex').slice(0, 6);
  return `vm-${slug.slice(0, 20).replace(/-+$/, '')}-${hash}`;
}

function loadBalancer(
  ctx: ProgramContext,
  network: gcp.compute.Network,
  apps: gcp.compute.Instance[],
  zones: string[],
): pulumi.Output<string> {
  const { spec, baseline } = ctx;
  const address = new gcp.compute.GlobalAddress('lb-address', {
    name: ctx.name('lb'),
    labels: ctx.tags,
  });
  const groups = zones
    .map((zone, i) => ({ zone, members: apps.filter((_, j) => j % zones.length === i) }))
    .filter((g) => g.members.length > 0)
    .map(
      (g, i) =>
        new gcp.compute.InstanceGroup(`app-group-${i + 1}`, {
          name: ctx.name(`app-${i + 1}`),
          zone: g.zone,
          network: network.id,
          instances: g.members.map((m) => m.selfLink),
          namedPorts: [{ name: 'http', port: baseline.network.appBackendPort }],
        }),
    );
  const health = new gcp.compute.HealthCheck('health', {
    name: ctx.name('ping'),
    checkIntervalSec: 10,
    timeoutSec: 5,
    httpHealthCheck: { port: baseline.network.appBackendPort, requestPath: '/api/method/ping' },
  });
  const backend = new gcp.compute.BackendService('backend', {
    name: ctx.name('backend'),
    protocol: 'HTTP',
    portName: 'http',
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: health.id,
    sessionAffinity: 'GENERATED_COOKIE',
    timeoutSec: 120,
    backends: groups.map((group) => ({ group: group.id, balancingMode: 'UTILIZATION' })),
    logConfig: { enable: true, sampleRate: 1 },
  });
  const https = new gcp.compute.URLMap('https-map', {
    name: ctx.name('https'),
    defaultService: backend.id,
  });
  const redirect = new gcp.compute.URLMap('redirect-map', {
    name: ctx.name('redirect'),
    defaultUrlRedirect: {
      httpsRedirect: true,
      stripQuery: false,
      redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT',
    },
  });
  const policy = new gcp.compute.SSLPolicy('tls-policy', {
    name: ctx.name('tls'),
    profile: baseline.tls.gcpSslProfile,
    minTlsVersion: 'TLS_1_2',
  });
  const cert = new gcp.compute.ManagedSslCertificate('certificate', {
    name: ctx.name('cert'),
    managed: { domains: [spec.domain] },
  });
  const httpsProxy = new gcp.compute.TargetHttpsProxy('https-proxy', {
    name: ctx.name('https'),
    urlMap: https.id,
    sslCertificates: [cert.id],
    sslPolicy: policy.id,
  });
  const httpProxy = new gcp.compute.TargetHttpProxy('http-proxy', {
    name: ctx.name('http'),
    urlMap: redirect.id,
  });
  for (const [name, target, port] of [
    ['https-rule', httpsProxy.id, '443'],
    ['http-rule', httpProxy.id, '80'],
  ] as const) {
    new gcp.compute.GlobalForwardingRule(name, {
      name: ctx.name(name),
      target,
      portRange: port,
      ipAddress: address.address,
      ipProtocol: 'TCP',
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      labels: ctx.tags,
    });
  }
  return address.address;
}

function monitoring(ctx: ProgramContext): void {
  const { spec, tier } = ctx;
  const channels = spec.alertEmails.map(
    (email, i) =>
      new gcp.monitoring.NotificationChannel(`alert-email-${i + 1}`, {
        displayName: `${spec.slug} alerts ${email}`,
        type: 'email',
        labels: { email_address: email },
        userLabels: ctx.tags,
      }),
  );
  const mine = `metadata.user_labels.property = "${spec.slug}"`;
  const condition = (name: string, metric: string, percent: number, extra = '') => ({
    displayName: `${name} above ${percent}%`,
    conditionThreshold: {
      filter: `resource.type = "gce_instance" AND metric.type = "${metric}" AND ${mine}${extra}`,
      comparison: 'COMPARISON_GT',
      // CPU utilization is a ratio, the agent's metrics are percentages.
      thresholdValue: metric.startsWith('compute.') ? percent / 100 : percent,
      duration: '300s',
      aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_MEAN' }],
    },
  });
  new gcp.monitoring.AlertPolicy('alerts', {
    displayName: `${spec.slug} CPU, memory and disk`,
    combiner: 'OR',
    conditions: [
      condition(
        'CPU',
        'compute.googleapis.com/instance/cpu/utilization',
        tier.monitoring.cpuPercent,
      ),
      condition(
        'Memory',
        'agent.googleapis.com/memory/percent_used',
        tier.monitoring.memoryPercent,
        ' AND metric.labels.state = "used"',
      ),
      condition(
        'Disk',
        'agent.googleapis.com/disk/percent_used',
        tier.monitoring.diskPercent,
        ' AND metric.labels.state = "used"',
      ),
    ],
    notificationChannels: channels.map((c) => c.id),
    userLabels: ctx.tags,
  });
}
