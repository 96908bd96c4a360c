/**
 * The cloud-init user data of each VM. Layout: Debian 13, Docker with a frappe_docker-style
 * compose project in /etc/blkshp (the vendor's recommended production method), host nginx in
 * front for TLS, headers and fail2ban's logs. User data carries no secret: see README.md.
 */
import type { Baseline } from '../../infra/baseline/baseline.ts';
import type { Cloud } from '../../infra/properties/regions.ts';
import { innodbBufferPoolMb, type WorkerPlan } from '../../infra/tiers/workers.ts';
import { renderCompose, type VmRole } from './compose.ts';
import { nginxFiles } from './nginx.ts';
import {
  BACKUP_SCRIPT,
  BOOTSTRAP_SCRIPT,
  HEALTH_SCRIPT,
  SECRETS_SCRIPT,
  TLS_SCRIPT,
} from './scripts.ts';

export type SecretsSource =
  | { kind: 'aws-ssm'; region: string; name: string }
  | { kind: 'gcp-secret-manager'; name: string }
  | { kind: 'do-spaces'; object: string };

export interface CloudInitOptions {
  cloud: Cloud;
  role: VmRole;
  domain: string;
  frappeVersion: string;
  adminEmail: string;
  sshPublicKeys: string[];
  baseline: Baseline;
  workers: WorkerPlan | null;
  memoryMb: number;
  /** Stable device path of the data disk, or null when the VM has none. */
  dataDevice: string | null;
  db: { host: string; managed: boolean; rootUser: string };
  /** Private address of the enterprise worker VM (Redis, NFS), for web VMs. */
  workerHost: string | null;
  /** Private address of the database primary, for the replica. */
  primaryHost: string | null;
  serverId: number;
  privateCidr: string;
  tlsOnBox: boolean;
  secrets: SecretsSource;
  /** rclone.conf text: remotes for the backup buckets (and the DigitalOcean secrets object). */
  rcloneConfig: string;
  backup: { cron: string; targets: string[] } | null;
}

const COMPOSE_PRIVATE_IP = ['$', '{PRIVATE_IP}'].join('');

export interface CloudInitFile {
  path: string;
  permissions: string;
  content: string;
}

/** Frappe 16 expects MariaDB 11.8; 15 runs on the 10.11 LTS line. */
export function mariadbVersionFor(frappeVersion: string): string {
  const major = Number(/(\d+)/.exec(frappeVersion)?.[1] ?? '15');
  return major >= 16 ? '11.8' : '10.11';
}

export function cloudInitFiles(options: CloudInitOptions): CloudInitFile[] {
  const role = options.role;
  const runsDb = role === 'all-in-one' || role === 'db-primary' || role === 'db-replica';
  const runsWeb = role === 'all-in-one' || role === 'app' || role === 'web';
  const sitesPath = role === 'web' ? '' : '/mnt/data/sites';
  const worker = options.workerHost;
  // On the worker itself, compose fills in its own private address from /etc/blkshp/.env.
  const redisHost = role === 'web' ? worker : role === 'worker' ? COMPOSE_PRIVATE_IP : null;

  const env: Record<string, string> = {
    CLOUD: options.cloud,
    ROLE: role,
    SITE: options.domain,
    ADMIN_EMAIL: options.adminEmail,
    DATA_DEVICE: options.dataDevice ?? '',
    SITES_PATH: sitesPath,
    MYSQL_PATH: '/mnt/data/mysql',
    DB_MANAGED: options.db.managed ? '1' : '0',
    DB_ROOT_USER: options.db.rootUser,
    PRIMARY_HOST: options.primaryHost ?? '',
    PRIVATE_CIDR: options.privateCidr,
    PRIVATE_PROBE: options.privateCidr.replace(/\.0\/\d+$/, '.1'),
    TLS_ON_BOX: options.tlsOnBox ? '1' : '0',
    SECRETS_SOURCE: options.secrets.kind,
    SECRETS_NAME:
      options.secrets.kind === 'do-spaces' ? options.secrets.object : options.secrets.name,
    SECRETS_REGION: options.secrets.kind === 'aws-ssm' ? options.secrets.region : '',
    BACKUP_TARGETS: options.backup?.targets.join(' ') ?? '',
  };

  const files: CloudInitFile[] = [
    file('/etc/blkshp/bootstrap.env', '0644', renderEnv(env)),
    file('/etc/blkshp/rclone.conf', '0600', options.rcloneConfig),
    file(
      '/etc/blkshp/compose.yaml',
      '0644',
      renderCompose({
        role,
        image: `frappe/erpnext:${options.frappeVersion}`,
        mariadbImage: `mariadb:${mariadbVersionFor(options.frappeVersion)}`,
        domain: options.domain,
        workers: options.workers,
        sitesPath: role === 'web' ? `nfs:${worker}` : sitesPath,
        mysqlPath: '/mnt/data/mysql',
        redisCache: redisHost ? `${redisHost}:6379` : 'redis-cache:6379',
        redisQueue: redisHost ? `${redisHost}:6380` : 'redis-queue:6379',
        dbHost: role === 'all-in-one' ? 'db' : options.db.host,
      }),
    ),
    file('/etc/blkshp/metadata-guard.nft', '0644', METADATA_GUARD),
    file('/etc/ssh/sshd_config.d/10-blkshp.conf', '0644', renderSshd(options.baseline)),
    file('/etc/fail2ban/jail.d/blkshp.local', '0644', renderFail2ban(options.baseline, runsWeb)),
    file('/etc/apt/apt.conf.d/20auto-upgrades', '0644', AUTO_UPGRADES),
    file('/etc/apt/apt.conf.d/52blkshp-reboot', '0644', renderReboot(options.baseline)),
    file('/usr/local/sbin/blkshp-secrets', '0700', SECRETS_SCRIPT),
    file('/usr/local/sbin/blkshp-bootstrap', '0700', BOOTSTRAP_SCRIPT),
  ];
  if (runsDb) {
    const dedicated = role !== 'all-in-one';
    files.push(file('/etc/blkshp/mariadb.cnf', '0644', renderMariadb(options, dedicated)));
  }
  if (runsWeb) {
    files.push(file('/usr/local/sbin/blkshp-health', '0700', HEALTH_SCRIPT));
    for (const f of nginxFiles(options.domain, options.baseline, options.tlsOnBox)) {
      files.push(file(f.path, '0644', f.content));
    }
  }
  if (options.tlsOnBox) files.push(file('/usr/local/sbin/blkshp-tls', '0700', TLS_SCRIPT));
  if (options.backup) files.push(file('/usr/local/sbin/blkshp-backup', '0700', BACKUP_SCRIPT));
  const agent = AGENT_SCRIPTS[options.cloud];
  if (agent) files.push(file('/usr/local/sbin/blkshp-agent', '0700', agent));
  files.push(file('/etc/cron.d/blkshp', '0644', renderCron(options, runsWeb)));
  return files;
}

