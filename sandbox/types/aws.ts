/**
 * AWS as the sandbox plays it: prefixed ids (`vpc-`, `sg-`, `i-`), ARNs in the right service
 * namespace, `tagsAll` mirroring `tags`, and the ForceNew inputs of the Terraform provider.
 */
import { mint, type PackageTable, type Props, str, type TypeSpec } from '../model.ts';

// TODO(sandbox provider config): Configure's values never reach a Node provider, so the
// provider's region is unknown; a resource's own `region` or availability zone decides, else this.
const DEFAULT_REGION = 'us-east-1';
const ACCOUNT = '123456789012';

function region(i: Props): string {
  const az = str(i, 'availabilityZone');
  return str(i, 'region', az ? az.replace(/[a-z]$/, '') : DEFAULT_REGION);
}

const arn = (service: string, i: Props, resource: string): string =>
  `arn:aws:${service}:${region(i)}:${ACCOUNT}:${resource}`;

const elbArn = (i: Props, resource: string): string =>
  `arn:aws:elasticloadbalancing:${region(i)}:${ACCOUNT}:${resource}/${mint.hex(16)}`;

const name = (c: { inputs: Props; name: string }, key = 'name'): string =>
  str(c.inputs, key, c.name);

/** Most AWS resources: a prefixed hex id, an ARN built from it, `tagsAll` and `region`. */
function prefixed(
  prefix: string,
  arnOf: ((id: string, i: Props) => string) | undefined,
  replaceOn: readonly string[],
  extra?: TypeSpec['computed'],
): TypeSpec {
  return {
    id: () => `${prefix}-0${mint.hex(16)}`,
    computed: (c) => ({
      ...(arnOf ? { arn: arnOf(c.id, c.inputs) } : {}),
      ownerId: ACCOUNT,
      region: region(c.inputs),
      tagsAll: c.inputs.tags ?? {},
      ...extra?.(c),
    }),
    replaceOn,
  };
}

/** Resources whose id is their own name (buckets, DB instances, alarms, log groups). */
function named(
  key: string,
  arnOf: ((id: string, i: Props) => string) | undefined,
  replaceOn: readonly string[],
  extra?: TypeSpec['computed'],
): TypeSpec {
  return {
    id: (c) => name(c, key),
    computed: (c) => ({
      ...(arnOf ? { arn: arnOf(c.id, c.inputs) } : {}),
      region: region(c.inputs),
      tagsAll: c.inputs.tags ?? {},
      ...extra?.(c),
    }),
    replaceOn: [key, ...replaceOn],
    uniqueName: key,
    autoName: key,
  };
}

/** A bucket sub-resource (versioning, encryption, ...): its id is the bucket's name. */
const bucketPart: TypeSpec = {
  id: (c) => str(c.inputs, 'bucket'),
  computed: (c) => ({ region: region(c.inputs) }),
  replaceOn: ['bucket', 'expectedBucketOwner'],
  uniqueName: 'bucket',
};

