/**
 * The baseline's policies as plain objects with pure functions, so that tests call
 * `validateResource` directly and the pack entry (index.ts) only wraps them. Mandatory: anything
 * that opens a door. Advisory: hygiene. Every message says what to change.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { DEFAULT_BASELINE } from '../../infra/baseline/baseline.ts';
import { missingTagKeys } from '../../infra/baseline/tags.ts';
import { inboundRules, openToInternet } from './ports.ts';

type Props = Record<string, unknown>;
type Check = (type: string, props: Props) => string[];

/** A resource policy whose validation is one plain function, callable from tests. */
export interface BaselineResourcePolicy extends ResourceValidationPolicy {
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => void;
}

export interface BaselineStackPolicy extends StackValidationPolicy {
  validateStack: (args: StackValidationArgs, report: ReportViolation) => void;
}

function resourcePolicy(
  name: string,
  description: string,
  enforcementLevel: 'mandatory' | 'advisory',
  check: Check,
): BaselineResourcePolicy {
  return {
    name,
    description,
    enforcementLevel,
    validateResource: (args, report: ReportViolation) => {
      for (const message of check(args.type, args.props as Props)) report(message);
    },
  };
}

const ports = DEFAULT_BASELINE.network.privateTcpPorts;
const PRIVATE_PORTS: [string, number][] = [
  ['MariaDB', ports.mariadb],
  ['Redis cache', ports.redisCache],
  ['Redis queue', ports.redisQueue],
  ['NFS', ports.nfs],
];

const noPublicSsh: Check = (type, props) => {
  const rules = inboundRules(type, props);
  const open = rules ? openToInternet(rules, DEFAULT_BASELINE.network.sshPort) : [];
  return open.length
    ? [`SSH (22) is open to ${[...new Set(open)].join(' and ')}; allow only the adminCidrs`]
    : [];
};

const noPublicDatabase: Check = (type, props) => {
  const messages: string[] = [];
  if (type === 'aws:rds/instance:Instance' && props.publiclyAccessible === true) {
    messages.push('RDS instance is publicly accessible; set publiclyAccessible to false');
  }
  const rules = inboundRules(type, props);
  for (const [label, port] of PRIVATE_PORTS) {
    if (rules && openToInternet(rules, port).length) {
      messages.push(`${label} (${port}) is open to the internet; allow only the app network`);
    }
  }
  return messages;
};

const PUBLIC_ACLS = ['public-read', 'public-read-write', 'authenticated-read'];
const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];

const privateBuckets: Check = (type, props) => {
  switch (type) {
    case 'digitalocean:index/spacesBucket:SpacesBucket':
    case 'digitalocean:index/spacesBucketObject:SpacesBucketObject':
    case 'aws:s3/bucket:Bucket':
      return PUBLIC_ACLS.includes(String(props.acl))
        ? [`acl "${props.acl}" makes the data public; set acl to "private"`]
        : [];
    case 'gcp:storage/bucket:Bucket':
      return props.publicAccessPrevention === 'enforced'
        ? []
        : ['public access is not prevented; set publicAccessPrevention to "enforced"'];
    case 'gcp:storage/bucketIAMMember:BucketIAMMember':
    case 'gcp:storage/bucketIAMBinding:BucketIAMBinding': {
      const members = [props.member, ...(Array.isArray(props.members) ? props.members : [])];
      return members.some((m) => PUBLIC_MEMBERS.includes(String(m)))
        ? ['grants the bucket to everyone; grant it to the property service account only']
        : [];
    }
    case 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock': {
      const flags = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls'];
      const off = [...flags, 'restrictPublicBuckets'].filter((f) => props[f] !== true);
      return off.length ? [`public access block is incomplete; set ${off.join(', ')} to true`] : [];
    }
    default:
      return [];
  }
};

