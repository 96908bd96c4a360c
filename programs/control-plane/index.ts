/**
 * The control plane deployed to DigitalOcean by itself: replicas as droplets behind an HTTPS load
 * balancer, managed Postgres (with a standby) for the catalog, the job queue and the stack settings,
 * and a versioned Spaces bucket for the Pulumi state. The replicas share no disk. The database is
 * reachable from the replicas' VPC only.
 *
 * Run it with `node programs/control-plane/deploy.ts preview|up <config.json>`; the README's
 * Operations section lists what to back up.
 */
import * as digitalocean from '@pulumi/digitalocean';
import * as pulumi from '@pulumi/pulumi';
import type { DeploymentConfig } from './config.ts';
import { replicaUserData } from './user-data.ts';

export const REPLICA_TAG = 'blkshp-control-plane';
const ANYWHERE = ['0.0.0.0/0', '::/0'];
const SERVICE_PORT = 8080;

export interface DeploymentSecrets {
  /** Encrypts every property's stack secrets: back it up (README, Operations). */
  passphrase: pulumi.Input<string>;
}

export interface DeploymentOutputs {
  url: pulumi.Output<string>;
  loadBalancerIp: pulumi.Output<string>;
  stateBucket: pulumi.Output<string>;
  databaseHost: pulumi.Output<string>;
  replicas: pulumi.Output<string>[];
}

export function deployControlPlane(
  config: DeploymentConfig,
  secrets: DeploymentSecrets,
): DeploymentOutputs {
  const { region } = config;
  const name = (part: string) => `blkshp-cp-${part}`;
  const kept = { protect: true };

  const vpc = new digitalocean.Vpc('vpc', { name: name('vpc'), region, ipRange: '10.240.0.0/20' });

  // Postgres: private network only, and only the replicas' tag may connect.
  const database = new digitalocean.DatabaseCluster(
    'postgres',
    {
      name: name('pg'),
      engine: 'pg',
      version: '17',
      region,
      size: config.databaseSize,
      nodeCount: config.databaseNodes,
      privateNetworkUuid: vpc.id,
      tags: [REPLICA_TAG],
    },
    kept,
  );
  const db = new digitalocean.DatabaseDb('catalog', { clusterId: database.id, name: 'blkshp' });
  const user = new digitalocean.DatabaseUser('service', { clusterId: database.id, name: 'blkshp' });
  new digitalocean.DatabaseFirewall('postgres-firewall', {
    clusterId: database.id,
    rules: [{ type: 'tag', value: REPLICA_TAG }],
  });
  const databaseUrl = pulumi.interpolate`postgres://${user.name}:${user.password}@${
    database.privateHost
  }:${database.port}/${db.name}?sslmode=require`;

  // State: private, versioned, old versions kept 90 days; a key that reaches this bucket only.
  const state = new digitalocean.SpacesBucket(
    'state',
    {
      name: name(`state-${region}`),
      region,
      acl: 'private',
      versioning: { enabled: true },
      lifecycleRules: [
        {
          id: 'old-state-versions',
          enabled: true,
          noncurrentVersionExpiration: { days: 90 },
          abortIncompleteMultipartUploadDays: 1,
        },
      ],
    },
    kept,
  );
  const stateKey = new digitalocean.SpacesKey('state-key', {
    name: name('state'),
    grants: [{ bucket: state.name, permission: 'readwrite' }],
  });
  const endpoint = `${region}.digitaloceanspaces.com`;
  const backendUrl = pulumi.interpolate`s3://${state.name}?endpoint=${endpoint}&region=us-east-1`;

  const environment = pulumi
    .all([databaseUrl, backendUrl, stateKey.accessKey, stateKey.secretKey, secrets.passphrase])
    .apply(([url, backend, accessKey, secretKey, passphrase]) => ({
      DATABASE_URL: url,
      PULUMI_BACKEND_URL: backend,
      AWS_ACCESS_KEY_ID: accessKey,
      AWS_SECRET_ACCESS_KEY: secretKey,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      BLKSHP_HOST: '0.0.0.0',
      BLKSHP_PORT: String(SERVICE_PORT),
      BLKSHP_PUBLIC_URL: `https://${config.domain}`,
    }));

  const droplets = Array.from({ length: config.replicas }, (_, i) => {
    const replicaName = name(`${i + 1}`);
    // TODO(self-deploy secrets): the settings travel in user data (kept secret in the state, but
    // readable from the droplet's metadata service); fetch them from a private object instead.
    const userData = pulumi.secret(
      environment.apply((env) =>
        replicaUserData({ replicaName, image: config.image, environment: env }),
      ),
    );
    return new digitalocean.Droplet(`replica-${i + 1}`, {
      name: replicaName,
      region,
      size: config.dropletSize,
      image: 'debian-13-x64',
      vpcUuid: vpc.id,
      monitoring: true,
      gracefulShutdown: true,
      tags: [REPLICA_TAG],
      sshKeys: config.sshKeys,
      userData,
    });
  });

  const certificate = new digitalocean.Certificate('certificate', {
    name: name('cert'),
    type: 'lets_encrypt',
    domains: [config.domain],
  });
  const lb = new digitalocean.LoadBalancer('lb', {
    name: name('lb'),
    region,
    vpcUuid: vpc.id,
    dropletTag: REPLICA_TAG,
    redirectHttpToHttps: true,
    forwardingRules: [
      {
        entryPort: 443,
        entryProtocol: 'https',
        targetPort: SERVICE_PORT,
        targetProtocol: 'http',
        certificateName: certificate.name,
      },
    ],
    healthcheck: { port: SERVICE_PORT, protocol: 'http', path: '/healthz' },
  });

  new digitalocean.Firewall('replica-firewall', {
    name: name('replicas'),
    tags: [REPLICA_TAG],
    inboundRules: [
      { protocol: 'tcp', portRange: String(SERVICE_PORT), sourceLoadBalancerUids: [lb.id] },
      ...(config.adminCidrs.length > 0
        ? [{ protocol: 'tcp', portRange: '22', sourceAddresses: config.adminCidrs }]
        : []),
    ],
    outboundRules: [
      ...['tcp', 'udp'].map((protocol) => ({
        protocol,
        portRange: '1-65535',
        destinationAddresses: ANYWHERE,
      })),
      { protocol: 'icmp', portRange: '', destinationAddresses: ANYWHERE },
    ],
  });

  return {
    url: pulumi.output(`https://${config.domain}`),
    loadBalancerIp: lb.ip,
    stateBucket: state.name,
    databaseHost: database.privateHost,
    replicas: droplets.map((d) => d.name),
  };
}
