/**
 * DigitalOcean as the sandbox plays it. Id formats, computed attributes and the inputs that force
 * replacement follow the Terraform provider the Pulumi package bridges (ForceNew attributes).
 */
import { mint, type PackageTable, type Props, secret, str, type TypeSpec } from '../model.ts';

const region = (inputs: Props): string => str(inputs, 'region', 'nyc3');

/** vCPUs, memory (MiB) and disk (GB) for the slugs the tiers use; others get a small default. */
const SIZES: Record<string, [number, number, number, number]> = {
  's-1vcpu-1gb': [1, 1024, 25, 6],
  's-1vcpu-2gb': [1, 2048, 50, 12],
  's-2vcpu-2gb': [2, 2048, 60, 18],
  's-2vcpu-4gb': [2, 4096, 80, 24],
  's-4vcpu-8gb': [4, 8192, 160, 48],
  's-8vcpu-16gb': [8, 16384, 320, 96],
  'g-2vcpu-8gb': [2, 8192, 25, 63],
  'g-4vcpu-16gb': [4, 16384, 50, 126],
};

function sizeFacts(inputs: Props): Props {
  const [vcpus, memory, disk, priceMonthly] = SIZES[str(inputs, 'size')] ?? [1, 1024, 25, 6];
  return { vcpus, memory, disk, priceMonthly, priceHourly: priceMonthly / 730 };
}

const uuidSpec = (urnKind: string, extra?: TypeSpec['computed']): TypeSpec => ({
  id: () => mint.uuid(),
  computed: (c) => ({
    urn: `do:${urnKind}:${c.id}`,
    createdAt: c.keep('createdAt', mint.now),
    ...extra?.(c),
  }),
});

