/**
 * First boot of a control-plane droplet: Docker and the NFS client from Debian, the shared
 * directory mounted, the settings written 0600, and the image run as a restarting container.
 */
export interface ReplicaBoot {
  replicaName: string;
  image: string;
  nfsHost: string;
  nfsPath: string;
  /** The service's environment; written to a root-only file, never into the unit or the log. */
  environment: Record<string, string>;
}

const SHARED = '/mnt/blkshp-shared';
// nofail and _netdev: a share that is late at boot does not stop the droplet booting.
const NFS_OPTIONS = 'defaults,nofail,_netdev';

export function replicaUserData(boot: ReplicaBoot): string {
  const env = Object.entries(boot.environment)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  const indent = (text: string) =>
    text
      .split('\n')
      .map((line) => `      ${line}`)
      .join('\n');
  return [
    '#cloud-config',
    'package_update: true',
    'packages: [docker.io, nfs-common]',
    'write_files:',
    '  - path: /etc/blkshp/blkshp.env',
    "    permissions: '0600'",
    '    owner: root:root',
    '    content: |',
    indent(env),
    'mounts:',
    `  - [ "${boot.nfsHost}:${boot.nfsPath}", "${SHARED}", nfs, "${NFS_OPTIONS}", "0", "0" ]`,
    'runcmd:',
    `  - [ mkdir, -p, ${SHARED} ]`,
    '  - [ mount, -a ]',
    `  - [ install, -d, -o, "10001", -g, "10001", ${SHARED}/workspaces ]`,
    '  - [ systemctl, enable, --now, docker ]',
    [
      '  - [ docker, run, -d, --name, blkshp, --restart, unless-stopped,',
      '      --env-file, /etc/blkshp/blkshp.env,',
      `      -e, "BLKSHP_REPLICA_NAME=${boot.replicaName}",`,
      `      -v, "${SHARED}:${SHARED}", -v, "blkshp-data:/var/lib/blkshp",`,
      `      -p, "8080:8080", "${boot.image}" ]`,
    ].join('\n'),
    '',
  ].join('\n');
}

export const SHARED_DIR = SHARED;