/** The whole `#cloud-config` document. */
export function renderCloudInit(options: CloudInitOptions): string {
  const files = cloudInitFiles(options);
  const packages = packagesFor(options);
  const lines = [
    '#cloud-config',
    'disable_root: true',
    'ssh_pwauth: false',
    'package_update: true',
    'package_upgrade: true',
    'users:',
    '  - name: blkshp',
    '    groups: [sudo, docker]',
    '    shell: /bin/bash',
    '    lock_passwd: true',
    "    sudo: 'ALL=(ALL) NOPASSWD:ALL'",
    `    ssh_authorized_keys: ${JSON.stringify(options.sshPublicKeys)}`,
    `packages: ${JSON.stringify(packages)}`,
    'bootcmd:',
    `  - ${JSON.stringify(['sh', '-c', 'nft -f /etc/blkshp/metadata-guard.nft || true'])}`,
    'write_files:',
    ...files.flatMap((f) => [
      `  - path: ${f.path}`,
      `    permissions: '${f.permissions}'`,
      '    owner: root:root',
      '    content: |',
      ...f.content.split('\n').map((line) => (line === '' ? '' : `      ${line}`)),
    ]),
    'runcmd:',
    '  - [systemctl, restart, ssh]',
    '  - [systemctl, enable, --now, fail2ban, unattended-upgrades]',
    ...(options.baseline.audit.auditd ? ['  - [systemctl, enable, --now, auditd]'] : []),
    '  - [/usr/local/sbin/blkshp-bootstrap]',
    '',
  ];
  return lines.join('\n');
}

function packagesFor(options: CloudInitOptions): string[] {
  const packages = [
    'docker.io',
    'docker-compose',
    'jq',
    'curl',
    'rclone',
    'gnupg',
    'nftables',
    'fail2ban',
    'python3-systemd',
    'unattended-upgrades',
    'apt-listchanges',
  ];
  if (['all-in-one', 'app', 'web'].includes(options.role)) packages.push('nginx');
  if (options.tlsOnBox) packages.push('certbot');
  if (options.role === 'worker') packages.push('nfs-kernel-server');
  if (options.role === 'web') packages.push('nfs-common');
  if (options.baseline.audit.auditd) packages.push('auditd');
  return packages;
}

function file(path: string, permissions: string, content: string): CloudInitFile {
  return { path, permissions, content: content.endsWith('\n') ? content : `${content}\n` };
}

/** Shell-safe `KEY='value'` lines. */
function renderEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => `${key}='${value.replaceAll("'", `'"'"'`)}'`)
    .join('\n');
}

