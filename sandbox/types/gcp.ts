/**
 * Google Cloud as the sandbox plays it: ids are the resource paths the Terraform provider uses
 * (`projects/p/zones/z/instances/name`), compute resources carry a self link, and names are
 * unique per project, so a replacement that keeps the name deletes first.
 */
import { lastSegment, mint, type PackageTable, type Props, str, type TypeSpec } from '../model.ts';

// TODO(sandbox provider config): the Node provider server drops Configure's values, so the
// provider's `project`/`region` are invisible here; resources without them get these.
const DEFAULT_PROJECT = 'blkshp-sandbox';
const DEFAULT_REGION = 'us-central1';

const COMPUTE = 'https://www.googleapis.com/compute/v1';
const SQL_ADMIN = 'https://sqladmin.googleapis.com/sql/v1beta4';

const project = (i: Props): string => str(i, 'project', DEFAULT_PROJECT);
const zone = (i: Props): string => lastSegment(str(i, 'zone', `${DEFAULT_REGION}-a`));
const region = (i: Props): string =>
  lastSegment(str(i, 'region', str(i, 'zone') ? zone(i).replace(/-[a-z]$/, '') : DEFAULT_REGION));
const name = (c: { inputs: Props; name: string }): string => str(c.inputs, 'name', c.name);

type Scope = 'global' | 'regional' | 'zonal';

function scopePath(scope: Scope, i: Props): string {
  if (scope === 'zonal') return `projects/${project(i)}/zones/${zone(i)}`;
  if (scope === 'regional') return `projects/${project(i)}/regions/${region(i)}`;
  return `projects/${project(i)}/global`;
}

/** A named Compute Engine resource: path id, self link, numeric id, creation time. */
function compute(
  collection: string,
  scope: Scope,
  replaceOn: readonly string[],
  extra?: TypeSpec['computed'],
): TypeSpec {
  return {
    id: (c) => `${scopePath(scope, c.inputs)}/${collection}/${name(c)}`,
    computed: (c) => ({
      selfLink: `${COMPUTE}/${c.id}`,
      creationTimestamp: c.keep('creationTimestamp', mint.now),
      project: project(c.inputs),
      ...(scope === 'zonal' ? { zone: zone(c.inputs) } : {}),
      ...(scope === 'regional' ? { region: region(c.inputs) } : {}),
      ...extra?.(c),
    }),
    replaceOn: [
      'name',
      'project',
      ...(scope === 'global' ? [] : [scope === 'zonal' ? 'zone' : 'region']),
      ...replaceOn,
    ],
    uniqueName: 'name',
    autoName: 'name',
  };
}

const numericId = (c: { keep: (k: string, m: () => unknown) => unknown }): unknown =>
  c.keep('instanceId', () => mint.numeric() + mint.numeric().slice(0, 9));

