/** `blkshp serve`: the service: control plane, REST API and dashboard, and the Slack bot. */
import type { Command } from 'commander';
import { loadSettings } from '../../infra/settings/settings.ts';
import { startServer } from '../../server/start.ts';
import { reportError } from '../report.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the service: REST API, dashboard, Slack bot and the operations queue')
    .action(async () => {
      try {
        const server = await startServer(loadSettings());
        const stop = async (signal: string) => {
          server.logger.info({ signal }, 'shutting down');
          await server.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop('SIGINT'));
        process.once('SIGTERM', () => void stop('SIGTERM'));
      } catch (error) {
        process.exitCode = reportError(error);
      }
    });
}
