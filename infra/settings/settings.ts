/**
 * The service's configuration, read once from the environment at start-up.
 *
 * Every variable is optional: without any, the service runs embedded (a SQLite file, a `file://`
 * state backend and a generated passphrase inside the data directory, every cloud sandboxed).
 * Production swaps each piece for a real service through these variables alone.
 *
 * @example
 * const settings = loadSettings(); // throws BLKSHP_CONFIG_INVALID, one line per bad variable
 */
import { statSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { BlkshpError, ERROR_CODES, type FieldIssue } from '../errors.ts';

export const CLOUDS = ['digitalocean', 'gcp', 'aws'] as const;
export type Cloud = (typeof CLOUDS)[number];

export const CLOUD_MODES = ['sandbox', 'real', 'auto'] as const;
export type CloudMode = (typeof CLOUD_MODES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseSettings = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * Where the stacks' passphrase comes from. Absent when a KMS secrets provider is configured and
 * no passphrase was given.
 */
export type PassphraseSettings =
  | { source: 'env'; value: string }
  | { source: 'file'; path: string }
  /** Generated on first start by `ensurePassphraseFile`; back this file up. */
  | { source: 'generated'; path: string };

export interface SlackSettings {
  signingSecret: string | null;
  botToken: string | null;
  appToken: string | null;
  socketMode: boolean;
  /** Slack user or user group id to role names, e.g. `{ "U0123": ["admin"] }`. */
  roles: Record<string, string[]>;
  /** Overrides https://slack.com/api/ (tests point it at a local fake). */
  apiUrl: string | null;
}

/** How this process takes part in a group of replicas (only with DATABASE_URL). */
export interface ReplicaSettings {
  /** Shown in logs and the job engine's instance list; defaults to host and pid. */
  name: string;
  /**
   * A running operation's job sends a heartbeat this often (half of it, in fact); a replica
   * silent for this long is presumed dead and its operation is recovered by another.
   */
  heartbeatSeconds: number;
  /** On SIGTERM, how long running operations may finish before they are cancelled. */
  drainSeconds: number;
}

export interface Settings {
  dataDir: string;
  /**
   * Each stack's work directory: its project file and a copy of its settings file, which the
   * database keeps (see infra/stacks/settings-store.ts). Each replica has its own.
   */
  workspacesDir: string;
  /** The offline sandbox cloud's resources; replicas share it the way they share a cloud. */
  sandboxDir: string;
  replica: ReplicaSettings;
  port: number;
  host: string;
  database: DatabaseSettings;
  backendUrl: string;
  /** `awskms://...` and friends; null means the passphrase provider. */
  secretsProvider: string | null;
  passphrase: PassphraseSettings | null;
  maxEngineRuns: number;
  operationTimeoutSeconds: number;
  previewMaxAgeMinutes: number;
  logLevel: LogLevel;
  cloudMode: CloudMode;
  /** Whether credentials for each cloud are present. The credentials stay in the environment. */
  cloudCredentials: Record<Cloud, boolean>;
  /** Null when no Slack variable is set: the bot does not start. */
  slack: SlackSettings | null;
}

/**
 * Paths (dot-separated, into Settings) of the fields that hold secret values. Loggers redact
 * them; nothing should print them.
 */
export const SECRET_SETTING_KEYS = [
  'database.url',
  'passphrase.value',
  'slack.signingSecret',
  'slack.botToken',
  'slack.appToken',
] as const;

/** Variables whose values must never appear in an error or a log line. */
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'PULUMI_CONFIG_PASSPHRASE',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'DIGITALOCEAN_TOKEN',
  'GOOGLE_CREDENTIALS',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
]);

// Compose files and systemd units often set a variable to the empty string to mean "unset".
const present = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(present, schema.optional());
}

function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return optional(
    z
      .string()
      .trim()
      .regex(/^\d+$/, message)
      .transform(Number)
      .refine((n) => n >= min && n <= max, message),
  );
}

function urlWithScheme(schemes: readonly string[]) {
  const list = schemes.map((s) => `${s}://`).join(', ');
  const pattern = new RegExp(`^(${schemes.join('|')})://\\S+$`);
  return optional(z.string().trim().regex(pattern, `must be a URL starting with one of ${list}`));
}

function boolean() {
  return optional(
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );
}

const slackRoles = optional(
  z.string().transform((text, ctx) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
      return z.NEVER;
    }
    const shape = z.record(z.string().min(1), z.union([z.string(), z.array(z.string())]));
    const result = shape.safeParse(parsed);
    if (!result.success) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a JSON object mapping Slack ids to a role name or a list of role names',
      });
      return z.NEVER;
    }
    return Object.fromEntries(
      Object.entries(result.data).map(([id, roles]) => [
        id,
        Array.isArray(roles) ? roles : [roles],
      ]),
    );
  }),
);

const text = optional(z.string());