const encryptionAtRest: Check = (type, props) => {
  switch (type) {
    case 'aws:ebs/volume:Volume':
      return props.encrypted === true ? [] : ['EBS volume is not encrypted; set encrypted to true'];
    case 'aws:ec2/instance:Instance': {
      const root = props.rootBlockDevice as Props | undefined;
      return root?.encrypted === true
        ? []
        : ['root disk is not encrypted; set rootBlockDevice.encrypted to true'];
    }
    case 'aws:rds/instance:Instance':
      return props.storageEncrypted === true
        ? []
        : ['database storage is not encrypted; set storageEncrypted to true'];
    case 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration': {
      const rules = Array.isArray(props.rules) ? (props.rules as Props[]) : [];
      const ok = rules.some((r) => {
        const sse = r.applyServerSideEncryptionByDefault as Props | undefined;
        return sse?.sseAlgorithm === 'aws:kms' || sse?.sseAlgorithm === 'AES256';
      });
      return ok ? [] : ['bucket has no default encryption; set sseAlgorithm to "aws:kms"'];
    }
    case 'aws:ssm/parameter:Parameter':
      return props.type === 'SecureString' || !/secret|password|bootstrap/i.test(String(props.name))
        ? []
        : ['secret parameter is stored in clear; set type to "SecureString"'];
    default:
      return [];
  }
};

const httpsRedirect: Check = (type, props) => {
  if (type === 'digitalocean:index/loadBalancer:LoadBalancer') {
    return props.redirectHttpToHttps === true
      ? []
      : ['HTTP is served without redirect; set redirectHttpToHttps to true'];
  }
  if (type === 'aws:lb/listener:Listener' && props.protocol === 'HTTP') {
    const actions = Array.isArray(props.defaultActions) ? (props.defaultActions as Props[]) : [];
    const redirects = actions.every(
      (a) => a.type === 'redirect' && (a.redirect as Props | undefined)?.protocol === 'HTTPS',
    );
    return redirects && actions.length > 0
      ? []
      : ['HTTP listener forwards traffic; make its default action a redirect to HTTPS'];
  }
  return [];
};

const ALLOWED_AWS_TLS = [
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
];

const tlsMinimum: Check = (type, props) => {
  if (type === 'aws:lb/listener:Listener' && props.protocol === 'HTTPS') {
    return ALLOWED_AWS_TLS.includes(String(props.sslPolicy))
      ? []
      : [`sslPolicy allows old TLS; use ${ALLOWED_AWS_TLS[0]} or stricter`];
  }
  if (type === 'gcp:compute/sSLPolicy:SSLPolicy') {
    return ['TLS_1_2', 'TLS_1_3'].includes(String(props.minTlsVersion))
      ? []
      : ['minTlsVersion allows TLS older than 1.2; set it to "TLS_1_2"'];
  }
  if (type === 'gcp:compute/targetHttpsProxy:TargetHttpsProxy' && !props.sslPolicy) {
    return ['HTTPS proxy uses Google default TLS (1.0+); attach an SSL policy with TLS 1.2'];
  }
  if (type === 'digitalocean:index/loadBalancer:LoadBalancer') {
    return props.tlsCipherPolicy === 'STRONG'
      ? []
      : ['load balancer accepts weak ciphers; set tlsCipherPolicy to "STRONG"'];
  }
  return [];
};

const noPasswordSsh: Check = (_type, props) => {
  const metadata = props.metadata as Props | undefined;
  const userData = props.userData ?? metadata?.['user-data'] ?? metadata?.['startup-script'];
  if (typeof userData !== 'string') return [];
  const enables =
    /^\s*ssh_pwauth:\s*(true|yes|1)\s*$/im.test(userData) ||
    /^\s*PasswordAuthentication\s+yes\s*$/im.test(userData);
  return enables ? ['user data enables SSH passwords; use ssh_pwauth: false and keys only'] : [];
};

const instanceMetadataV2: Check = (type, props) => {
  if (type !== 'aws:ec2/instance:Instance') return [];
  const options = props.metadataOptions as Props | undefined;
  return options?.httpTokens === 'required'
    ? []
    : ['IMDSv1 lets SSRF reach instance credentials; set metadataOptions.httpTokens "required"'];
};

/** Which resources carry the baseline tags, and under which property. */
const TAGGABLE: Record<string, 'tags' | 'labels'> = {
  'digitalocean:index/droplet:Droplet': 'tags',
  'digitalocean:index/volume:Volume': 'tags',
  'gcp:compute/instance:Instance': 'labels',
  'gcp:compute/disk:Disk': 'labels',
  'gcp:storage/bucket:Bucket': 'labels',
  'gcp:secretmanager/secret:Secret': 'labels',
  'gcp:compute/address:Address': 'labels',
  'gcp:compute/globalAddress:GlobalAddress': 'labels',
  'gcp:compute/globalForwardingRule:GlobalForwardingRule': 'labels',
};

