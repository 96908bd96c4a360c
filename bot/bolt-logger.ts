import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../infra/logging/logger.ts';

/**
 * Bolt logs through its own small interface; this routes those lines into the service's pino
 * logger, tagged `component: slack`, so there is one log stream and one redaction policy.
 */
export function toBoltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack' });
  const line = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : String(p)));
  let level = LogLevel.INFO;
  return {
    debug: (...parts) => child.debug(line(parts).join(' ')),
    info: (...parts) => child.info(line(parts).join(' ')),
    warn: (...parts) => child.warn(line(parts).join(' ')),
    error: (...parts) => child.error(line(parts).join(' ')),
    // The service logger's level rules; Bolt's setLevel only records what it asked for.
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
