/**
 * Every Pulumi resource type and every invoke (data source) token that the property program
 * can use, per cloud, over all tiers and the PCI variant. The offline sandbox provider
 * implements exactly these, and a unit test checks this list against what the program
 * registers, so keep it exact when the program changes.
 *
 * Providers are not listed: DigitalOcean and GCP use the engine's default provider; AWS uses
 * one explicit `pulumi:providers:aws` resource (named `aws-<region>`, args `region` and
 * `defaultTags`) so that the region comes from the spec, not from stack config.
 */
export type PropertyCloud = 'digitalocean' | 'gcp' | 'aws';

export const PROPERTY_RESOURCE_TYPES: Record<PropertyCloud, string[]> = {
  digitalocean: [
    'digitalocean:index/vpc:Vpc',
    'digitalocean:index/vpcNatGateway:VpcNatGateway',
    'digitalocean:index/droplet:Droplet',
    'digitalocean:index/volume:Volume',
    'digitalocean:index/volumeAttachment:VolumeAttachment',
    'digitalocean:index/firewall:Firewall',
    'digitalocean:index/spacesBucket:SpacesBucket',
    'digitalocean:index/spacesBucketObject:SpacesBucketObject',
    'digitalocean:index/spacesKey:SpacesKey',
    'digitalocean:index/certificate:Certificate',
    'digitalocean:index/loadBalancer:LoadBalancer',
    'digitalocean:index/dnsRecord:DnsRecord',
    'digitalocean:index/monitorAlert:MonitorAlert',
  ],
  gcp: [
    'gcp:compute/network:Network',
    'gcp:compute/subnetwork:Subnetwork',
    'gcp:compute/router:Router',
    'gcp:compute/routerNat:RouterNat',
    'gcp:compute/firewall:Firewall',
    'gcp:compute/address:Address',
    'gcp:compute/resourcePolicy:ResourcePolicy',
    'gcp:compute/disk:Disk',
    'gcp:compute/instance:Instance',
    'gcp:compute/instanceGroup:InstanceGroup',
    'gcp:compute/healthCheck:HealthCheck',
    'gcp:compute/backendService:BackendService',
    'gcp:compute/uRLMap:URLMap',
    'gcp:compute/sSLPolicy:SSLPolicy',
    'gcp:compute/managedSslCertificate:ManagedSslCertificate',
    'gcp:compute/targetHttpsProxy:TargetHttpsProxy',
    'gcp:compute/targetHttpProxy:TargetHttpProxy',
    'gcp:compute/globalAddress:GlobalAddress',
    'gcp:compute/globalForwardingRule:GlobalForwardingRule',
    'gcp:serviceaccount/account:Account',
    'gcp:storage/bucket:Bucket',
    'gcp:storage/bucketIAMMember:BucketIAMMember',
    'gcp:secretmanager/secret:Secret',
    'gcp:secretmanager/secretVersion:SecretVersion',
    'gcp:secretmanager/secretIamMember:SecretIamMember',
    'gcp:dns/recordSet:RecordSet',
    'gcp:monitoring/notificationChannel:NotificationChannel',
    'gcp:monitoring/alertPolicy:AlertPolicy',
  ],
  aws: [
    'aws:ec2/getAmi:getAmi',
    'aws:route53/getZone:getZone',
    'aws:ec2/vpc:Vpc',
    'aws:ec2/subnet:Subnet',
    'aws:ec2/internetGateway:InternetGateway',
    'aws:ec2/routeTable:RouteTable',
    'aws:ec2/routeTableAssociation:RouteTableAssociation',
    'aws:ec2/eip:Eip',
    'aws:ec2/natGateway:NatGateway',
    'aws:ec2/flowLog:FlowLog',
    'aws:cloudwatch/logGroup:LogGroup',
    'aws:ec2/securityGroup:SecurityGroup',
    'aws:iam/role:Role',
    'aws:iam/rolePolicy:RolePolicy',
    'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
    'aws:iam/instanceProfile:InstanceProfile',
    'aws:kms/key:Key',
    'aws:ssm/parameter:Parameter',
    'aws:ec2/instance:Instance',
    'aws:ebs/volume:Volume',
    'aws:ec2/volumeAttachment:VolumeAttachment',
    'aws:s3/bucket:Bucket',
    'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
    'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
    'aws:s3/bucketVersioning:BucketVersioning',
    'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
    'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
    'aws:acm/certificate:Certificate',
    'aws:acm/certificateValidation:CertificateValidation',
    'aws:route53/record:Record',
    'aws:lb/loadBalancer:LoadBalancer',
    'aws:lb/targetGroup:TargetGroup',
    'aws:lb/targetGroupAttachment:TargetGroupAttachment',
    'aws:lb/listener:Listener',
    'aws:rds/subnetGroup:SubnetGroup',
    'aws:rds/parameterGroup:ParameterGroup',
    'aws:rds/instance:Instance',
    'aws:sns/topic:Topic',
    'aws:sns/topicSubscription:TopicSubscription',
    'aws:cloudwatch/metricAlarm:MetricAlarm',
  ],
};

/** The invoke tokens among the above (data sources the program reads). */
export const PROPERTY_INVOKE_TOKENS: Record<PropertyCloud, string[]> = {
  digitalocean: [],
  gcp: [],
  aws: ['aws:ec2/getAmi:getAmi', 'aws:route53/getZone:getZone'],
};
