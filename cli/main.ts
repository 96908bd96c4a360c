#!/usr/bin/env node
/**
 * `blkshp`: the command line of the control plane. Each command opens the service on the data
 * directory, does one thing, and exits with a code scripts can rely on (see exit-codes.ts).
 */
import { Command, CommanderError } from 'commander';
import { registerCatalogCommands } from './commands/catalog.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerOperationCommands } from './commands/operations.ts';
import { registerPropertyCommands } from './commands/property.ts';
import { registerSandboxCommands } from './commands/sandbox.ts';
import { registerServeCommand } from './commands/serve.ts';
import { type CliContext, createCliContext } from './context.ts';
import { EXIT } from './exit-codes.ts';
import { reportError } from './report.ts';

export function buildProgram(): Command {
  const program = new Command('blkshp')
    .description('Provision and guard the infrastructure of BLKSHP OS hotel properties.')
    .option('--json', 'print JSON instead of text')
    .showHelpAfterError()
    .exitOverride();

  const run = async (body: (ctx: CliContext) => Promise<number>): Promise<void> => {
    let ctx: CliContext | undefined;
    try {
      ctx = createCliContext({ json: Boolean(program.opts().json) });
      process.exitCode = await body(ctx);
    } catch (error) {
      process.exitCode = reportError(error);
    } finally {
      await ctx?.close().catch(() => undefined);
    }
  };

  registerServeCommand(program);
  registerPropertyCommands(program, run);
  registerOperationCommands(program, run);
  registerCatalogCommands(program, run);
  registerSandboxCommands(program, run);
  registerDemoCommand(program, run);
  return program;
}

async function main(argv: string[]): Promise<void> {
  // `blkshp ... | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    process.exitCode = reportError(error);
  }
}

await main(process.argv);