const resources: Record<string, TypeSpec> = {
  'gcp:compute/instance:Instance': compute(
    'instances',
    'zonal',
    ['bootDisk', 'metadataStartupScript', 'scratchDisks'],
    (c) => ({
      instanceId: numericId(c),
      currentStatus: 'RUNNING',
      cpuPlatform: 'Intel Cascade Lake',
      labelFingerprint: mint.hex(11),
      metadataFingerprint: mint.hex(11),
      tagsFingerprint: mint.hex(11),
      networkInterfaces: withAddresses(c.inputs.networkInterfaces, c.prev?.networkInterfaces),
    }),
  ),
  'gcp:compute/instanceTemplate:InstanceTemplate': compute('instanceTemplates', 'global', [
    'machineType',
    'disks',
    'networkInterfaces',
    'metadata',
    'metadataStartupScript',
  ]),
  'gcp:compute/disk:Disk': compute('disks', 'zonal', ['image', 'snapshot', 'type'], (c) => ({
    diskId: numericId(c),
    users: [],
    labelFingerprint: mint.hex(11),
  })),
  'gcp:compute/attachedDisk:AttachedDisk': {
    id: (c) =>
      `projects/${project(c.inputs)}/zones/${zone(c.inputs)}/instances/` +
      `${lastSegment(str(c.inputs, 'instance'))}/${lastSegment(str(c.inputs, 'disk'))}`,
    replaceOn: ['disk', 'instance', 'zone', 'project', 'deviceName', 'mode'],
  },
  'gcp:compute/snapshot:Snapshot': compute('snapshots', 'global', ['sourceDisk']),
  'gcp:compute/resourcePolicy:ResourcePolicy': compute('resourcePolicies', 'regional', [
    'snapshotSchedulePolicy',
  ]),
  'gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment': {
    id: (c) => `${project(c.inputs)}/${zone(c.inputs)}/${str(c.inputs, 'disk')}/${name(c)}`,
    replaceOn: ['disk', 'name', 'zone', 'project'],
  },
  'gcp:compute/network:Network': compute('networks', 'global', ['autoCreateSubnetworks'], (c) => ({
    gatewayIpv4: '',
    numericId: numericId(c),
  })),
  'gcp:compute/subnetwork:Subnetwork': compute('subnetworks', 'regional', ['network'], (c) => ({
    gatewayAddress: gateway(str(c.inputs, 'ipCidrRange', '10.0.0.0/24')),
    fingerprint: mint.hex(11),
  })),
  'gcp:compute/firewall:Firewall': compute('firewalls', 'global', ['network', 'direction']),
  'gcp:compute/route:Route': compute('routes', 'global', [
    'network',
    'destRange',
    'nextHopGateway',
    'nextHopIp',
    'priority',
  ]),
  'gcp:compute/address:Address': compute(
    'addresses',
    'regional',
    ['addressType', 'purpose', 'subnetwork', 'networkTier'],
    (c) => ({
      address: c.keep('address', () =>
        str(c.inputs, 'addressType') === 'INTERNAL' ? mint.privateIp('10.0') : mint.publicIp(),
      ),
      users: [],
    }),
  ),
  'gcp:compute/globalAddress:GlobalAddress': compute(
    'addresses',
    'global',
    ['addressType', 'purpose', 'network', 'prefixLength', 'ipVersion'],
    (c) => ({ address: c.keep('address', mint.publicIp) }),
  ),
  'gcp:compute/managedSslCertificate:ManagedSslCertificate': compute(
    'sslCertificates',
    'global',
    ['managed', 'type'],
    (c) => ({
      certificateId: numericId(c),
      expireTime: '2099-01-01T00:00:00Z',
      subjectAlternativeNames: (c.inputs.managed as { domains?: unknown } | undefined)?.domains,
    }),
  ),
  'gcp:compute/sSLPolicy:SSLPolicy': compute('sslPolicies', 'global', [], () => ({
    fingerprint: mint.hex(11),
    enabledFeatures: [],
  })),
  'gcp:compute/securityPolicy:SecurityPolicy': compute(
    'securityPolicies',
    'global',
    ['type'],
    () => ({
      fingerprint: mint.hex(11),
    }),
  ),
  'gcp:compute/backendService:BackendService': compute(
    'backendServices',
    'global',
    ['loadBalancingScheme'],
    () => ({ fingerprint: mint.hex(11), generatedId: Number(mint.numeric()) }),
  ),
  'gcp:compute/uRLMap:URLMap': compute('urlMaps', 'global', [], () => ({
    fingerprint: mint.hex(11),
    mapId: Number(mint.numeric()),
  })),
  'gcp:compute/targetHttpsProxy:TargetHttpsProxy': compute(
    'targetHttpsProxies',
    'global',
    [],
    () => ({
      proxyId: Number(mint.numeric()),
    }),
  ),
  'gcp:compute/targetHttpProxy:TargetHttpProxy': compute('targetHttpProxies', 'global', [], () => ({
    proxyId: Number(mint.numeric()),
  })),
  'gcp:compute/globalForwardingRule:GlobalForwardingRule': compute(
    'forwardingRules',
    'global',
    ['ipAddress', 'ipProtocol', 'portRange', 'loadBalancingScheme', 'network', 'ipVersion'],
    (c) => ({ ipAddress: c.keep('ipAddress', mint.publicIp), pscConnectionId: '' }),
  ),
  'gcp:compute/instanceGroup:InstanceGroup': compute(
    'instanceGroups',
    'zonal',
    ['network'],
    () => ({
      size: 0,
    }),
  ),
  'gcp:compute/healthCheck:HealthCheck': compute('healthChecks', 'global', [], (c) => ({
    type:
      Object.keys(c.inputs)
        .find((k) => k.endsWith('HealthCheck'))
        ?.replace('HealthCheck', '')
        .toUpperCase() ?? 'HTTP',
  })),
  'gcp:compute/router:Router': compute('routers', 'regional', ['network']),
  'gcp:compute/routerNat:RouterNat': {
    id: (c) =>
      `${project(c.inputs)}/${region(c.inputs)}/${lastSegment(str(c.inputs, 'router'))}/${name(c)}`,
    computed: (c) => ({ project: project(c.inputs), region: region(c.inputs) }),
    replaceOn: ['name', 'router', 'region', 'project'],
    uniqueName: 'name',
  },
  'gcp:monitoring/alertPolicy:AlertPolicy': {
    id: (c) => `projects/${project(c.inputs)}/alertPolicies/${mint.numeric()}`,
    computed: (c) => ({
      name: c.id,
      creationRecords: [{ mutateTime: c.keep('mutateTime', mint.now), mutatedBy: 'sandbox' }],
    }),
    replaceOn: ['project'],
  },
  'gcp:monitoring/notificationChannel:NotificationChannel': {
    id: (c) => `projects/${project(c.inputs)}/notificationChannels/${mint.numeric()}`,
    computed: (c) => ({ name: c.id, verificationStatus: 'VERIFIED' }),
    replaceOn: ['project'],
    defaults: { enabled: true },
  },
  'gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig': {
    id: (c) => `projects/${project(c.inputs)}/uptimeCheckConfigs/${c.name}-${mint.hex(8)}`,
    computed: (c) => ({ name: c.id, uptimeCheckId: lastSegment(c.id) }),
    replaceOn: ['project', 'monitoredResource', 'resourceGroup'],
  },
  'gcp:kms/keyRing:KeyRing': {
    id: (c) =>
      `projects/${project(c.inputs)}/locations/${str(c.inputs, 'location', 'global')}` +
      `/keyRings/${name(c)}`,
    replaceOn: ['name', 'location', 'project'],
    uniqueName: 'name',
  },
  'gcp:kms/cryptoKey:CryptoKey': {
    id: (c) => `${str(c.inputs, 'keyRing')}/cryptoKeys/${name(c)}`,
    computed: () => ({ primaries: [{ name: 'cryptoKeyVersions/1', state: 'ENABLED' }] }),
    replaceOn: ['name', 'keyRing', 'versionTemplate', 'importOnly', 'skipInitialVersionCreation'],
    uniqueName: 'name',
    defaults: { purpose: 'ENCRYPT_DECRYPT' },
  },
  'gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember': {
    id: (c) =>
      `${str(c.inputs, 'cryptoKeyId')}/${str(c.inputs, 'role')}/${str(c.inputs, 'member')}`,
    computed: () => ({ etag: mint.hex(12) }),
    replaceOn: ['cryptoKeyId', 'role', 'member', 'condition'],
  },
  'gcp:sql/databaseInstance:DatabaseInstance': {
    id: (c) => name(c),
    computed: (c) => ({
      connectionName: `${project(c.inputs)}:${region(c.inputs)}:${c.id}`,
      selfLink: `${SQL_ADMIN}/projects/${project(c.inputs)}/instances/${c.id}`,
      privateIpAddress: c.keep('privateIpAddress', () => mint.privateIp('10.20')),
      publicIpAddress: '',
      firstIpAddress: c.keep('firstIpAddress', () => mint.privateIp('10.20')),
      serviceAccountEmailAddress: `p${mint.numeric()}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
      project: project(c.inputs),
      region: region(c.inputs),
    }),
    replaceOn: ['name', 'region', 'project', 'masterInstanceName', 'encryptionKeyName'],
    uniqueName: 'name',
    autoName: 'name',
  },
  'gcp:sql/database:Database': {
    id: (c) =>
      `projects/${project(c.inputs)}/instances/${str(c.inputs, 'instance')}/databases/${name(c)}`,
    computed: (c) => ({ selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/${c.id}` }),
    replaceOn: ['name', 'instance', 'project'],
    uniqueName: 'name',
  },
  'gcp:sql/user:User': {
    id: (c) => `${name(c)}/${str(c.inputs, 'host')}/${str(c.inputs, 'instance')}`,
    replaceOn: ['name', 'instance', 'host', 'project'],
  },
  'gcp:storage/bucket:Bucket': {
    id: (c) => name(c),
    computed: (c) => ({
      url: `gs://${c.id}`,
      selfLink: `https://www.googleapis.com/storage/v1/b/${c.id}`,
      project: project(c.inputs),
      projectNumber: 100000000001,
      storageClass: str(c.inputs, 'storageClass', 'STANDARD'),
    }),
    replaceOn: ['name', 'location', 'project'],
    uniqueName: 'name',
    autoName: 'name',
    defaults: { forceDestroy: false },
  },
  'gcp:storage/bucketIAMMember:BucketIAMMember': {
    id: (c) => `b/${str(c.inputs, 'bucket')}/${str(c.inputs, 'role')}/${str(c.inputs, 'member')}`,
    computed: () => ({ etag: mint.hex(12) }),
    replaceOn: ['bucket', 'role', 'member', 'condition'],
  },
  'gcp:serviceaccount/account:Account': {
    id: (c) =>
      `projects/${project(c.inputs)}/serviceAccounts/` +
      `${str(c.inputs, 'accountId', c.name)}@${project(c.inputs)}.iam.gserviceaccount.com`,
    computed: (c) => ({
      email: lastSegment(c.id),
      member: `serviceAccount:${lastSegment(c.id)}`,
      name: c.id,
      uniqueId: c.keep('uniqueId', () => mint.numeric() + mint.numeric()),
    }),
    replaceOn: ['accountId', 'project'],
    uniqueName: 'accountId',
  },
  'gcp:secretmanager/secretIamMember:SecretIamMember': {
    id: (c) => `${str(c.inputs, 'secretId')}/${str(c.inputs, 'role')}/${str(c.inputs, 'member')}`,
    computed: () => ({ etag: mint.hex(12) }),
    replaceOn: ['secretId', 'role', 'member', 'project', 'condition'],
  },
  'gcp:dns/recordSet:RecordSet': {
    id: (c) =>
      `projects/${project(c.inputs)}/managedZones/${lastSegment(str(c.inputs, 'managedZone'))}` +
      `/rrsets/${str(c.inputs, 'name')}/${str(c.inputs, 'type')}`,
    computed: (c) => ({ project: project(c.inputs) }),
    replaceOn: ['managedZone', 'name', 'type', 'project'],
  },
  'gcp:projects/service:Service': {
    id: (c) => `${project(c.inputs)}/${str(c.inputs, 'service')}`,
    replaceOn: ['service', 'project'],
  },
  'gcp:secretmanager/secret:Secret': {
    id: (c) => `projects/${project(c.inputs)}/secrets/${str(c.inputs, 'secretId', c.name)}`,
    computed: (c) => ({ name: c.id, createTime: c.keep('createTime', mint.now) }),
    replaceOn: ['secretId', 'project', 'replication'],
    uniqueName: 'secretId',
  },
  'gcp:secretmanager/secretVersion:SecretVersion': {
    id: (c) => `${str(c.inputs, 'secret')}/versions/1`,
    computed: (c) => ({ name: c.id, version: '1', createTime: c.keep('createTime', mint.now) }),
    replaceOn: ['secret', 'secretData'],
  },
  'gcp:logging/projectSink:ProjectSink': {
    id: (c) => `projects/${project(c.inputs)}/sinks/${name(c)}`,
    computed: (c) => ({
      writerIdentity: `serviceAccount:s-${mint.numeric()}@gcp-sa-logging.iam.gserviceaccount.com`,
      project: project(c.inputs),
    }),
    replaceOn: ['name', 'project'],
    uniqueName: 'name',
  },
};