const resources: Record<string, TypeSpec> = {
  'aws:ec2/vpc:Vpc': prefixed(
    'vpc',
    (id, i) => arn('ec2', i, `vpc/${id}`),
    ['cidrBlock', 'ipv4IpamPoolId'],
    (c) => ({
      defaultSecurityGroupId: c.keep('defaultSecurityGroupId', () => `sg-0${mint.hex(16)}`),
      defaultRouteTableId: c.keep('defaultRouteTableId', () => `rtb-0${mint.hex(16)}`),
      mainRouteTableId: c.keep('mainRouteTableId', () => `rtb-0${mint.hex(16)}`),
      defaultNetworkAclId: c.keep('defaultNetworkAclId', () => `acl-0${mint.hex(16)}`),
      dhcpOptionsId: 'dopt-0sandbox',
    }),
  ),
  'aws:ec2/subnet:Subnet': prefixed(
    'subnet',
    (id, i) => arn('ec2', i, `subnet/${id}`),
    ['vpcId', 'cidrBlock', 'availabilityZone', 'availabilityZoneId'],
    (c) => ({ availabilityZone: str(c.inputs, 'availabilityZone', `${region(c.inputs)}a`) }),
  ),
  'aws:ec2/internetGateway:InternetGateway': prefixed(
    'igw',
    (id, i) => arn('ec2', i, `internet-gateway/${id}`),
    [],
  ),
  'aws:ec2/natGateway:NatGateway': prefixed(
    'nat',
    undefined,
    ['allocationId', 'subnetId', 'connectivityType', 'privateIp'],
    (c) => ({
      publicIp: c.keep('publicIp', mint.publicIp),
      privateIp: c.keep('privateIp', () => mint.privateIp('10.0')),
    }),
  ),
  'aws:ec2/routeTable:RouteTable': prefixed('rtb', (id, i) => arn('ec2', i, `route-table/${id}`), [
    'vpcId',
  ]),
  'aws:ec2/route:Route': {
    id: (c) => `r-${str(c.inputs, 'routeTableId')}${mint.numeric()}`,
    computed: () => ({ state: 'active', origin: 'CreateRoute' }),
    replaceOn: ['routeTableId', 'destinationCidrBlock', 'destinationIpv6CidrBlock'],
  },
  'aws:ec2/routeTableAssociation:RouteTableAssociation': prefixed('rtbassoc', undefined, [
    'subnetId',
    'gatewayId',
  ]),
  'aws:ec2/securityGroup:SecurityGroup': {
    ...prefixed('sg', (id, i) => arn('ec2', i, `security-group/${id}`), [
      'name',
      'namePrefix',
      'vpcId',
      'description',
    ]),
    uniqueName: 'name',
    autoName: 'name',
    defaults: { description: 'Managed by Pulumi', revokeRulesOnDelete: false },
  },
  'aws:ec2/defaultSecurityGroup:DefaultSecurityGroup': prefixed(
    'sg',
    (id, i) => arn('ec2', i, `security-group/${id}`),
    ['vpcId'],
  ),
  'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': prefixed(
    'sgr',
    (id, i) => arn('ec2', i, `security-group-rule/${id}`),
    ['securityGroupId'],
    (c) => ({ securityGroupRuleId: c.id }),
  ),
  'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule': prefixed(
    'sgr',
    (id, i) => arn('ec2', i, `security-group-rule/${id}`),
    ['securityGroupId'],
    (c) => ({ securityGroupRuleId: c.id }),
  ),
  'aws:ec2/instance:Instance': prefixed(
    'i',
    (id, i) => arn('ec2', i, `instance/${id}`),
    [
      'ami',
      'subnetId',
      'availabilityZone',
      'keyName',
      'privateIp',
      'associatePublicIpAddress',
      'ebsBlockDevices',
      'tenancy',
      'placementGroup',
    ],
    (c) => ({
      instanceState: 'running',
      availabilityZone: str(c.inputs, 'availabilityZone', `${region(c.inputs)}a`),
      privateIp: c.keep('privateIp', () => mint.privateIp('10.0')),
      privateDns: `ip-${mint.hex(8)}.ec2.internal`,
      publicIp: c.inputs.associatePublicIpAddress === true ? c.keep('publicIp', mint.publicIp) : '',
      primaryNetworkInterfaceId: c.keep('primaryNetworkInterfaceId', () => `eni-0${mint.hex(16)}`),
      rootBlockDevice: {
        volumeSize: 8,
        volumeType: 'gp3',
        encrypted: false,
        deleteOnTermination: true,
        ...(c.inputs.rootBlockDevice as Props | undefined),
        volumeId: c.keep('rootVolumeId', () => `vol-0${mint.hex(16)}`),
      },
    }),
  ),
  'aws:ec2/launchTemplate:LaunchTemplate': {
    ...prefixed(
      'lt',
      (id, i) => arn('ec2', i, `launch-template/${id}`),
      ['name', 'namePrefix'],
      () => ({
        latestVersion: 1,
        defaultVersion: 1,
      }),
    ),
    uniqueName: 'name',
    autoName: 'name',
  },
  'aws:ec2/keyPair:KeyPair': {
    id: (c) => name(c, 'keyName'),
    computed: (c) => ({
      arn: arn('ec2', c.inputs, `key-pair/${c.id}`),
      keyPairId: c.keep('keyPairId', () => `key-0${mint.hex(16)}`),
      fingerprint: mint.hex(32),
      tagsAll: c.inputs.tags ?? {},
    }),
    replaceOn: ['keyName', 'keyNamePrefix', 'publicKey'],
    uniqueName: 'keyName',
    autoName: 'keyName',
  },
  'aws:ebs/volume:Volume': prefixed('vol', (id, i) => arn('ec2', i, `volume/${id}`), [
    'availabilityZone',
    'encrypted',
    'kmsKeyId',
    'snapshotId',
    'outpostArn',
  ]),
  'aws:ec2/volumeAttachment:VolumeAttachment': {
    id: () => `vai-${mint.numeric()}`,
    replaceOn: ['deviceName', 'instanceId', 'volumeId'],
  },
  'aws:ec2/eip:Eip': prefixed(
    'eipalloc',
    (id, i) => arn('ec2', i, `elastic-ip/${id}`),
    ['domain', 'publicIpv4Pool', 'address'],
    (c) => ({
      allocationId: c.id,
      publicIp: c.keep('publicIp', mint.publicIp),
      publicDns: `ec2-${mint.hex(6)}.compute-1.amazonaws.com`,
      domain: str(c.inputs, 'domain', 'vpc'),
    }),
  ),
  'aws:ec2/eipAssociation:EipAssociation': prefixed('eipassoc', undefined, [
    'allocationId',
    'instanceId',
    'networkInterfaceId',
    'privateIpAddress',
    'publicIp',
  ]),
  'aws:ec2/flowLog:FlowLog': prefixed('fl', (id, i) => arn('ec2', i, `vpc-flow-log/${id}`), [
    'vpcId',
    'subnetId',
    'eniId',
    'trafficType',
    'logDestination',
    'logDestinationType',
    'logGroupName',
    'iamRoleArn',
    'maxAggregationInterval',
    'logFormat',
  ]),
  'aws:lb/loadBalancer:LoadBalancer': {
    id: (c) => elbArn(c.inputs, `loadbalancer/app/${name(c)}`),
    computed: (c) => ({
      arn: c.id,
      arnSuffix: c.id.split(':loadbalancer/')[1] ?? '',
      dnsName: `${name(c)}-${mint.numeric()}.${region(c.inputs)}.elb.amazonaws.com`,
      zoneId: 'Z35SXDOTRQ7X7K',
      vpcId: c.keep('vpcId', () => `vpc-0${mint.hex(16)}`),
      region: region(c.inputs),
      tagsAll: c.inputs.tags ?? {},
    }),
    replaceOn: ['name', 'namePrefix', 'internal', 'loadBalancerType'],
    uniqueName: 'name',
    autoName: 'name',
    defaults: { loadBalancerType: 'application', internal: false },
  },
  'aws:lb/targetGroup:TargetGroup': {
    id: (c) => elbArn(c.inputs, `targetgroup/${name(c)}`),
    computed: (c) => ({
      arn: c.id,
      arnSuffix: c.id.split(':')[5] ?? '',
      loadBalancerArns: [],
      region: region(c.inputs),
      tagsAll: c.inputs.tags ?? {},
    }),
    replaceOn: ['name', 'namePrefix', 'port', 'protocol', 'vpcId', 'targetType', 'protocolVersion'],
    uniqueName: 'name',
    autoName: 'name',
    defaults: { targetType: 'instance' },
  },
  'aws:lb/listener:Listener': {
    id: (c) =>
      `${str(c.inputs, 'loadBalancerArn').replace(':loadbalancer/', ':listener/')}/${mint.hex(16)}`,
    computed: (c) => ({ arn: c.id, region: region(c.inputs), tagsAll: c.inputs.tags ?? {} }),
    replaceOn: ['loadBalancerArn'],
  },
  'aws:lb/listenerRule:ListenerRule': {
    id: (c) =>
      `${str(c.inputs, 'listenerArn').replace(':listener/', ':listener-rule/')}/${mint.hex(16)}`,
    computed: (c) => ({ arn: c.id, region: region(c.inputs), tagsAll: c.inputs.tags ?? {} }),
    replaceOn: ['listenerArn'],
  },
  'aws:lb/targetGroupAttachment:TargetGroupAttachment': prefixed('tga', undefined, [
    'targetGroupArn',
    'targetId',
    'port',
    'availabilityZone',
  ]),
  'aws:acm/certificate:Certificate': prefixed(
    'cert',
    undefined,
    [
      'domainName',
      'subjectAlternativeNames',
      'keyAlgorithm',
      'privateKey',
      'certificateAuthorityArn',
    ],
    (c) => ({
      arn: c.keep('arn', () => arn('acm', c.inputs, `certificate/${mint.uuid()}`)),
      status: 'ISSUED',
      notAfter: '2099-01-01T00:00:00Z',
      domainValidationOptions: [
        str(c.inputs, 'domainName'),
        ...((c.inputs.subjectAlternativeNames as string[] | undefined) ?? []),
      ].map((domain) => ({
        domainName: domain,
        resourceRecordName: `_${mint.hex(32)}.${domain}.`,
        resourceRecordType: 'CNAME',
        resourceRecordValue: `_${mint.hex(32)}.acm-validations.aws.`,
      })),
    }),
  ),
  'aws:acm/certificateValidation:CertificateValidation': {
    id: () => mint.now(),
    replaceOn: ['certificateArn', 'validationRecordFqdns'],
  },
  'aws:route53/zone:Zone': {
    id: () => `Z0${mint.hex(18).toUpperCase()}`,
    computed: (c) => ({
      zoneId: c.id,
      arn: `arn:aws:route53:::hostedzone/${c.id}`,
      nameServers: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-3.awsdns-03.com'],
      tagsAll: c.inputs.tags ?? {},
    }),
    replaceOn: ['name', 'delegationSetId'],
  },
  'aws:route53/record:Record': {
    id: (c) =>
      `${str(c.inputs, 'zoneId')}_${str(c.inputs, 'name')}_${str(c.inputs, 'type')}` +
      (str(c.inputs, 'setIdentifier') ? `_${str(c.inputs, 'setIdentifier')}` : ''),
    computed: (c) => ({ fqdn: str(c.inputs, 'name') }),
    replaceOn: ['zoneId', 'name', 'type', 'setIdentifier'],
  },
  'aws:s3/bucket:Bucket': named(
    'bucket',
    (id) => `arn:aws:s3:::${id}`,
    ['bucketPrefix', 'objectLockEnabled'],
    (c) => ({
      bucketDomainName: `${c.id}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${c.id}.s3.${region(c.inputs)}.amazonaws.com`,
      hostedZoneId: 'Z3AQBSTGFYJSTF',
      bucketRegion: region(c.inputs),
    }),
  ),
  'aws:s3/bucketV2:BucketV2': named(
    'bucket',
    (id) => `arn:aws:s3:::${id}`,
    ['bucketPrefix'],
    (c) => ({
      bucketDomainName: `${c.id}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${c.id}.s3.${region(c.inputs)}.amazonaws.com`,
    }),
  ),
  'aws:s3/bucketVersioning:BucketVersioning': bucketPart,
  'aws:s3/bucketVersioningV2:BucketVersioningV2': bucketPart,
  'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration':
    bucketPart,
  'aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2':
    bucketPart,
  'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock': bucketPart,
  'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration': bucketPart,
  'aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2': bucketPart,
  'aws:s3/bucketPolicy:BucketPolicy': bucketPart,
  'aws:s3/bucketOwnershipControls:BucketOwnershipControls': bucketPart,
  'aws:s3/bucketLogging:BucketLogging': bucketPart,
  'aws:rds/instance:Instance': {
    ...named(
      'identifier',
      (id, i) => arn('rds', i, `db:${id}`),
      [
        'engine',
        'identifierPrefix',
        'availabilityZone',
        'storageEncrypted',
        'kmsKeyId',
        'username',
        'dbName',
        'characterSetName',
        'snapshotIdentifier',
        'timezone',
      ],
      (c) => {
        const port = str(c.inputs, 'engine').includes('mysql') ? 3306 : 5432;
        const host = `${c.id}.c${mint.hex(10)}.${region(c.inputs)}.rds.amazonaws.com`;
        return {
          address: c.keep('address', () => host),
          endpoint: c.keep('endpoint', () => `${host}:${port}`),
          port,
          hostedZoneId: 'Z2R2ITUGPM61AM',
          resourceId: c.keep('resourceId', () => `db-${mint.hex(26).toUpperCase()}`),
          status: 'available',
          engineVersionActual: str(c.inputs, 'engineVersion', '16.4'),
        };
      },
    ),
  },
  'aws:rds/subnetGroup:SubnetGroup': named('name', (id, i) => arn('rds', i, `subgrp:${id}`), [
    'namePrefix',
  ]),
  'aws:rds/parameterGroup:ParameterGroup': named('name', (id, i) => arn('rds', i, `pg:${id}`), [
    'namePrefix',
    'family',
    'description',
  ]),
  'aws:kms/key:Key': {
    id: () => mint.uuid(),
    computed: (c) => ({
      arn: arn('kms', c.inputs, `key/${c.id}`),
      keyId: c.id,
      tagsAll: c.inputs.tags ?? {},
    }),
    replaceOn: ['customerMasterKeySpec', 'keyUsage', 'multiRegion', 'xksKeyId', 'customKeyStoreId'],
    defaults: { enableKeyRotation: false, deletionWindowInDays: 30 },
  },
  'aws:kms/alias:Alias': {
    id: (c) => name(c),
    computed: (c) => ({
      arn: arn('kms', c.inputs, c.id),
      targetKeyArn: arn('kms', c.inputs, `key/${str(c.inputs, 'targetKeyId')}`),
    }),
    replaceOn: ['name', 'namePrefix'],
    uniqueName: 'name',
  },
  'aws:cloudwatch/metricAlarm:MetricAlarm': named(
    'name',
    (id, i) => arn('cloudwatch', i, `alarm:${id}`),
    [],
  ),
  'aws:cloudwatch/logGroup:LogGroup': named('name', (id, i) => arn('logs', i, `log-group:${id}`), [
    'namePrefix',
    'logGroupClass',
  ]),
  'aws:sns/topic:Topic': named('name', (id, i) => arn('sns', i, id), ['namePrefix', 'fifoTopic']),
  'aws:sns/topicSubscription:TopicSubscription': {
    id: (c) => `${str(c.inputs, 'topic')}:${mint.uuid()}`,
    computed: (c) => ({ arn: c.id, ownerId: ACCOUNT, pendingConfirmation: false }),
    replaceOn: ['topic', 'protocol', 'endpoint'],
  },
  'aws:cloudtrail/trail:Trail': named(
    'name',
    (id, i) => arn('cloudtrail', i, `trail/${id}`),
    [],
    (c) => ({ homeRegion: region(c.inputs) }),
  ),
  'aws:iam/role:Role': named(
    'name',
    (id) => `arn:aws:iam::${ACCOUNT}:role/${id}`,
    ['namePrefix', 'path'],
    (c) => ({
      uniqueId: c.keep('uniqueId', () => `AROA${mint.hex(17).toUpperCase()}`),
      createDate: c.keep('createDate', mint.now),
    }),
  ),
  'aws:iam/policy:Policy': named(
    'name',
    (id) => `arn:aws:iam::${ACCOUNT}:policy/${id}`,
    ['namePrefix', 'path'],
    (c) => ({
      policyId: c.keep('policyId', () => `ANPA${mint.hex(17).toUpperCase()}`),
    }),
  ),
  'aws:iam/rolePolicy:RolePolicy': {
    id: (c) => `${str(c.inputs, 'role')}:${name(c)}`,
    replaceOn: ['role', 'name', 'namePrefix'],
    autoName: 'name',
  },
  'aws:iam/rolePolicyAttachment:RolePolicyAttachment': {
    id: (c) => `${str(c.inputs, 'role')}-${mint.numeric()}`,
    replaceOn: ['role', 'policyArn'],
  },
  'aws:iam/instanceProfile:InstanceProfile': named(
    'name',
    (id) => `arn:aws:iam::${ACCOUNT}:instance-profile/${id}`,
    ['namePrefix', 'path'],
    (c) => ({ uniqueId: c.keep('uniqueId', () => `AIPA${mint.hex(17).toUpperCase()}`) }),
  ),
  'aws:wafv2/webAcl:WebAcl': {
    id: () => mint.uuid(),
    computed: (c) => ({
      arn: arn('wafv2', c.inputs, `regional/webacl/${name(c)}/${c.id}`),
      capacity: 50,
      lockToken: mint.uuid(),
      tagsAll: c.inputs.tags ?? {},
    }),
    replaceOn: ['name', 'namePrefix', 'scope'],
    uniqueName: 'name',
    autoName: 'name',
  },
  'aws:secretsmanager/secret:Secret': {
    id: (c) => arn('secretsmanager', c.inputs, `secret:${name(c)}-${mint.hex(6)}`),
    computed: (c) => ({ arn: c.id, tagsAll: c.inputs.tags ?? {} }),
    replaceOn: ['name', 'namePrefix'],
    uniqueName: 'name',
    autoName: 'name',
  },
  'aws:secretsmanager/secretVersion:SecretVersion': {
    id: (c) => `${str(c.inputs, 'secretId')}|${mint.uuid()}`,
    computed: (c) => ({ arn: str(c.inputs, 'secretId'), versionId: c.id.split('|')[1] ?? '' }),
    replaceOn: ['secretId', 'secretString', 'secretBinary'],
  },
  'aws:elasticache/subnetGroup:SubnetGroup': named(
    'name',
    (id, i) => arn('elasticache', i, `subnetgroup:${id}`),
    [],
  ),
  'aws:elasticache/replicationGroup:ReplicationGroup': named(
    'replicationGroupId',
    (id, i) => arn('elasticache', i, `replicationgroup:${id}`),
    ['subnetGroupName', 'atRestEncryptionEnabled', 'kmsKeyId', 'port'],
    (c) => ({
      primaryEndpointAddress: `master.${c.id}.${mint.hex(6)}.use1.cache.amazonaws.com`,
      readerEndpointAddress: `replica.${c.id}.${mint.hex(6)}.use1.cache.amazonaws.com`,
    }),
  ),
  'aws:backup/vault:Vault': named(
    'name',
    (id, i) => arn('backup', i, `backup-vault:${id}`),
    ['kmsKeyArn'],
    () => ({ recoveryPoints: 0 }),
  ),
  'aws:backup/plan:Plan': {
    id: () => mint.uuid(),
    computed: (c) => ({
      arn: arn('backup', c.inputs, `backup-plan:${c.id}`),
      version: mint.hex(32),
      tagsAll: c.inputs.tags ?? {},
    }),
  },
  'aws:backup/selection:Selection': {
    id: () => mint.uuid(),
    replaceOn: ['name', 'planId', 'iamRoleArn', 'resources', 'selectionTags', 'conditions'],
  },
  'aws:ssm/parameter:Parameter': named(
    'name',
    (id, i) => arn('ssm', i, `parameter/${id.replace(/^\//, '')}`),
    [],
    () => ({ version: 1 }),
  ),
};