const environmentSchema = z.object({
  BLKSHP_DATA_DIR: text,
  BLKSHP_WORKSPACES_DIR: text,
  BLKSHP_SANDBOX_DIR: text,
  BLKSHP_REPLICA_NAME: optional(
    z
      .string()
      .trim()
      .regex(/^[\w.-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores'),
  ),
  BLKSHP_JOB_HEARTBEAT_SECONDS: wholeNumber(10, 3600),
  BLKSHP_DRAIN_SECONDS: wholeNumber(0, 24 * 3600),
  XDG_DATA_HOME: text,
  BLKSHP_PORT: wholeNumber(1, 65_535),
  BLKSHP_HOST: optional(
    z
      .string()
      .trim()
      .regex(/^[^\s/]+$/, 'must be a host name or address'),
  ),
  DATABASE_URL: urlWithScheme(['postgres', 'postgresql']),
  PULUMI_BACKEND_URL: urlWithScheme(['file', 's3', 'gs', 'azblob', 'https', 'http']),
  BLKSHP_SECRETS_PROVIDER: urlWithScheme(['awskms', 'gcpkms', 'hashivault', 'azurekeyvault']),
  PULUMI_CONFIG_PASSPHRASE: text,
  PULUMI_CONFIG_PASSPHRASE_FILE: text,
  BLKSHP_MAX_ENGINE_RUNS: wholeNumber(1, 256),
  BLKSHP_OPERATION_TIMEOUT_SECONDS: wholeNumber(1, 7 * 24 * 3600),
  BLKSHP_PREVIEW_MAX_AGE_MINUTES: wholeNumber(1, 7 * 24 * 60),
  BLKSHP_LOG_LEVEL: optional(
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
  ),
  BLKSHP_CLOUD_MODE: optional(
    z.enum(CLOUD_MODES, { error: `must be one of ${CLOUD_MODES.join(', ')}` }),
  ),
  DIGITALOCEAN_TOKEN: text,
  GOOGLE_CREDENTIALS: text,
  GOOGLE_APPLICATION_CREDENTIALS: text,
  AWS_ACCESS_KEY_ID: text,
  AWS_SECRET_ACCESS_KEY: text,
  AWS_PROFILE: text,
  SLACK_SIGNING_SECRET: text,
  SLACK_BOT_TOKEN: optional(z.string().trim().startsWith('xoxb-', 'must start with xoxb-')),
  SLACK_APP_TOKEN: optional(z.string().trim().startsWith('xapp-', 'must start with xapp-')),
  SLACK_SOCKET_MODE: boolean(),
  SLACK_ROLES: slackRoles,
  SLACK_API_URL: urlWithScheme(['https', 'http']),
});

type Environment = z.output<typeof environmentSchema>;

/** Every variable `loadSettings` reads (the deploy files are checked against this list). */
export const SETTING_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

/**
 * Reads and validates the configuration. Throws a BlkshpError (BLKSHP_CONFIG_INVALID) whose
 * message has one line per bad variable; secret values are never echoed.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const issues: FieldIssue[] = [];
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '(environment)');
      if (issues.some((i) => i.field === name)) continue;
      issues.push({ field: name, message: describe(name, issue.message, env[name]) });
    }
    throw configError(issues);
  }

  const vars = parsed.data;
  issues.push(...crossChecks(vars));
  if (issues.length > 0) throw configError(issues);
  return toSettings(vars);
}

/** Whether operations on `cloud` run against the offline sandbox instead of the real cloud. */
export function isSandboxed(
  settings: Pick<Settings, 'cloudMode' | 'cloudCredentials'>,
  cloud: Cloud,
) {
  if (settings.cloudMode === 'sandbox') return true;
  if (settings.cloudMode === 'real') return false;
  return !settings.cloudCredentials[cloud];
}

function describe(name: string, message: string, value: string | undefined): string {
  if (SECRET_VARIABLES.has(name) || value === undefined) return message;
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return `${message} (got ${JSON.stringify(shown)})`;
}

function configError(issues: FieldIssue[]): BlkshpError {
  const lines = issues.map((i) => `  ${i.field}: ${i.message}`);
  return new BlkshpError(ERROR_CODES.configInvalid, `Invalid configuration:\n${lines.join('\n')}`, {
    issues,
  });
}

/** Rules that involve more than one variable, or the file system. */
function crossChecks(vars: Environment): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });

  if (vars.PULUMI_CONFIG_PASSPHRASE !== undefined && vars.PULUMI_CONFIG_PASSPHRASE_FILE) {
    add(
      'PULUMI_CONFIG_PASSPHRASE_FILE',
      'set either PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE, not both',
    );
  } else if (vars.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined) {
    const problem = fileProblem(vars.PULUMI_CONFIG_PASSPHRASE_FILE);
    if (problem) add('PULUMI_CONFIG_PASSPHRASE_FILE', problem);
  }

  if (vars.AWS_ACCESS_KEY_ID !== undefined && vars.AWS_SECRET_ACCESS_KEY === undefined) {
    add('AWS_SECRET_ACCESS_KEY', 'required when AWS_ACCESS_KEY_ID is set');
  }
  if (vars.AWS_SECRET_ACCESS_KEY !== undefined && vars.AWS_ACCESS_KEY_ID === undefined) {
    add('AWS_ACCESS_KEY_ID', 'required when AWS_SECRET_ACCESS_KEY is set');
  }

  if (slackConfigured(vars)) {
    if (vars.SLACK_BOT_TOKEN === undefined) {
      add('SLACK_BOT_TOKEN', 'required when any other SLACK_ variable is set');
    }
    if (vars.SLACK_SOCKET_MODE === true && vars.SLACK_APP_TOKEN === undefined) {
      add('SLACK_APP_TOKEN', 'required when SLACK_SOCKET_MODE is true');
    }
    if (vars.SLACK_SOCKET_MODE !== true && vars.SLACK_SIGNING_SECRET === undefined) {
      add('SLACK_SIGNING_SECRET', 'required unless SLACK_SOCKET_MODE is true');
    }
  }
  return issues;
}