/** The first usable address of a CIDR block (the subnet's gateway). */
function gateway(cidr: string): string {
  const base = cidr.split('/')[0] ?? '10.0.0.0';
  const parts = base.split('.');
  parts[3] = '1';
  return parts.join('.');
}

/** Network interfaces with the internal (and, for access configs, external) addresses filled in. */
function withAddresses(value: unknown, previous: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const prev = Array.isArray(previous) ? previous : [];
  return value.map((nic: unknown, index: number) => {
    if (typeof nic !== 'object' || nic === null) return nic;
    const old = (prev[index] ?? {}) as Props;
    const n = nic as Props;
    const configs = Array.isArray(n.accessConfigs) ? n.accessConfigs : [];
    const oldConfigs = Array.isArray(old.accessConfigs) ? old.accessConfigs : [];
    return {
      ...n,
      name: `nic${index}`,
      networkIp: n.networkIp ?? old.networkIp ?? mint.privateIp('10.128'),
      accessConfigs: configs.map((ac: unknown, j: number) => ({
        ...(ac as Props),
        natIp:
          (ac as Props).natIp ?? (oldConfigs[j] as Props | undefined)?.natIp ?? mint.publicIp(),
        networkTier: (ac as Props).networkTier ?? 'PREMIUM',
      })),
    };
  });
}

