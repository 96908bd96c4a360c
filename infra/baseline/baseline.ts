/**
 * The security baseline every property gets, as data. The programs build from it, the
 * cloud-init documents render it, and the policy pack checks resources against it, so one
 * change here moves all three.
 */

export interface Baseline {
  variant: 'default' | 'pci';
  network: {
    /** Open to anyone (the load balancer, or the VM on starter). */
    publicTcpPorts: readonly number[];
    /** Open only to the property's `adminCidrs`. */
    sshPort: number;
    /** Open only from the property's own app and worker machines. */
    privateTcpPorts: { mariadb: number; redisCache: number; redisQueue: number; nfs: number };
    /** Where the load balancer sends traffic on an app VM (host nginx, plain HTTP). */
    appBackendPort: number;
    /** No public address on app servers; they sit behind the load balancer and a NAT. */
    appPublicIp: boolean;
    flowLogs: boolean;
  };
  tls: {
    minVersion: 'TLSv1.2';
    nginxProtocols: string;
    awsSslPolicy: string;
    gcpSslProfile: 'MODERN' | 'RESTRICTED';
    /** DigitalOcean load balancer cipher policy. */
    doCipherPolicy: 'DEFAULT' | 'STRONG';
    redirectHttpToHttps: true;
  };
  httpHeaders: Readonly<Record<string, string>>;
  /** nginx `client_max_body_size`, as Frappe's own nginx template sets it. */
  maxBodySize: string;
  sshd: Readonly<Record<string, string>>;
  fail2ban: Readonly<Record<string, { maxretry: number; findtime: number; bantime: number }>>;
  updates: { unattended: true; autoReboot: boolean; rebootTime: string };
  audit: { auditd: boolean; logRetentionDays: number };
  storage: {
    bucketPrivate: true;
    bucketVersioned: true;
    bucketEncrypted: true;
    /** Days before superseded backup versions disappear. */
    noncurrentVersionDays: number;
    encryptedDisks: true;
  };
  tagKeys: readonly ['property', 'tier', 'managed-by'];
  managedBy: 'blkshp';
}

export const DEFAULT_BASELINE: Baseline = {
  variant: 'default',
  network: {
    publicTcpPorts: [80, 443],
    sshPort: 22,
    privateTcpPorts: { mariadb: 3306, redisCache: 6379, redisQueue: 6380, nfs: 2049 },
    appBackendPort: 80,
    appPublicIp: true,
    flowLogs: false,
  },
  tls: {
    minVersion: 'TLSv1.2',
    nginxProtocols: 'TLSv1.2 TLSv1.3',
    awsSslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    gcpSslProfile: 'MODERN',
    doCipherPolicy: 'STRONG',
    redirectHttpToHttps: true,
  },
  httpHeaders: {
    'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
    'X-Frame-Options': 'SAMEORIGIN',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
  },
  maxBodySize: '50m',
  sshd: {
    PasswordAuthentication: 'no',
    KbdInteractiveAuthentication: 'no',
    PermitEmptyPasswords: 'no',
    PermitRootLogin: 'no',
    PubkeyAuthentication: 'yes',
    AuthenticationMethods: 'publickey',
    X11Forwarding: 'no',
    AllowAgentForwarding: 'no',
    MaxAuthTries: '3',
    ClientAliveInterval: '300',
    ClientAliveCountMax: '2',
    LoginGraceTime: '30',
  },
  fail2ban: {
    sshd: { maxretry: 5, findtime: 600, bantime: 3600 },
    // The nginx jail Frappe's bench ships against scanners: 6 tries, 10 minutes.
    'nginx-botsearch': { maxretry: 6, findtime: 600, bantime: 600 },
  },
  updates: { unattended: true, autoReboot: true, rebootTime: '04:30' },
  audit: { auditd: false, logRetentionDays: 30 },
  storage: {
    bucketPrivate: true,
    bucketVersioned: true,
    bucketEncrypted: true,
    noncurrentVersionDays: 7,
    encryptedDisks: true,
  },
  tagKeys: ['property', 'tier', 'managed-by'],
  managedBy: 'blkshp',
};

/**
 * The strict variant for properties that handle payment data (PCI DSS): segmentation (no public
 * addresses on app servers), access logging (flow logs, auditd, a year of logs), and the
 * restricted TLS profiles.
 */
export const PCI_BASELINE: Baseline = {
  ...DEFAULT_BASELINE,
  variant: 'pci',
  network: { ...DEFAULT_BASELINE.network, appPublicIp: false, flowLogs: true },
  tls: {
    ...DEFAULT_BASELINE.tls,
    awsSslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
    gcpSslProfile: 'RESTRICTED',
  },
  sshd: { ...DEFAULT_BASELINE.sshd, MaxAuthTries: '2', ClientAliveInterval: '180' },
  fail2ban: {
    ...DEFAULT_BASELINE.fail2ban,
    sshd: { maxretry: 3, findtime: 900, bantime: 86400 },
  },
  audit: { auditd: true, logRetentionDays: 365 },
};

export function baselineFor(spec: { pci: boolean }): Baseline {
  return spec.pci ? PCI_BASELINE : DEFAULT_BASELINE;
}
