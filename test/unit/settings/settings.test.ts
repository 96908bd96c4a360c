import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlkshpError } from '../../../infra/errors.ts';
import { isSandboxed, loadSettings } from '../../../infra/settings/settings.ts';

function failure(env: NodeJS.ProcessEnv): BlkshpError {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof BlkshpError) return error;
    throw error;
  }
  throw new Error('expected loadSettings to throw');
}

describe('loadSettings', () => {
  it('runs embedded with no variables at all', () => {
    const settings = loadSettings({});
    const dataDir = resolve('.blkshp');

    expect(settings).toEqual({
      dataDir,
      workspacesDir: join(dataDir, 'workspaces'),
      sandboxDir: join(dataDir, 'sandbox', 'state'),
      replica: { name: `${hostname()}-${process.pid}`, heartbeatSeconds: 30, drainSeconds: 0 },
      port: 8080,
      host: '127.0.0.1',
      database: { kind: 'sqlite', file: join(dataDir, 'blkshp.sqlite') },
      backendUrl: `file://${join(dataDir, 'state')}`,
      secretsProvider: null,
      passphrase: { source: 'generated', path: join(dataDir, 'passphrase') },
      maxEngineRuns: availableParallelism(),
      operationTimeoutSeconds: 3600,
      previewMaxAgeMinutes: 60,
      logLevel: 'info',
      cloudMode: 'auto',
      cloudCredentials: { digitalocean: false, gcp: false, aws: false },
      slack: null,
    });
  });

  it('puts the data directory under XDG_DATA_HOME when that is set', () => {
    expect(loadSettings({ XDG_DATA_HOME: '/var/lib/xdg' }).dataDir).toBe('/var/lib/xdg/blkshp');
    expect(
      loadSettings({ XDG_DATA_HOME: '/var/lib/xdg', BLKSHP_DATA_DIR: '/srv/blkshp' }).dataDir,
    ).toBe('/srv/blkshp');
  });

  it('reads the replica settings: shared directories, name and heartbeat', () => {
    const settings = loadSettings({
      BLKSHP_WORKSPACES_DIR: '/mnt/shared/workspaces',
      BLKSHP_SANDBOX_DIR: '/mnt/shared/sandbox',
      BLKSHP_REPLICA_NAME: 'blkshp-1',
      BLKSHP_JOB_HEARTBEAT_SECONDS: '15',
      BLKSHP_DRAIN_SECONDS: '90',
    });
    expect(settings.workspacesDir).toBe('/mnt/shared/workspaces');
    expect(settings.sandboxDir).toBe('/mnt/shared/sandbox');
    expect(settings.replica).toEqual({ name: 'blkshp-1', heartbeatSeconds: 15, drainSeconds: 90 });
  });

  it('refuses a heartbeat under the job engine minimum and a replica name with spaces', () => {
    const error = failure({ BLKSHP_JOB_HEARTBEAT_SECONDS: '5', BLKSHP_REPLICA_NAME: 'two words' });
    expect(error.message).toContain(
      'BLKSHP_JOB_HEARTBEAT_SECONDS: must be a whole number from 10 to 3600',
    );
    expect(error.message).toContain('BLKSHP_REPLICA_NAME: must be 1 to 64 letters');
  });

  it('reads the production settings', () => {
    const settings = loadSettings({
      BLKSHP_DATA_DIR: '/srv/blkshp',
      BLKSHP_PORT: '9000',
      BLKSHP_HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://blkshp:pw@db.internal/blkshp',
      PULUMI_BACKEND_URL: 's3://blkshp-state',
      BLKSHP_SECRETS_PROVIDER: 'awskms://alias/blkshp?region=us-east-1',
      BLKSHP_MAX_ENGINE_RUNS: '4',
      BLKSHP_OPERATION_TIMEOUT_SECONDS: '600',
      BLKSHP_PREVIEW_MAX_AGE_MINUTES: '15',
      BLKSHP_LOG_LEVEL: 'debug',
      BLKSHP_CLOUD_MODE: 'real',
    });

    expect(settings).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      database: { kind: 'postgres', url: 'postgres://blkshp:pw@db.internal/blkshp' },
      backendUrl: 's3://blkshp-state',
      secretsProvider: 'awskms://alias/blkshp?region=us-east-1',
      passphrase: null,
      maxEngineRuns: 4,
      operationTimeoutSeconds: 600,
      previewMaxAgeMinutes: 15,
      logLevel: 'debug',
      cloudMode: 'real',
    });
  });

  it('takes the passphrase from the environment when given', () => {
    expect(loadSettings({ PULUMI_CONFIG_PASSPHRASE: 'correct horse' }).passphrase).toEqual({
      source: 'env',
      value: 'correct horse',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadSettings({ BLKSHP_PORT: '', DATABASE_URL: ' ', SLACK_BOT_TOKEN: '' })).toEqual(
      loadSettings({}),
    );
  });

  it.each([
    [
      'BLKSHP_PORT',
      'eighty',
      /BLKSHP_PORT: must be a whole number from 1 to 65535 \(got "eighty"\)/,
    ],
    ['BLKSHP_PORT', '70000', /BLKSHP_PORT: must be a whole number/],
    ['BLKSHP_HOST', 'http://x', /BLKSHP_HOST: must be a host name or address/],
    [
      'DATABASE_URL',
      'mysql://root@db/x',
      /DATABASE_URL: must be a URL starting with one of postgres:\/\//,
    ],
    ['PULUMI_BACKEND_URL', 'ftp://state', /PULUMI_BACKEND_URL: must be a URL/],
    ['BLKSHP_SECRETS_PROVIDER', 'passphrase', /BLKSHP_SECRETS_PROVIDER: must be a URL .*awskms/],
    ['PULUMI_CONFIG_PASSPHRASE_FILE', '/no/such/file', /does not exist/],
    ['BLKSHP_MAX_ENGINE_RUNS', '0', /BLKSHP_MAX_ENGINE_RUNS: must be a whole number from 1/],
    ['BLKSHP_OPERATION_TIMEOUT_SECONDS', '-5', /BLKSHP_OPERATION_TIMEOUT_SECONDS: must be/],
    ['BLKSHP_PREVIEW_MAX_AGE_MINUTES', '1.5', /BLKSHP_PREVIEW_MAX_AGE_MINUTES: must be/],
    ['BLKSHP_LOG_LEVEL', 'loud', /BLKSHP_LOG_LEVEL: must be one of fatal, error/],
    ['BLKSHP_CLOUD_MODE', 'cloudy', /BLKSHP_CLOUD_MODE: must be one of sandbox, real, auto/],
    ['SLACK_SOCKET_MODE', 'maybe', /SLACK_SOCKET_MODE: must be true or false/],
    ['SLACK_ROLES', '{not json', /SLACK_ROLES: must be valid JSON/],
    ['SLACK_ROLES', '{"U1": 3}', /SLACK_ROLES: must be a JSON object mapping/],
    ['SLACK_API_URL', 'slack.test', /SLACK_API_URL: must be a URL/],
  ])('rejects %s=%j with one line naming it', (name, value, message) => {
    const slack = name.startsWith('SLACK_')
      ? { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }
      : {};
    const error = failure({ ...slack, [name]: value });

    expect(error.code).toBe('BLKSHP_CONFIG_INVALID');
    expect(error.message).toMatch(message);
    expect(error.issues.map((i) => i.field)).toEqual([name]);
  });

  it('reports every bad variable on its own line', () => {
    const error = failure({
      BLKSHP_PORT: 'x',
      BLKSHP_LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
      BLKSHP_CLOUD_MODE: 'cloudy',
    });

    const lines = error.message.split('\n').slice(1);
    expect(lines).toHaveLength(4);
    for (const name of ['BLKSHP_PORT', 'BLKSHP_LOG_LEVEL', 'DATABASE_URL', 'BLKSHP_CLOUD_MODE']) {
      expect(lines.filter((line) => line.trim().startsWith(`${name}:`))).toHaveLength(1);
    }
  });

  it('never echoes a secret value in the error', () => {
    const error = failure({
      DATABASE_URL: 'mysql://root:s3cr3t-db@db/x',
      SLACK_BOT_TOKEN: 'xoxp-s3cr3t-token',
      SLACK_APP_TOKEN: 'bad-s3cr3t-app',
      SLACK_SIGNING_SECRET: 's3cr3t-signing',
    });

    expect(error.issues.map((i) => i.field).sort()).toEqual([
      'DATABASE_URL',
      'SLACK_APP_TOKEN',
      'SLACK_BOT_TOKEN',
    ]);
    expect(error.message).not.toMatch(/s3cr3t/);
  });

  it.each([
    [{ AWS_ACCESS_KEY_ID: 'AKIA' }, 'AWS_SECRET_ACCESS_KEY', /required when AWS_ACCESS_KEY_ID/],
    [{ AWS_SECRET_ACCESS_KEY: 'x' }, 'AWS_ACCESS_KEY_ID', /required when AWS_SECRET_ACCESS_KEY/],
    [
      { PULUMI_CONFIG_PASSPHRASE: 'a', PULUMI_CONFIG_PASSPHRASE_FILE: '/etc/hostname' },
      'PULUMI_CONFIG_PASSPHRASE_FILE',
      /not both/,
    ],
    [{ SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN', /required when any other SLACK_/],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SOCKET_MODE: 'true' },
      'SLACK_APP_TOKEN',
      /required when SLACK_SOCKET_MODE is true/,
    ],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET', /required unless SLACK_SOCKET_MODE/],
  ])('rejects the inconsistent combination %j', (env, field, message) => {
    const error = failure(env);
    expect(error.issues).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it('reads Slack settings and normalises roles to lists', () => {
    const settings = loadSettings({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_SOCKET_MODE: 'true',
      SLACK_ROLES: '{"U1": "admin", "S2": ["operator", "approver"]}',
      SLACK_API_URL: 'http://127.0.0.1:3999/api/',
    });

    expect(settings.slack).toEqual({
      signingSecret: null,
      botToken: 'xoxb-1',
      appToken: 'xapp-1',
      socketMode: true,
      roles: { U1: ['admin'], S2: ['operator', 'approver'] },
      apiUrl: 'http://127.0.0.1:3999/api/',
    });
  });
});

describe('isSandboxed', () => {
  it.each([
    ['auto', {}, { digitalocean: true, gcp: true, aws: true }],
    ['auto', { DIGITALOCEAN_TOKEN: 't' }, { digitalocean: false, gcp: true, aws: true }],
    [
      'auto',
      { GOOGLE_APPLICATION_CREDENTIALS: '/k.json' },
      { digitalocean: true, gcp: false, aws: true },
    ],
    ['auto', { AWS_PROFILE: 'prod' }, { digitalocean: true, gcp: true, aws: false }],
    [
      'auto',
      { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' },
      { digitalocean: true, gcp: true, aws: false },
    ],
    ['sandbox', { DIGITALOCEAN_TOKEN: 't' }, { digitalocean: true, gcp: true, aws: true }],
    ['real', {}, { digitalocean: false, gcp: false, aws: false }],
  ] as const)('in %s mode with %j', (mode, env, expected) => {
    const settings = loadSettings({ ...env, BLKSHP_CLOUD_MODE: mode });
    for (const [cloud, sandboxed] of Object.entries(expected)) {
      expect(isSandboxed(settings, cloud as keyof typeof expected)).toBe(sandboxed);
    }
  });
});
