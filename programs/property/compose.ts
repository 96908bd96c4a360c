/**
 * The Frappe containers of one VM, laid out like frappe_docker's production compose file
 * (configurator, backend, frontend, websocket, queue-short, queue-long, scheduler, the two
 * Redis instances and, on starter, MariaDB). Rendered as JSON, which is valid YAML, so no
 * serializer is needed. `${PRIVATE_IP}` is filled by compose from the `.env` the bootstrap
 * script writes, so private ports bind to the private interface only.
 */
import type { WorkerPlan } from '../../infra/tiers/workers.ts';

export type VmRole = 'all-in-one' | 'app' | 'web' | 'worker' | 'db-primary' | 'db-replica';

export interface ComposeOptions {
  role: VmRole;
  image: string;
  mariadbImage: string;
  domain: string;
  workers: WorkerPlan | null;
  /**
   * Where the bench `sites` directory lives: a host path on the data disk, or `nfs:<host>` for
   * the worker's export. A named volume either way, so Docker copies the image's own `sites`
   * content (apps.txt, assets) into it on first use, as frappe_docker relies on.
   */
  sitesPath: string;
  /** Host path of MariaDB's data directory (data disk), for roles that run it. */
  mysqlPath: string;
  /** `host:port` of each Redis as the Frappe processes reach it. */
  redisCache: string;
  redisQueue: string;
  dbHost: string;
}

const BENCH = '/home/frappe/frappe-bench';

export function renderCompose(options: ComposeOptions): string {
  const services: Record<string, unknown> = {};
  const has = (...roles: VmRole[]) => roles.includes(options.role);
  const common = {
    image: options.image,
    restart: 'unless-stopped',
    volumes: [`sites:${BENCH}/sites`],
  };
  const localRedis = has('all-in-one', 'app');
  const dependsOnRedis = localRedis ? { depends_on: ['redis-cache', 'redis-queue'] } : {};

  if (has('all-in-one', 'app', 'worker')) {
    services.configurator = {
      ...common,
      restart: 'no',
      entrypoint: ['bash', '-c'],
      command: [
        [
          'ls -1 apps > sites/apps.txt',
          `bench set-config -g db_host ${options.dbHost}`,
          'bench set-config -gp db_port 3306',
          `bench set-config -g redis_cache redis://${options.redisCache}`,
          `bench set-config -g redis_queue redis://${options.redisQueue}`,
          `bench set-config -g redis_socketio redis://${options.redisQueue}`,
          'bench set-config -gp socketio_port 9000',
        ].join(' && '),
      ],
      ...(has('all-in-one') ? { depends_on: ['db'] } : {}),
    };
  }

  if (has('all-in-one', 'app', 'web')) {
    services.backend = {
      ...common,
      ...dependsOnRedis,
      command: [
        `${BENCH}/env/bin/gunicorn`,
        `--chdir=${BENCH}/sites`,
        '--bind=0.0.0.0:8000',
        '--worker-class=gthread',
        '--threads=4',
        `--workers=${options.workers?.gunicornWorkers ?? 2}`,
        '--worker-tmp-dir=/dev/shm',
        '--timeout=120',
        '--preload',
        'frappe.app:application',
      ],
    };
    services.websocket = { ...common, command: ['node', `${BENCH}/apps/frappe/socketio.js`] };
    services.frontend = {
      ...common,
      command: ['nginx-entrypoint.sh'],
      environment: {
        BACKEND: 'backend:8000',
        SOCKETIO: 'websocket:9000',
        FRAPPE_SITE_NAME_HEADER: options.domain,
        UPSTREAM_REAL_IP_ADDRESS: '127.0.0.1',
        UPSTREAM_REAL_IP_HEADER: 'X-Forwarded-For',
        UPSTREAM_REAL_IP_RECURSIVE: 'on',
        CLIENT_MAX_BODY_SIZE: '50m',
      },
      // Only the host nginx (TLS, headers, fail2ban logs) talks to the container.
      ports: ['127.0.0.1:8080:8080'],
      depends_on: ['backend', 'websocket'],
    };
  }

  if (has('all-in-one', 'app', 'worker')) {
    const plan = options.workers;
    services['queue-short'] = {
      ...common,
      ...dependsOnRedis,
      command: ['bench', 'worker', '--queue', 'short,default'],
      deploy: { replicas: plan?.shortWorkers ?? 1 },
    };
    services['queue-long'] = {
      ...common,
      ...dependsOnRedis,
      command: ['bench', 'worker', '--queue', 'long,default,short'],
      deploy: { replicas: plan?.longWorkers ?? 1 },
    };
    // Exactly one scheduler per bench.
    services.scheduler = { ...common, ...dependsOnRedis, command: ['bench', 'schedule'] };

    const exposed = has('worker');
    services['redis-cache'] = {
      image: 'redis:7.2-alpine',
      restart: 'unless-stopped',
      command: ['redis-server', '--save', '', '--appendonly', 'no', '--maxmemory', '512mb'],
      ...(exposed ? { ports: [`\${PRIVATE_IP}:6379:6379`] } : {}),
    };
    services['redis-queue'] = {
      image: 'redis:7.2-alpine',
      restart: 'unless-stopped',
      command: ['redis-server', '--appendonly', 'yes'],
      volumes: ['redis-queue-data:/data'],
      ...(exposed ? { ports: [`\${PRIVATE_IP}:6380:6379`] } : {}),
    };
  }

  if (has('all-in-one', 'db-primary', 'db-replica')) {
    services.db = {
      image: options.mariadbImage,
      restart: 'unless-stopped',
      env_file: ['/etc/blkshp/db.env'],
      volumes: [
        `${options.mysqlPath}:/var/lib/mysql`,
        '/etc/blkshp/mariadb.cnf:/etc/mysql/conf.d/frappe.cnf:ro',
        '/etc/blkshp/db-init:/docker-entrypoint-initdb.d:ro',
      ],
      healthcheck: {
        test: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
        interval: '10s',
        retries: 10,
      },
      ...(has('all-in-one') ? {} : { ports: [`\${PRIVATE_IP}:3306:3306`] }),
    };
  }

  const volumes: Record<string, unknown> = {};
  if (services['redis-queue']) volumes['redis-queue-data'] = {};
  if (services.backend || services.scheduler) volumes.sites = sitesVolume(options.sitesPath);
  return `${JSON.stringify({ name: 'frappe', services, volumes }, null, 2)}\n`;
}

function sitesVolume(sitesPath: string): unknown {
  if (sitesPath.startsWith('nfs:')) {
    const host = sitesPath.slice('nfs:'.length);
    return {
      driver: 'local',
      driver_opts: { type: 'nfs', o: `addr=${host},rw,nfsvers=4.2`, device: ':/mnt/data/sites' },
    };
  }
  return { driver: 'local', driver_opts: { type: 'none', o: 'bind', device: sitesPath } };
}
