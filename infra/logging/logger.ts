/**
 * The service's logger: pino, one root per process, a child per operation. Secret fields are
 * redacted by path as a safety net; the first rule is still not to log secrets or payloads.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import { SECRET_SETTING_KEYS, type Settings } from '../settings/settings.ts';

export type { Logger } from 'pino';

export const REDACTED = '[redacted]';

/** Field names that hold secrets wherever they appear (top level or one object deep). */
const SECRET_FIELDS = [
  'password',
  'passphrase',
  'secret',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'authorization',
  'cookie',
  'databaseUrl',
];

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...SECRET_SETTING_KEYS.map((key) => `settings.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'headers.authorization',
  'headers.cookie',
];

export interface OperationContext {
  operation: string;
  property: string;
  actor: string;
  channel: string;
}

/**
 * The root logger. `destination` defaults to stdout; tests pass a stream to read the lines.
 *
 * @example
 * const log = createLogger(settings);
 * log.info({ port: settings.port }, 'listening');
 */
export function createLogger(
  settings: Pick<Settings, 'logLevel'>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: settings.logLevel,
    base: { service: 'blkshp' },
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** A child logger that tags every line with the operation it belongs to. */
export function operationLogger(root: Logger, context: OperationContext): Logger {
  return root.child({
    operation: context.operation,
    property: context.property,
    actor: context.actor,
    channel: context.channel,
  });
}