const AZ_SUFFIXES = ['a', 'b', 'c', 'd', 'e', 'f'];

const invokes: PackageTable['invokes'] = {
  'aws:ec2/getAmi:getAmi': (args) => {
    const ownerList = (args.owners as string[] | undefined) ?? ['099720109477'];
    const owner = ownerList[0] ?? '099720109477';
    return {
      id: 'ami-0sandbox00000000001',
      imageId: 'ami-0sandbox00000000001',
      arn: `arn:aws:ec2:${region(args)}::image/ami-0sandbox00000000001`,
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250101',
      description: 'Canonical, Ubuntu, 24.04, amd64 noble image',
      architecture: 'x86_64',
      ownerId: owner,
      owners: ownerList,
      platform: '',
      platformDetails: 'Linux/UNIX',
      rootDeviceName: '/dev/sda1',
      rootDeviceType: 'ebs',
      virtualizationType: 'hvm',
      state: 'available',
      public: true,
      mostRecent: args.mostRecent ?? false,
      creationDate: '2025-01-01T00:00:00.000Z',
      blockDeviceMappings: [],
      productCodes: [],
      tags: {},
      filters: args.filters ?? [],
    };
  },
  'aws:index/getAvailabilityZones:getAvailabilityZones': (args) => {
    const r = region(args);
    const names = AZ_SUFFIXES.slice(0, 3).map((s) => `${r}${s}`);
    return {
      id: r,
      names,
      zoneIds: names.map((_, i) => `use1-az${i + 1}`),
      groupNames: [r],
      state: str(args, 'state', 'available'),
      region: r,
    };
  },
  'aws:route53/getZone:getZone': (args) => {
    const zoneName = str(args, 'name', 'example.com').replace(/\.$/, '');
    const zoneId = str(args, 'zoneId', 'Z0SANDBOX0000000000');
    return {
      id: zoneId,
      zoneId,
      name: zoneName,
      arn: `arn:aws:route53:::hostedzone/${zoneId}`,
      callerReference: 'sandbox',
      comment: 'sandbox zone',
      linkedServiceDescription: '',
      linkedServicePrincipal: '',
      nameServers: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk'],
      primaryNameServer: 'ns-1.awsdns-01.org',
      privateZone: args.privateZone ?? false,
      resourceRecordSetCount: 2,
      tags: {},
    };
  },
  'aws:index/getRegion:getRegion': (args) => {
    const r = str(args, 'region', str(args, 'name', DEFAULT_REGION));
    return { id: r, name: r, region: r, endpoint: `ec2.${r}.amazonaws.com`, description: r };
  },
  'aws:index/getCallerIdentity:getCallerIdentity': () => ({
    id: ACCOUNT,
    accountId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:user/sandbox`,
    userId: 'AIDASANDBOX',
  }),
  'aws:index/getPartition:getPartition': () => ({
    id: 'aws',
    partition: 'aws',
    dnsSuffix: 'amazonaws.com',
    reverseDnsPrefix: 'com.amazonaws',
  }),
  'aws:elb/getServiceAccount:getServiceAccount': (args) => ({
    id: '127311923021',
    arn: 'arn:aws:iam::127311923021:root',
    region: region(args),
  }),
  'aws:iam/getPolicyDocument:getPolicyDocument': (args) => {
    const json = JSON.stringify({ Version: '2012-10-17', Statement: args.statements ?? [] });
    return { id: String(json.length), json, minifiedJson: json };
  },
};

export const awsTable: PackageTable = { resources, invokes };