function fileProblem(path: string): string | null {
  try {
    return statSync(path).isFile() ? null : 'must name a regular file';
  } catch {
    return 'file does not exist or cannot be read';
  }
}

function slackConfigured(vars: Environment): boolean {
  return [
    vars.SLACK_SIGNING_SECRET,
    vars.SLACK_BOT_TOKEN,
    vars.SLACK_APP_TOKEN,
    vars.SLACK_SOCKET_MODE,
    vars.SLACK_ROLES,
    vars.SLACK_API_URL,
  ].some((v) => v !== undefined);
}

function toSettings(vars: Environment): Settings {
  const dataDir = resolve(
    vars.BLKSHP_DATA_DIR ??
      (vars.XDG_DATA_HOME !== undefined ? join(vars.XDG_DATA_HOME, 'blkshp') : '.blkshp'),
  );
  const secretsProvider = vars.BLKSHP_SECRETS_PROVIDER ?? null;

  return {
    dataDir,
    workspacesDir: resolve(vars.BLKSHP_WORKSPACES_DIR ?? join(dataDir, 'workspaces')),
    sandboxDir: resolve(vars.BLKSHP_SANDBOX_DIR ?? join(dataDir, 'sandbox', 'state')),
    replica: {
      name: vars.BLKSHP_REPLICA_NAME ?? `${hostname()}-${process.pid}`,
      heartbeatSeconds: vars.BLKSHP_JOB_HEARTBEAT_SECONDS ?? 30,
      drainSeconds: vars.BLKSHP_DRAIN_SECONDS ?? 0,
    },
    port: vars.BLKSHP_PORT ?? 8080,
    host: vars.BLKSHP_HOST ?? '127.0.0.1',
    database:
      vars.DATABASE_URL !== undefined
        ? { kind: 'postgres', url: vars.DATABASE_URL }
        : { kind: 'sqlite', file: join(dataDir, 'blkshp.sqlite') },
    backendUrl: vars.PULUMI_BACKEND_URL ?? `file://${join(dataDir, 'state')}`,
    secretsProvider,
    passphrase: passphraseSettings(vars, dataDir, secretsProvider),
    maxEngineRuns: vars.BLKSHP_MAX_ENGINE_RUNS ?? availableParallelism(),
    operationTimeoutSeconds: vars.BLKSHP_OPERATION_TIMEOUT_SECONDS ?? 3600,
    previewMaxAgeMinutes: vars.BLKSHP_PREVIEW_MAX_AGE_MINUTES ?? 60,
    logLevel: vars.BLKSHP_LOG_LEVEL ?? 'info',
    cloudMode: vars.BLKSHP_CLOUD_MODE ?? 'auto',
    cloudCredentials: {
      digitalocean: vars.DIGITALOCEAN_TOKEN !== undefined,
      gcp:
        vars.GOOGLE_CREDENTIALS !== undefined || vars.GOOGLE_APPLICATION_CREDENTIALS !== undefined,
      aws:
        (vars.AWS_ACCESS_KEY_ID !== undefined && vars.AWS_SECRET_ACCESS_KEY !== undefined) ||
        vars.AWS_PROFILE !== undefined,
    },
    slack: slackConfigured(vars)
      ? {
          signingSecret: vars.SLACK_SIGNING_SECRET ?? null,
          botToken: vars.SLACK_BOT_TOKEN ?? null,
          appToken: vars.SLACK_APP_TOKEN ?? null,
          socketMode: vars.SLACK_SOCKET_MODE ?? false,
          roles: vars.SLACK_ROLES ?? {},
          apiUrl: vars.SLACK_API_URL ?? null,
        }
      : null,
  };
}

function passphraseSettings(
  vars: Environment,
  dataDir: string,
  secretsProvider: string | null,
): PassphraseSettings | null {
  if (vars.PULUMI_CONFIG_PASSPHRASE !== undefined) {
    return { source: 'env', value: vars.PULUMI_CONFIG_PASSPHRASE };
  }
  if (vars.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined) {
    return { source: 'file', path: resolve(vars.PULUMI_CONFIG_PASSPHRASE_FILE) };
  }
  if (secretsProvider !== null) return null;
  return { source: 'generated', path: join(dataDir, 'passphrase') };
}
