/**
 * The one place that knows where the Pulumi engine lives. Everything else asks `getEngine()` for a
 * ready `PulumiCommand` and the environment the engine's child processes need.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PulumiCommand } from '@pulumi/pulumi/automation/index.js';
import { BlkshpError, ERROR_CODES } from '../errors.ts';
import { projectRoot } from '../project-root.ts';

const run = promisify(execFile);
const repoRoot = projectRoot();

export interface Engine {
  command: PulumiCommand;
  /** Directory with `pulumi` and our shims (dynamic provider, policy analyzer). */
  binDir: string;
  /** The CLI's own version, e.g. `3.276.0`. */
  version: string;
  /** Variables every engine run needs on top of the process environment. */
  env: Record<string, string>;
}

/** The CLI version the project pins (scripts/toolchain.env); the engine must be at least this. */
export function pinnedVersion(): string {
  const toolchain = readFileSync(join(repoRoot, 'scripts', 'toolchain.env'), 'utf8');
  const match = /^PULUMI_VERSION=(\S+)$/m.exec(toolchain);
  if (!match?.[1]) throw new Error('scripts/toolchain.env has no PULUMI_VERSION');
  return match[1];
}

let cached: Promise<Engine> | undefined;

/** Finds (and on first use prepares) the engine. Memoised for the life of the process. */
export function getEngine(): Promise<Engine> {
  cached ??= locateEngine().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function locateEngine(): Promise<Engine> {
  const binDir = process.env.BLKSHP_PULUMI_BIN_DIR ?? (await runEnsureScript());
  const root = dirname(binDir);
  const version = pinnedVersion();
  let command: PulumiCommand;
  try {
    command = await PulumiCommand.get({ root });
    const have = command.version?.toString() ?? '';
    if (!versionAtLeast(have, version)) throw new Error(`found version "${have}"`);
  } catch (error) {
    throw new BlkshpError(
      ERROR_CODES.engineUnavailable,
      `The Pulumi CLI in ${binDir} is missing or older than ${version}: ` +
        'run scripts/ensure-engine.sh, or install Pulumi yourself and put it on PATH',
      { cause: error },
    );
  }
  return { command, binDir, version: command.version?.toString() ?? '', env: engineEnv(binDir) };
}

/** Runs scripts/ensure-engine.sh, which prints the bin directory on its last line. */
async function runEnsureScript(): Promise<string> {
  const script = join(repoRoot, 'scripts', 'ensure-engine.sh');
  try {
    const { stdout } = await run('bash', [script], { maxBuffer: 16 * 1024 * 1024 });
    const binDir = stdout.trim().split('\n').at(-1) ?? '';
    if (!existsSync(join(binDir, 'pulumi'))) throw new Error(`no pulumi in "${binDir}"`);
    return binDir;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ');
    throw new BlkshpError(
      ERROR_CODES.engineUnavailable,
      `Could not prepare the Pulumi engine (scripts/ensure-engine.sh failed${
        stderr ? `: ${stderr}` : ''
      }). Install Pulumi ${pinnedVersion()} or Go 1.24+ and retry.`,
      { cause: error },
    );
  }
}

function engineEnv(binDir: string): Record<string, string> {
  // The shims run `node`, so the engine's PATH must start with this Node and the shims.
  const nodeDir = dirname(process.execPath);
  const sdkDir = dirname(createRequire(import.meta.url).resolve('@pulumi/pulumi/package.json'));
  return {
    PATH: [binDir, nodeDir, process.env.PATH ?? ''].join(':'),
    BLKSHP_PULUMI_SDK_DIR: sdkDir,
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'false',
    // Never look for plugins on the internet: offline, a missing plugin must be an error.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    // Every engine run starts Node plugins (the sandbox providers, the policy pack) that load
    // @pulumi/pulumi afresh; Node's on-disk compile cache makes those loads cheaper.
    NODE_COMPILE_CACHE:
      process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'blkshp-node-compile-cache'),
  };
}

/** True when dotted version `have` is at or above `want` (numeric, part by part). */
export function versionAtLeast(have: string, want: string): boolean {
  const a = have.replace(/^v/, '').split(/[.-]/).map(Number);
  const b = want.replace(/^v/, '').split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