function renderSshd(baseline: Baseline): string {
  const settings = Object.entries(baseline.sshd).map(([key, value]) => `${key} ${value}`);
  return [
    '# Managed by blkshp: key-only SSH for the blkshp user.',
    ...settings,
    'AllowUsers blkshp',
  ].join('\n');
}

function renderFail2ban(baseline: Baseline, nginx: boolean): string {
  return Object.entries(baseline.fail2ban)
    .filter(([jail]) => nginx || !jail.startsWith('nginx'))
    .map(([jail, rule]) => {
      const source = jail === 'sshd' ? 'backend = systemd' : 'logpath = /var/log/nginx/access.log';
      return [
        `[${jail}]`,
        'enabled = true',
        source,
        `maxretry = ${rule.maxretry}`,
        `findtime = ${rule.findtime}`,
        `bantime = ${rule.bantime}`,
      ].join('\n');
    })
    .join('\n\n');
}

const AUTO_UPGRADES =
  'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";';

function renderReboot(baseline: Baseline): string {
  return [
    `Unattended-Upgrade::Automatic-Reboot "${baseline.updates.autoReboot}";`,
    `Unattended-Upgrade::Automatic-Reboot-Time "${baseline.updates.rebootTime}";`,
  ].join('\n');
}

function renderMariadb(options: CloudInitOptions, dedicated: boolean): string {
  const replica = options.role === 'db-replica';
  return [
    '[mysqld]',
    'character-set-client-handshake = FALSE',
    'character-set-server = utf8mb4',
    'collation-server = utf8mb4_unicode_ci',
    'max_allowed_packet = 256M',
    `innodb_buffer_pool_size = ${innodbBufferPoolMb(options.memoryMb, dedicated)}M`,
    'innodb_log_file_size = 512M',
    'innodb_flush_log_at_trx_commit = 1',
    'innodb_file_per_table = 1',
    `server_id = ${options.serverId}`,
    'log_bin = mysql-bin',
    'binlog_format = ROW',
    'expire_logs_days = 14',
    'slow_query_log = 1',
    'long_query_time = 2',
    ...(replica ? ['read_only = 1', 'relay_log = relay-bin'] : []),
    '',
    '[mysql]',
    'default-character-set = utf8mb4',
    '',
    '[client]',
    'default-character-set = utf8mb4',
  ].join('\n');
}

function renderCron(options: CloudInitOptions, web: boolean): string {
  const lines = [
    'SHELL=/bin/bash',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  ];
  if (web) lines.push('*/5 * * * * root blkshp-health');
  if (options.tlsOnBox) lines.push('*/15 * * * * root blkshp-tls');
  if (options.backup) lines.push(`${options.backup.cron} root blkshp-backup`);
  return lines.join('\n');
}

// Processes in containers and unprivileged users must not read instance metadata (user data,
// and on AWS/GCP the VM's credentials); root and system daemons still can.
const METADATA_GUARD = `table inet blkshp_metadata
delete table inet blkshp_metadata
table inet blkshp_metadata {
  chain output {
    type filter hook output priority 0;
    ip daddr 169.254.169.254 meta skuid >= 1000 drop
  }
  chain forward {
    type filter hook forward priority 0;
    ip daddr 169.254.169.254 drop
  }
}`;

const GCP_AGENT = `#!/bin/bash
set -euo pipefail
# Google's Ops Agent reports memory and disk use, which the alert policy watches.
curl -sSfo /tmp/add-ops-agent-repo.sh \\
  https://dl.google.com/cloudagents/add-google-cloud-ops-agent-repo.sh
bash /tmp/add-ops-agent-repo.sh --also-install
`;

const AWS_AGENT = `#!/bin/bash
set -euo pipefail
# The CloudWatch agent reports memory and disk use (CWAgent namespace) for the alarms.
deb=/tmp/amazon-cloudwatch-agent.deb
curl -sSfo "$deb" \\
  https://amazoncloudwatch-agent.s3.amazonaws.com/debian/amd64/latest/amazon-cloudwatch-agent.deb
dpkg -i "$deb"
cat >/etc/blkshp/cwagent.json <<'JSON'
{"metrics": {"append_dimensions": {"InstanceId": "\${aws:InstanceId}"},
  "aggregation_dimensions": [["InstanceId"]],
  "metrics_collected": {"mem": {"measurement": ["used_percent"]},
    "disk": {"measurement": ["used_percent"], "resources": ["/"]}}}}
JSON
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \\
  -c file:/etc/blkshp/cwagent.json
`;

// DigitalOcean installs its agent itself when a droplet has monitoring enabled.
const AGENT_SCRIPTS: Record<Cloud, string | null> = {
  digitalocean: null,
  gcp: GCP_AGENT,
  aws: AWS_AGENT,
};