const ZONE_SUFFIXES = ['a', 'b', 'c', 'f'];

const invokes: PackageTable['invokes'] = {
  'gcp:compute/getImage:getImage': (args) => {
    const family = str(args, 'family', 'debian-12');
    const imageProject = str(args, 'project', 'debian-cloud');
    const imageName = str(args, 'name', `${family}-v20250101`);
    return {
      id: `projects/${imageProject}/global/images/${imageName}`,
      name: imageName,
      family,
      project: imageProject,
      selfLink: `${COMPUTE}/projects/${imageProject}/global/images/${imageName}`,
      status: 'READY',
      diskSizeGb: 10,
      archiveSizeBytes: 1_000_000_000,
      creationTimestamp: '2025-01-01T00:00:00.000-08:00',
      description: `${family} image`,
      imageId: '1000000000000000001',
      labels: {},
      labelFingerprint: '42WmSpB8rSM=',
      licenses: [],
      sourceDisk: '',
      sourceDiskId: '',
      sourceImageId: '',
      sourceDiskEncryptionKeySha256: '',
      imageEncryptionKeySha256: '',
      effectiveLabels: {},
      pulumiLabels: {},
    };
  },
  'gcp:compute/getZones:getZones': (args) => {
    const r = str(args, 'region', DEFAULT_REGION);
    return {
      id: `projects/${str(args, 'project', DEFAULT_PROJECT)}/regions/${r}`,
      names: ZONE_SUFFIXES.slice(0, 3).map((s) => `${r}-${s}`),
      project: str(args, 'project', DEFAULT_PROJECT),
      region: r,
    };
  },
  'gcp:organizations/getProject:getProject': (args) => ({
    id: `projects/${str(args, 'projectId', DEFAULT_PROJECT)}`,
    projectId: str(args, 'projectId', DEFAULT_PROJECT),
    number: '100000000001',
    name: str(args, 'projectId', DEFAULT_PROJECT),
    labels: {},
  }),
  'gcp:organizations/getClientConfig:getClientConfig': () => ({
    id: 'sandbox',
    project: DEFAULT_PROJECT,
    region: DEFAULT_REGION,
    zone: `${DEFAULT_REGION}-a`,
    accessToken: 'sandbox-token',
  }),
};

export const gcpTable: PackageTable = { resources, invokes };
