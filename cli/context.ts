/** What every command gets: settings, output helpers, and the service opened on first use. */

import { userInfo } from 'node:os';
import type { Actor } from '../infra/control-plane-api.ts';
import { openService, type Service } from '../infra/service.ts';
import { loadSettings, type Settings } from '../infra/settings/settings.ts';

export interface CliContext {
  settings: Settings;
  actor: Actor;
  /** Opens the service once (taking the data directory's lock) and closes it at exit. */
  service(): Promise<Service>;
  out(...lines: string[]): void;
  json: boolean;
  close(): Promise<void>;
}

export function createCliContext(options: { json: boolean }): CliContext {
  const settings = loadSettings();
  let opened: Promise<Service> | undefined;
  return {
    settings,
    actor: { id: `cli:${safeUser()}`, channel: 'cli' },
    json: options.json,
    service() {
      // With replicas the command line queues and follows; the service replicas do the work.
      opened ??= openService(settings, undefined, { takeWork: false });
      return opened;
    },
    out(...lines) {
      process.stdout.write(`${lines.join('\n')}\n`);
    },
    async close() {
      if (opened) await (await opened).close();
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