const resources: Record<string, TypeSpec> = {
  'digitalocean:index/droplet:Droplet': {
    id: () => mint.numeric(),
    computed: (c) => ({
      urn: `do:droplet:${c.id}`,
      status: 'active',
      locked: false,
      createdAt: c.keep('createdAt', mint.now),
      ipv4Address: c.keep('ipv4Address', mint.publicIp),
      ipv4AddressPrivate: c.keep('ipv4AddressPrivate', () => mint.privateIp('10.110')),
      ipv6Address: c.inputs.ipv6 === true ? c.keep('ipv6Address', mint.ipv6) : '',
      // A resize changes what the droplet is, so these follow the size, not the first create.
      ...sizeFacts(c.inputs),
    }),
    replaceOn: ['image', 'region', 'sshKeys', 'userData', 'vpcUuid'],
    defaults: { ipv6: false, monitoring: false, backups: false },
  },
  'digitalocean:index/volume:Volume': {
    ...uuidSpec('volume', () => ({ dropletIds: [] })),
    replaceOn: ['region', 'snapshotId', 'initialFilesystemType', 'initialFilesystemLabel'],
  },
  'digitalocean:index/volumeAttachment:VolumeAttachment': {
    id: (c) => `${str(c.inputs, 'dropletId')}-${str(c.inputs, 'volumeId')}-${mint.numeric()}`,
    replaceOn: ['dropletId', 'volumeId'],
  },
  'digitalocean:index/vpc:Vpc': {
    ...uuidSpec('vpc', (c) => ({
      default: false,
      ipRange: str(c.inputs, 'ipRange', '10.110.0.0/20'),
    })),
    replaceOn: ['region', 'ipRange'],
    uniqueName: 'name',
  },
  'digitalocean:index/vpcNatGateway:VpcNatGateway': {
    id: () => mint.uuid(),
    computed: (c) => ({
      state: 'ACTIVE',
      createdAt: c.keep('createdAt', mint.now),
      updatedAt: mint.now(),
      egresses: [{ publicGateways: [{ ipv4: c.keep('egressIp', mint.publicIp) }] }],
    }),
    replaceOn: ['region', 'type'],
    uniqueName: 'name',
  },
  'digitalocean:index/firewall:Firewall': {
    ...uuidSpec('firewall', () => ({ status: 'succeeded', pendingChanges: [] })),
  },
  'digitalocean:index/loadBalancer:LoadBalancer': {
    ...uuidSpec('loadbalancer', (c) => ({
      ip: c.keep('ip', mint.publicIp),
      status: 'active',
      loadBalancerUrn: `do:loadbalancer:${c.id}`,
    })),
    replaceOn: ['region', 'vpcUuid', 'type', 'network'],
  },
  'digitalocean:index/certificate:Certificate': {
    ...uuidSpec('certificate', (c) => ({
      uuid: c.id,
      state: 'verified',
      notAfter: '2099-01-01T00:00:00Z',
      sha1Fingerprint: mint.hex(40),
    })),
    replaceOn: ['name', 'type', 'domains', 'privateKey', 'leafCertificate', 'certificateChain'],
    uniqueName: 'name',
  },
  'digitalocean:index/spacesBucket:SpacesBucket': {
    id: (c) => str(c.inputs, 'name', c.name),
    computed: (c) => ({
      urn: `do:space:${c.id}`,
      bucketDomainName: `${c.id}.${region(c.inputs)}.digitaloceanspaces.com`,
      endpoint: `${region(c.inputs)}.digitaloceanspaces.com`,
    }),
    replaceOn: ['name', 'region'],
    uniqueName: 'name',
    autoName: 'name',
    defaults: { acl: 'private', forceDestroy: false },
  },
  'digitalocean:index/spacesBucketObject:SpacesBucketObject': {
    id: (c) => str(c.inputs, 'key', c.name),
    overwrites: true,
    computed: () => ({ etag: mint.hex(32), versionId: '' }),
    replaceOn: ['bucket', 'region', 'key'],
  },
  'digitalocean:index/spacesKey:SpacesKey': {
    id: () => mint.hex(20).toUpperCase(),
    computed: (c) => ({
      accessKey: c.id,
      secretKey: c.keep('secretKey', () => secret(mint.hex(40))),
      createdAt: c.keep('createdAt', mint.now),
    }),
  },
  'digitalocean:index/spacesBucketPolicy:SpacesBucketPolicy': {
    id: (c) => `${str(c.inputs, 'region', 'nyc3')}:${str(c.inputs, 'bucket')}`,
    replaceOn: ['bucket', 'region'],
  },
  'digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration': {
    id: (c) => `${str(c.inputs, 'region', 'nyc3')}:${str(c.inputs, 'bucket')}`,
    replaceOn: ['bucket', 'region'],
  },
  'digitalocean:index/domain:Domain': {
    id: (c) => str(c.inputs, 'name', c.name),
    computed: (c) => ({ urn: `do:domain:${c.id}`, ttl: 1800 }),
    replaceOn: ['name', 'ipAddress'],
    uniqueName: 'name',
  },
  'digitalocean:index/dnsRecord:DnsRecord': {
    id: () => mint.numeric(),
    computed: (c) => ({
      fqdn: `${str(c.inputs, 'name', '@')}.${str(c.inputs, 'domain')}`.replace(/^@\./, ''),
    }),
    replaceOn: ['domain', 'type'],
    defaults: { ttl: 1800 },
  },
  'digitalocean:index/monitorAlert:MonitorAlert': {
    id: () => mint.uuid(),
    computed: (c) => ({ uuid: c.id }),
    defaults: { enabled: true },
  },
  'digitalocean:index/project:Project': {
    ...uuidSpec('project', (c) => ({
      ownerUuid: c.keep('ownerUuid', mint.uuid),
      ownerId: 1,
      isDefault: false,
      updatedAt: mint.now(),
    })),
    uniqueName: 'name',
  },
  'digitalocean:index/projectResources:ProjectResources': {
    id: (c) => str(c.inputs, 'project', mint.uuid()),
    replaceOn: ['project'],
  },
  'digitalocean:index/databaseCluster:DatabaseCluster': {
    ...uuidSpec('dbaas', (c) => {
      const host = `${c.name}-do-user-0-0.db.ondigitalocean.com`;
      const port = 25060;
      return {
        clusterUrn: `do:dbaas:${c.id}`,
        host,
        privateHost: `private-${host}`,
        port,
        database: 'defaultdb',
        user: 'doadmin',
        password: c.keep('password', () => secret(mint.hex(24))),
        uri: secret(`${str(c.inputs, 'engine', 'pg')}://doadmin@${host}:${port}/defaultdb`),
        privateUri: secret(`${str(c.inputs, 'engine', 'pg')}://doadmin@private-${host}:${port}`),
        status: 'online',
      };
    }),
    replaceOn: ['engine', 'privateNetworkUuid'],
    uniqueName: 'name',
  },
  'digitalocean:index/nfs:Nfs': {
    ...uuidSpec('nfs', (c) => ({
      host: c.keep('host', () => `10.110.0.${2 + (Number.parseInt(mint.hex(2), 16) % 250)}`),
      mountPath: `/${c.id}`,
      status: 'ACTIVE',
      vpcIds: [str(c.inputs, 'vpcId')],
    })),
    replaceOn: ['region', 'vpcId'],
    uniqueName: 'name',
  },
  'digitalocean:index/databaseFirewall:DatabaseFirewall': {
    id: (c) => `${str(c.inputs, 'clusterId')}-${mint.hex(8)}`,
    replaceOn: ['clusterId'],
  },
  'digitalocean:index/databaseUser:DatabaseUser': {
    id: (c) => `${str(c.inputs, 'clusterId')}/user/${str(c.inputs, 'name', c.name)}`,
    computed: (c) => ({ role: 'normal', password: c.keep('password', () => secret(mint.hex(24))) }),
    replaceOn: ['clusterId', 'name'],
  },
  'digitalocean:index/databaseDb:DatabaseDb': {
    id: (c) => `${str(c.inputs, 'clusterId')}/database/${str(c.inputs, 'name', c.name)}`,
    replaceOn: ['clusterId', 'name'],
  },
  'digitalocean:index/databaseConnectionPool:DatabaseConnectionPool': {
    id: (c) => `${str(c.inputs, 'clusterId')}/pool/${str(c.inputs, 'name', c.name)}`,
    computed: (c) => ({ host: `pool-${c.name}.db.ondigitalocean.com`, port: 25061 }),
    replaceOn: ['clusterId', 'name'],
  },
  'digitalocean:index/sshKey:SshKey': {
    id: () => mint.numeric(),
    computed: () => ({ fingerprint: mint.hex(32).replace(/(..)(?!$)/g, '$1:') }),
    replaceOn: ['publicKey'],
  },
  'digitalocean:index/reservedIp:ReservedIp': {
    id: () => mint.publicIp(),
    computed: (c) => ({ ipAddress: c.id, urn: `do:reservedip:${c.id}` }),
    replaceOn: ['region'],
  },
  'digitalocean:index/reservedIpAssignment:ReservedIpAssignment': {
    id: (c) => `${str(c.inputs, 'ipAddress')}-${str(c.inputs, 'dropletId')}`,
    replaceOn: ['ipAddress', 'dropletId'],
  },
  'digitalocean:index/tag:Tag': {
    id: (c) => str(c.inputs, 'name', c.name),
    computed: () => ({ resourcesCount: 0, totalResourceCount: 0 }),
    replaceOn: ['name'],
  },
  'digitalocean:index/uptimeCheck:UptimeCheck': {
    id: () => mint.uuid(),
    defaults: { enabled: true, type: 'https' },
  },
  'digitalocean:index/uptimeAlert:UptimeAlert': {
    id: () => mint.uuid(),
    replaceOn: ['checkId'],
  },
};

