/**
 * Opens the Pulumi stack of one property as an inline program. A fresh LocalWorkspace is made for
 * every operation and never shared: `selectStack` changes a workspace's current stack (pulumi
 * issue #8186), and the runner guarantees one operation per stack at a time.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalWorkspace, type PulumiFn, type Stack } from '@pulumi/pulumi/automation/index.js';
import type { Logger } from 'pino';
import { forgetStackConfig } from '../stacks/config.ts';
import {
  restoreSettings,
  type StackSettingsStore,
  storeSettings,
} from '../stacks/settings-store.ts';
import type { Engine } from './engine.ts';
import { removeDamagedSidecars, withoutSidecars } from './file-backend.ts';

export const PROPERTY_PROJECT = 'blkshp-property';

export interface ProviderPlugin {
  name: string;
  path: string;
  version: string;
}

export interface StackEnvironment {
  engine: Engine;
  /** Where per-stack work directories (Pulumi.yaml, stack config files) live. */
  workspacesDir: string;
  /** `file://...`, `s3://...`, `gs://...` or a Pulumi Cloud URL. */
  backendUrl: string;
  /** A KMS URL; absent means passphrase secrets. */
  secretsProvider?: string;
  /** Passphrase secrets: the file that holds it (never the value itself in settings or logs). */
  passphraseFile?: string;
  /** Set when the stack runs on the offline sandbox cloud. */
  sandbox?: { stateDir: string; plugins: ProviderPlugin[] };
  /** Extra variables for the engine (cloud credentials in production). */
  extraEnv?: Record<string, string>;
  /** Where each stack's settings file is kept; the work directory then holds a copy. */
  settingsStore?: StackSettingsStore;
}

export async function openStack(
  env: StackEnvironment,
  stackName: string,
  program: PulumiFn,
  options: { projectName?: string; logger?: Logger } = {},
): Promise<Stack> {
  const projectName = options.projectName ?? PROPERTY_PROJECT;
  const backendUrl = withoutSidecars(env.backendUrl);
  const workDir = join(env.workspacesDir, projectName, stackName);
  await mkdir(workDir, { recursive: true });
  if (
    env.settingsStore &&
    (await restoreSettings(env.settingsStore, workDir, projectName, stackName))
  ) {
    forgetStackConfig(workDir, stackName);
  }
  if (backendUrl.startsWith('file://')) {
    // The file backend refuses a state directory that does not exist yet.
    await mkdir(fileURLToPath(backendUrl), { recursive: true });
    await removeDamagedSidecars(backendUrl, projectName, stackName, options.logger);
  }
  const envVars: Record<string, string> = { ...env.engine.env, ...env.extraEnv };
  if (env.passphraseFile) envVars.PULUMI_CONFIG_PASSPHRASE_FILE = env.passphraseFile;
  if (env.sandbox) envVars.BLKSHP_SANDBOX_DIR = env.sandbox.stateDir;

  return LocalWorkspace.createOrSelectStack(
    { stackName, projectName, program },
    {
      pulumiCommand: env.engine.command,
      workDir,
      envVars,
      ...(env.secretsProvider ? { secretsProvider: env.secretsProvider } : {}),
      projectSettings: {
        name: projectName,
        runtime: 'nodejs',
        backend: { url: backendUrl },
        ...(env.sandbox ? { plugins: { providers: env.sandbox.plugins } } : {}),
      },
    },
  );
}

/** Stores the stack's settings file (after its config changed) where `env` keeps settings. */
export async function saveStackSettings(
  env: StackEnvironment,
  stack: Stack,
  projectName = PROPERTY_PROJECT,
): Promise<void> {
  if (env.settingsStore) {
    await storeSettings(env.settingsStore, stack.workspace.workDir, projectName, stack.name);
  }
}
