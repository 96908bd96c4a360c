/**
 * A property on AWS: EC2 app VMs, RDS for MariaDB from the standard tier on (Multi-AZ with a
 * customer-managed KMS key on enterprise), an ALB with an ACM certificate. VMs read secrets from
 * an SSM SecureString with their instance role; user data holds none.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { mariadbVersionFor } from './cloud-init.ts';
import type { VmRole } from './compose.ts';
import { DEBIAN_IMAGE, type ProgramContext, type PropertyOutputs, summaryOf } from './context.ts';
import { type UserDataInputs, userData } from './user-data.ts';

const ANY_V4 = '0.0.0.0/0';
const ANY_V6 = '::/0';

export function awsProgram(ctx: ProgramContext): PropertyOutputs {
  const { spec, tier, baseline } = ctx;
  const region = spec.region;
  // The region lives in the program, not in stack config; default tags reach every resource.
  const provider = new aws.Provider(`aws-${region}`, {
    region,
    defaultTags: { tags: ctx.tags },
  });
  const opts = { provider };
  const data = { provider, protect: true };
  const tags = (name: string) => ({ ...ctx.tags, Name: ctx.name(name) });
  const zones = [`${region}a`, `${region}b`];
  const net = baseline.network;
  const hasLb = tier.loadBalancer !== null;

  const ami = aws.ec2.getAmiOutput(
    {
      mostRecent: true,
      owners: [DEBIAN_IMAGE.awsOwner],
      filters: [
        { name: 'name', values: [DEBIAN_IMAGE.awsNamePattern] },
        { name: 'architecture', values: ['x86_64'] },
      ],
    },
    opts,
  );
  const zone = aws.route53.getZoneOutput({ name: ctx.zone.zone, privateZone: false }, opts);

  // Network: two public and two private subnets over two zones (the ALB and RDS need two).
  const vpc = new aws.ec2.Vpc(
    'vpc',
    {
      cidrBlock: ctx.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: tags('vpc'),
    },
    opts,
  );
  const subnet = (name: string, index: number, zoneName: string) =>
    new aws.ec2.Subnet(
      name,
      {
        vpcId: vpc.id,
        cidrBlock: ctx.subnet(index),
        availabilityZone: zoneName,
        mapPublicIpOnLaunch: false,
        tags: tags(name),
      },
      opts,
    );
  const publicSubnets = zones.map((z, i) => subnet(`public-${i + 1}`, i, z));
  const privateSubnets = zones.map((z, i) => subnet(`private-${i + 1}`, i + 2, z));
  const igw = new aws.ec2.InternetGateway('igw', { vpcId: vpc.id, tags: tags('igw') }, opts);
  const publicRoutes = new aws.ec2.RouteTable(
    'public-routes',
    {
      vpcId: vpc.id,
      routes: [{ cidrBlock: ANY_V4, gatewayId: igw.id }],
      tags: tags('public'),
    },
    opts,
  );
  let natId: pulumi.Output<string> | undefined;
  if (!net.appPublicIp) {
    const natIp = new aws.ec2.Eip('nat-ip', { domain: 'vpc', tags: tags('nat') }, opts);
    natId = new aws.ec2.NatGateway(
      'nat',
      {
        allocationId: natIp.id,
        subnetId: publicSubnets[0]!.id,
        tags: tags('nat'),
      },
      opts,
    ).id;
  }
  const privateRoutes = new aws.ec2.RouteTable(
    'private-routes',
    {
      vpcId: vpc.id,
      routes: natId ? [{ cidrBlock: ANY_V4, natGatewayId: natId }] : [],
      tags: tags('private'),
    },
    opts,
  );
  publicSubnets.forEach((s, i) => {
    new aws.ec2.RouteTableAssociation(
      `public-${i + 1}`,
      { subnetId: s.id, routeTableId: publicRoutes.id },
      opts,
    );
  });
  privateSubnets.forEach((s, i) => {
    new aws.ec2.RouteTableAssociation(
      `private-${i + 1}`,
      { subnetId: s.id, routeTableId: privateRoutes.id },
      opts,
    );
  });
  if (net.flowLogs) flowLogs(ctx, vpc, opts);

  // Security groups: one door per role, and SSH from the admin ranges only.
  const sshV4 = spec.adminCidrs.filter((c) => !c.includes(':'));
  const sshV6 = spec.adminCidrs.filter((c) => c.includes(':'));
  const ssh = spec.adminCidrs.length
    ? [
        {
          protocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrBlocks: sshV4,
          ipv6CidrBlocks: sshV6,
          description: 'SSH from admins',
        },
      ]
    : [];
  const egressAll = [
    { protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: [ANY_V4], ipv6CidrBlocks: [ANY_V6] },
  ];
  const lbSg = hasLb
    ? new aws.ec2.SecurityGroup(
        'lb-sg',
        {
          vpcId: vpc.id,
          description: 'Load balancer: HTTP and HTTPS from anywhere',
          ingress: net.publicTcpPorts.map((port) => ({
            protocol: 'tcp',
            fromPort: port,
            toPort: port,
            cidrBlocks: [ANY_V4],
            ipv6CidrBlocks: [ANY_V6],
          })),
          egress: [
            {
              protocol: 'tcp',
              fromPort: net.appBackendPort,
              toPort: net.appBackendPort,
              cidrBlocks: [ctx.cidr],
            },
          ],
          tags: tags('lb'),
        },
        opts,
      )
    : null;
  const web = lbSg
    ? [
        {
          protocol: 'tcp',
          fromPort: net.appBackendPort,
          toPort: net.appBackendPort,
          securityGroups: [lbSg.id],
        },
      ]
    : net.publicTcpPorts.map((port) => ({
        protocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrBlocks: [ANY_V4],
        ipv6CidrBlocks: [ANY_V6],
      }));
  const appSg = new aws.ec2.SecurityGroup(
    'app-sg',
    {
      vpcId: vpc.id,
      description: 'App servers',
      ingress: [...web, ...ssh],
      egress: egressAll,
      tags: tags('app'),
    },
    opts,
  );
  const ports = net.privateTcpPorts;
  const workerSg = tier.worker
    ? new aws.ec2.SecurityGroup(
        'worker-sg',
        {
          vpcId: vpc.id,
          description: 'Worker: Redis and NFS from the app servers',
          ingress: [
            ...[ports.redisCache, ports.redisQueue, ports.nfs].map((port) => ({
              protocol: 'tcp',
              fromPort: port,
              toPort: port,
              securityGroups: [appSg.id],
            })),
            ...ssh,
          ],
          egress: egressAll,
          tags: tags('worker'),
        },
        opts,
      )
    : null;

  // Encryption key (enterprise), secrets, identity.
  const kms = tier.customerManagedKey
    ? new aws.kms.Key(
        'kms',
        {
          description: `BLKSHP ${spec.slug}: disks, database, backups, secrets`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          tags: tags('kms'),
        },
        data,
      )
    : null;
  const parameter = new aws.ssm.Parameter(
    'secrets',
    {
      name: `/blkshp/${spec.slug}/bootstrap`,
      type: 'SecureString',
      value: ctx.secretsJson,
      ...(kms ? { keyId: kms.arn } : {}),
      tags: tags('secrets'),
    },
    opts,
  );

  const buckets = backupBuckets(ctx, kms, data);
  const role = new aws.iam.Role(
    'vm-role',
    {
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
      tags: tags('vm'),
    },
    opts,
  );
  new aws.iam.RolePolicy(
    'vm-policy',
    {
      role: role.id,
      policy: pulumi
        .all([parameter.arn, kms?.arn ?? '', ...buckets.map((b) => b.arn)])
        .apply(([parameterArn, kmsArn, ...bucketArns]) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: parameterArn },
              { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: bucketArns },
              {
                Effect: 'Allow',
                Action: ['s3:PutObject', 's3:GetObject'],
                Resource: bucketArns.map((a) => `${a}/*`),
              },
              ...(kmsArn
                ? [
                    {
                      Effect: 'Allow',
                      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
                      Resource: kmsArn,
                    },
                  ]
                : []),
            ],
          }),
        ),
    },
    opts,
  );
  // Session Manager gives admins a shell without any inbound port (the PCI access path).
  new aws.iam.RolePolicyAttachment(
    'vm-ssm',
    {
      role: role.name,
      policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    },
    opts,
  );
  const profile = new aws.iam.InstanceProfile(
    'vm-profile',
    { role: role.name, tags: tags('vm') },
    opts,
  );

  const secrets = parameter.name.apply((name) => ({ kind: 'aws-ssm' as const, region, name }));
  const rcloneConfig = buckets
    .map(
      (_, i) =>
        `[${i === 0 ? 's3' : 's3-copy'}]\ntype = s3\nprovider = AWS\nenv_auth = true\nregion = ${i === 0 ? region : ctx.copyRegion}\n`,
    )
    .join('\n');
  const backupTargets = buckets.map(
    (b, i) => pulumi.interpolate`${i === 0 ? 's3' : 's3-copy'}:${b.bucket}`,
  );

  // Database: RDS for MariaDB (standard, enterprise); on starter it runs on the app VM.
  let dbHost: pulumi.Output<string> | undefined;
  if (tier.database.placement === 'managed' && tier.database.machine) {
    const dbSg = new aws.ec2.SecurityGroup(
      'db-sg',
      {
        vpcId: vpc.id,
        description: 'Database: MariaDB from the app and worker servers only',
        ingress: [
          {
            protocol: 'tcp',
            fromPort: ports.mariadb,
            toPort: ports.mariadb,
            securityGroups: [appSg.id, ...(workerSg ? [workerSg.id] : [])],
          },
        ],
        tags: tags('db'),
      },
      opts,
    );
    const version = mariadbVersionFor(spec.frappeVersion);
    const subnets = new aws.rds.SubnetGroup(
      'db-subnets',
      {
        subnetIds: privateSubnets.map((s) => s.id),
        tags: tags('db'),
      },
      opts,
    );
    const params = new aws.rds.ParameterGroup(
      'db-params',
      {
        family: `mariadb${version}`,
        description: 'Frappe: utf8mb4, large packets, slow-query log',
        parameters: [
          // TODO(rds handshake): add skip-character-set-client-handshake once its RDS name is
          // confirmed; utf8mb4 defaults above cover clients that announce another charset.
          { name: 'character_set_server', value: 'utf8mb4' },
          { name: 'collation_server', value: 'utf8mb4_unicode_ci' },
          { name: 'max_allowed_packet', value: String(256 * 1024 * 1024) },
          { name: 'innodb_flush_log_at_trx_commit', value: '1' },
          { name: 'slow_query_log', value: '1' },
          { name: 'long_query_time', value: '2' },
        ],
        tags: tags('db'),
      },
      opts,
    );
    const db = new aws.rds.Instance(
      'db',
      {
        identifier: ctx.name('db'),
        engine: 'mariadb',
        engineVersion: version,
        instanceClass: tier.database.machine.type,
        allocatedStorage: tier.database.storageGb,
        maxAllocatedStorage: tier.database.storageGb * 4,
        storageType: 'gp3',
        storageEncrypted: true,
        ...(kms ? { kmsKeyId: kms.arn } : {}),
        multiAz: tier.database.multiAz,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [dbSg.id],
        publiclyAccessible: false,
        username: 'admin',
        password: ctx.dbRootPassword,
        parameterGroupName: params.name,
        // RDS keeps at most 35 days of automated backups; longer retention lives in S3.
        backupRetentionPeriod: Math.min(spec.backupRetentionDays, 35),
        deletionProtection: tier.deletionProtection,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: ctx.name('db-final'),
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: true,
        enabledCloudwatchLogsExports: ['error', 'slowquery'],
        tags: tags('db'),
      },
      data,
    );
    dbHost = db.address;
  }

  const instance = (
    name: string,
    vmRole: VmRole,
    machineType: string,
    index: number,
    ud: Omit<UserDataInputs, 'role' | 'machine' | 'secrets' | 'rcloneConfig'>,
    dataDiskGb: number,
    sg: aws.ec2.SecurityGroup,
  ) => {
    const isPublic = vmRole === 'all-in-one' || net.appPublicIp;
    const zoneName = zones[index % zones.length]!;
    const volume =
      dataDiskGb > 0
        ? new aws.ebs.Volume(
            `${name}-data`,
            {
              availabilityZone: zoneName,
              size: dataDiskGb,
              type: 'gp3',
              encrypted: true,
              ...(kms ? { kmsKeyId: kms.arn } : {}),
              tags: tags(`${name}-data`),
            },
            data,
          )
        : null;
    const machine = vmRole === 'worker' ? tier.worker!.machine : tier.app.machine;
    const vm = new aws.ec2.Instance(
      name,
      {
        ami: ami.id,
        instanceType: machineType,
        subnetId: (isPublic ? publicSubnets : privateSubnets)[index % zones.length]!.id,
        associatePublicIpAddress: isPublic,
        vpcSecurityGroupIds: [sg.id],
        iamInstanceProfile: profile.name,
        userData: userData(ctx, {
          role: vmRole,
          machine,
          secrets,
          rcloneConfig,
          ...ud,
          ...(volume
            ? {
                dataDevice: volume.id.apply(
                  (id) => `/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${id.replace('-', '')}`,
                ),
              }
            : {}),
        }),
        rootBlockDevice: {
          volumeSize: tier.bootDiskGb,
          volumeType: 'gp3',
          encrypted: true,
          ...(kms ? { kmsKeyId: kms.arn } : {}),
        },
        // IMDSv2 only, one hop: containers cannot reach the instance's credentials.
        metadataOptions: {
          httpTokens: 'required',
          httpPutResponseHopLimit: 1,
          httpEndpoint: 'enabled',
        },
        disableApiTermination: tier.deletionProtection,
        tags: { ...tags(name), role: vmRole },
      },
      opts,
    );
    if (volume) {
      new aws.ec2.VolumeAttachment(
        `${name}-data`,
        { deviceName: '/dev/sdf', volumeId: volume.id, instanceId: vm.id },
        opts,
      );
    }
    return vm;
  };

  const worker =
    tier.worker && workerSg
      ? instance(
          'worker',
          'worker',
          tier.worker.machine.type,
          0,
          { dbHost, dbManaged: true, dbRootUser: 'admin', backupTargets },
          tier.worker.dataDiskGb,
          workerSg,
        )
      : null;
  const appRole: VmRole =
    tier.database.placement === 'app-vm' ? 'all-in-one' : tier.worker ? 'web' : 'app';
  const apps = Array.from({ length: tier.app.count }, (_, i) =>
    instance(
      tier.app.count === 1 ? 'app' : `app-${i + 1}`,
      appRole,
      tier.app.machine.type,
      i,
      {
        dbHost,
        dbManaged: dbHost !== undefined,
        dbRootUser: dbHost ? 'admin' : 'root',
        workerHost: worker?.privateIp,
        backupTargets: appRole === 'web' ? [] : backupTargets,
      },
      tier.app.dataDiskGb,
      appSg,
    ),
  );

  let publicAddress: pulumi.Output<string>;
  if (lbSg) {
    publicAddress = loadBalancer(
      ctx,
      { vpc, publicSubnets, lbSg, apps, zoneId: zone.zoneId },
      opts,
    );
  } else {
    const eip = new aws.ec2.Eip(
      'app-ip',
      { domain: 'vpc', instance: apps[0]!.id, tags: tags('app') },
      opts,
    );
    publicAddress = eip.publicIp;
    new aws.route53.Record(
      'dns',
      { zoneId: zone.zoneId, name: spec.domain, type: 'A', ttl: 300, records: [eip.publicIp] },
      opts,
    );
  }

  alarms(ctx, [...apps, ...(worker ? [worker] : [])], opts);
  return {
    url: `https://${spec.domain}`,
    publicAddresses: [publicAddress],
    databaseEndpoint: dbHost
      ? pulumi.interpolate`${dbHost}:${ports.mariadb}`
      : pulumi.interpolate`${apps[0]!.privateIp}:${ports.mariadb} (container network only)`,
    bucketName: buckets[0]!.bucket,
    summary: summaryOf(ctx),
  };
}

function backupBuckets(
  ctx: ProgramContext,
  kms: aws.kms.Key | null,
  data: pulumi.CustomResourceOptions,
): aws.s3.Bucket[] {
  const { spec, tier, baseline } = ctx;
  const regions = [spec.region, ...(tier.backup.crossRegionCopy ? [ctx.copyRegion] : [])];
  return regions.map((bucketRegion, i) => {
    const name = i === 0 ? 'backups' : 'backups-copy';
    const opts = { provider: data.provider };
    const bucket = new aws.s3.Bucket(
      name,
      { region: bucketRegion, forceDestroy: false, tags: { ...ctx.tags, Name: ctx.name(name) } },
      data,
    );
    new aws.s3.BucketOwnershipControls(
      name,
      { region: bucketRegion, bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } },
      opts,
    );
    new aws.s3.BucketPublicAccessBlock(
      name,
      {
        region: bucketRegion,
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      opts,
    );
    new aws.s3.BucketVersioning(
      name,
      { region: bucketRegion, bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } },
      opts,
    );
    // The key is regional: the copy in another region uses S3's own KMS key.
    const useKey = kms && i === 0;
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      {
        region: bucketRegion,
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: useKey
              ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kms.arn }
              : { sseAlgorithm: 'aws:kms' },
            bucketKeyEnabled: true,
          },
        ],
      },
      opts,
    );
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        region: bucketRegion,
        bucket: bucket.id,
        rules: [
          {
            id: 'backup-retention',
            status: 'Enabled',
            filter: { prefix: 'backups/' },
            expiration: { days: spec.backupRetentionDays },
          },
          {
            id: 'old-versions',
            status: 'Enabled',
            filter: { prefix: '' },
            noncurrentVersionExpiration: { noncurrentDays: baseline.storage.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      opts,
    );
    return bucket;
  });
}

interface LbInputs {
  vpc: aws.ec2.Vpc;
  publicSubnets: aws.ec2.Subnet[];
  lbSg: aws.ec2.SecurityGroup;
  apps: aws.ec2.Instance[];
  zoneId: pulumi.Output<string>;
}

function loadBalancer(
  ctx: ProgramContext,
  lb: LbInputs,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const { spec, tier, baseline } = ctx;
  // TODO(aws alb logs): access logs need a log bucket with the ELB account's policy.
  const alb = new aws.lb.LoadBalancer(
    'alb',
    {
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [lb.lbSg.id],
      subnets: lb.publicSubnets.map((s) => s.id),
      dropInvalidHeaderFields: true,
      enableDeletionProtection: tier.deletionProtection,
      idleTimeout: 120,
      tags: ctx.tags,
    },
    opts,
  );
  const targets = new aws.lb.TargetGroup(
    'app-targets',
    {
      port: baseline.network.appBackendPort,
      protocol: 'HTTP',
      vpcId: lb.vpc.id,
      targetType: 'instance',
      healthCheck: { path: '/api/method/ping', matcher: '200', interval: 15 },
      stickiness: { type: 'lb_cookie', enabled: true, cookieDuration: 3600 },
      tags: ctx.tags,
    },
    opts,
  );
  lb.apps.forEach((app, i) => {
    new aws.lb.TargetGroupAttachment(
      `app-target-${i + 1}`,
      { targetGroupArn: targets.arn, targetId: app.id, port: baseline.network.appBackendPort },
      opts,
    );
  });
  const cert = new aws.acm.Certificate(
    'certificate',
    { domainName: spec.domain, validationMethod: 'DNS', tags: ctx.tags },
    opts,
  );
  const option = cert.domainValidationOptions.apply((o) => o[0]!);
  const validationRecord = new aws.route53.Record(
    'certificate-validation',
    {
      zoneId: lb.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 60,
      allowOverwrite: true,
    },
    opts,
  );
  const validated = new aws.acm.CertificateValidation(
    'certificate',
    {
      certificateArn: cert.arn,
      validationRecordFqdns: [validationRecord.fqdn],
    },
    opts,
  );
  new aws.lb.Listener(
    'https',
    {
      loadBalancerArn: alb.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: baseline.tls.awsSslPolicy,
      certificateArn: validated.certificateArn,
      defaultActions: [{ type: 'forward', targetGroupArn: targets.arn }],
      tags: ctx.tags,
    },
    opts,
  );
  new aws.lb.Listener(
    'http',
    {
      loadBalancerArn: alb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultActions: [
        { type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } },
      ],
      tags: ctx.tags,
    },
    opts,
  );
  new aws.route53.Record(
    'dns',
    {
      zoneId: lb.zoneId,
      name: spec.domain,
      type: 'A',
      aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }],
    },
    opts,
  );
  return alb.dnsName;
}

function flowLogs(ctx: ProgramContext, vpc: aws.ec2.Vpc, opts: pulumi.CustomResourceOptions): void {
  const group = new aws.cloudwatch.LogGroup(
    'flow-logs',
    {
      name: `/blkshp/${ctx.spec.slug}/vpc-flow-logs`,
      retentionInDays: ctx.baseline.audit.logRetentionDays,
      tags: ctx.tags,
    },
    opts,
  );
  const role = new aws.iam.Role(
    'flow-logs-role',
    {
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
      tags: ctx.tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    'flow-logs-policy',
    {
      role: role.id,
      policy: group.arn.apply((arn) =>
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
              Resource: [arn, `${arn}:*`],
            },
          ],
        }),
      ),
    },
    opts,
  );
  new aws.ec2.FlowLog(
    'flow-logs',
    {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: group.arn,
      iamRoleArn: role.arn,
      tags: ctx.tags,
    },
    opts,
  );
}

function alarms(
  ctx: ProgramContext,
  vms: aws.ec2.Instance[],
  opts: pulumi.CustomResourceOptions,
): void {
  const { spec, tier } = ctx;
  const topic = new aws.sns.Topic(
    'alerts',
    { kmsMasterKeyId: 'alias/aws/sns', tags: ctx.tags },
    opts,
  );
  spec.alertEmails.forEach((email, i) => {
    new aws.sns.TopicSubscription(
      `alert-email-${i + 1}`,
      { topic: topic.arn, protocol: 'email', endpoint: email },
      opts,
    );
  });
  const metrics: [string, string, string, number][] = [
    ['cpu', 'AWS/EC2', 'CPUUtilization', tier.monitoring.cpuPercent],
    ['memory', 'CWAgent', 'mem_used_percent', tier.monitoring.memoryPercent],
    ['disk', 'CWAgent', 'disk_used_percent', tier.monitoring.diskPercent],
  ];
  vms.forEach((vm, i) => {
    for (const [name, namespace, metricName, threshold] of metrics) {
      new aws.cloudwatch.MetricAlarm(
        `vm-${i + 1}-${name}`,
        {
          alarmDescription: `${spec.slug}: ${name} above ${threshold}%`,
          namespace,
          metricName,
          dimensions: { InstanceId: vm.id },
          statistic: 'Average',
          period: 300,
          evaluationPeriods: 2,
          comparisonOperator: 'GreaterThanThreshold',
          threshold,
          alarmActions: [topic.arn],
          okActions: [topic.arn],
          tags: ctx.tags,
        },
        opts,
      );
    }
  });
}