const baselineTags: Check = (type, props) => {
  let key = TAGGABLE[type];
  // Every taggable AWS resource gets them (the program also sets provider default tags).
  if (!key && type.startsWith('aws:') && ('tags' in props || 'tagsAll' in props)) key = 'tags';
  if (!key) return [];
  const tags = type.startsWith('aws:')
    ? { ...(props.tagsAll as Props), ...(props.tags as Props) }
    : props[key];
  const missing = missingTagKeys(tags);
  return missing.length
    ? [`missing ${key} ${missing.join(', ')}; add the BLKSHP baseline ${key}`]
    : [];
};

const bucketHygiene: Check = (type, props) => {
  if (
    type === 'digitalocean:index/spacesBucket:SpacesBucket' ||
    type === 'gcp:storage/bucket:Bucket'
  ) {
    const messages: string[] = [];
    if ((props.versioning as Props | undefined)?.enabled !== true) {
      messages.push('versioning is off; enable it so a deleted backup can be recovered');
    }
    if (!Array.isArray(props.lifecycleRules) || props.lifecycleRules.length === 0) {
      messages.push('no lifecycle rule; expire backups after the property retention');
    }
    return messages;
  }
  if (type === 'aws:s3/bucketVersioning:BucketVersioning') {
    const status = (props.versioningConfiguration as Props | undefined)?.status;
    return status === 'Enabled' ? [] : ['versioning is not enabled; set status to "Enabled"'];
  }
  return [];
};

/**
 * GCP puts the redirect on a separate URL map behind the HTTP proxy, which one resource alone
 * cannot show; the stack must hold a redirecting URL map for every HTTP proxy.
 */
const gcpHttpsRedirect: BaselineStackPolicy = {
  name: 'https-redirect-gcp',
  description: 'GCP load balancers answer HTTP only with a redirect to HTTPS',
  enforcementLevel: 'mandatory',
  validateStack: (args, report) => {
    const proxies = args.resources.filter(
      (r) => r.type === 'gcp:compute/targetHttpProxy:TargetHttpProxy',
    );
    const redirects = args.resources.filter(
      (r) =>
        r.type === 'gcp:compute/uRLMap:URLMap' &&
        (r.props.defaultUrlRedirect as Props | undefined)?.httpsRedirect === true,
    );
    for (const proxy of proxies.slice(redirects.length)) {
      report(
        'HTTP proxy without a redirect URL map; point it at a map with httpsRedirect true',
        proxy.urn,
      );
    }
  },
};

export const RESOURCE_POLICIES: BaselineResourcePolicy[] = [
  resourcePolicy('no-public-ssh', 'SSH only from the admin ranges', 'mandatory', noPublicSsh),
  resourcePolicy(
    'no-public-database',
    'Database, cache and NFS ports only from the app network',
    'mandatory',
    noPublicDatabase,
  ),
  resourcePolicy(
    'private-buckets',
    'Buckets and objects are never public',
    'mandatory',
    privateBuckets,
  ),
  resourcePolicy(
    'encryption-at-rest',
    'Disks, databases and buckets are encrypted',
    'mandatory',
    encryptionAtRest,
  ),
  resourcePolicy(
    'https-redirect',
    'Load balancers redirect HTTP to HTTPS',
    'mandatory',
    httpsRedirect,
  ),
  resourcePolicy('tls-1-2-minimum', 'TLS 1.2 or newer only', 'mandatory', tlsMinimum),
  resourcePolicy('no-password-ssh', 'Key-only SSH in VM user data', 'mandatory', noPasswordSsh),
  resourcePolicy('instance-metadata-v2', 'IMDSv2 only on EC2', 'mandatory', instanceMetadataV2),
  resourcePolicy(
    'baseline-tags',
    'property, tier and managed-by tags everywhere',
    'advisory',
    baselineTags,
  ),
  resourcePolicy(
    'bucket-hygiene',
    'Backup buckets are versioned with lifecycle rules',
    'advisory',
    bucketHygiene,
  ),
];

export const STACK_POLICIES: BaselineStackPolicy[] = [gcpHttpsRedirect];

export const POLICIES: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  ...RESOURCE_POLICIES,
  ...STACK_POLICIES,
];
