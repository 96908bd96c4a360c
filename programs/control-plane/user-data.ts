/**
 * First boot of a control-plane droplet: Docker from Debian, the settings written 0600, and the
 * image run as a restarting container. Nothing is shared on disk: Postgres keeps the stack
 * settings and the object store the state.
 */
export interface ReplicaBoot {
  replicaName: string;
  image: string;
  /** The service's environment; written to a root-only file, never into the unit or the log. */
  environment: Record<string, string>;
}

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
    'packages: [docker.io]',
    'write_files:',
    '  - path: /etc/blkshp/blkshp.env',
    "    permissions: '0600'",
    '    owner: root:root',
    '    content: |',
    indent(env),
    'runcmd:',
    '  - [ systemctl, enable, --now, docker ]',
    [
      '  - [ docker, run, -d, --name, blkshp, --restart, unless-stopped,',
      '      --env-file, /etc/blkshp/blkshp.env,',
      `      -e, "BLKSHP_REPLICA_NAME=${boot.replicaName}",`,
      '      -v, "blkshp-data:/var/lib/blkshp",',
      `      -p, "8080:8080", "${boot.image}" ]`,
    ].join('\n'),
    '',
  ].join('\n');
}