const invokes: PackageTable['invokes'] = {
  'digitalocean:index/getImage:getImage': (args) => {
    const slug = str(args, 'slug', 'ubuntu-24-04-x64');
    return {
      id: 160_000_000,
      image: String(160_000_000),
      slug,
      name: str(args, 'name', slug),
      distribution: 'Ubuntu',
      type: 'base',
      public: true,
      minDiskSize: 7,
      regions: ['nyc1', 'nyc3', 'ams3', 'fra1', 'lon1', 'sfo3', 'sgp1', 'tor1'],
      status: 'available',
      private: false,
      sizeGigabytes: 2.36,
      created: '2024-04-24T00:00:00Z',
      description: 'Ubuntu 24.04 (LTS) x64',
      tags: [],
      errorMessage: '',
    };
  },
  'digitalocean:index/getRegion:getRegion': (args) => {
    const slug = str(args, 'slug', 'nyc3');
    return { id: slug, slug, name: slug, available: true, features: [], sizes: [] };
  },
  'digitalocean:index/getAccount:getAccount': () => ({
    id: 'sandbox',
    uuid: '00000000-0000-4000-8000-000000000000',
    email: 'sandbox@blkshp.invalid',
    emailVerified: true,
    status: 'active',
    dropletLimit: 100,
    floatingIpLimit: 10,
    volumeLimit: 100,
    statusMessage: '',
  }),
};

export const digitaloceanTable: PackageTable = { resources, invokes };
