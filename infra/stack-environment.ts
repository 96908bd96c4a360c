/**
 * Builds the engine environment for one property: where state and secrets live, and whether the
 * sandbox cloud answers for its provider or the real cloud does. In sandbox mode nothing of the
 * real providers is needed; with real credentials nothing of the sandbox is loaded.
 */
import { join } from 'node:path';
import { prepareSandboxPlugins } from '../sandbox/plugins.ts';
import type { Engine } from './pulumi/engine.ts';
import type { ProviderPlugin, StackEnvironment } from './pulumi/workspace.ts';
import type { StackSettingsStore } from './stacks/settings-store.ts';
import type { StoredProperty } from './storage/repository.ts';

export interface EngineSelector {
  engine: () => Promise<Engine>;
  backendUrl: string;
  /** A KMS URL; null for passphrase secrets. */
  secretsProvider: string | null;
  /** The passphrase variables (a file path, never logged) or nothing with KMS. */
  secretsEnv: () => Promise<Record<string, string>>;
  /** What the state backend needs (object-store credentials), when not in the environment. */
  backendEnv?: Record<string, string>;
}

/** Where one process keeps its files; replicas share the sandbox's (see Settings). */
export interface EngineDirs {
  /** This process's own files (the sandbox provider plugins). */
  dataDir: string;
  workspacesDir: string;
  sandboxDir: string;
}

/** The single-process layout: everything under the data directory. */
export function dirsUnder(dataDir: string): EngineDirs {
  return {
    dataDir,
    workspacesDir: join(dataDir, 'workspaces'),
    sandboxDir: join(dataDir, 'sandbox', 'state'),
  };
}

export function stackEnvironmentFactory(
  selector: EngineSelector,
  dirs: EngineDirs,
  settingsStore?: StackSettingsStore,
): (property: StoredProperty) => Promise<StackEnvironment> {
  let plugins: Promise<ProviderPlugin[]> | undefined;
  return async (property) => {
    const env: StackEnvironment = {
      engine: await selector.engine(),
      workspacesDir: dirs.workspacesDir,
      backendUrl: selector.backendUrl,
      extraEnv: { ...selector.backendEnv, ...(await selector.secretsEnv()) },
      ...(settingsStore ? { settingsStore } : {}),
    };
    if (selector.secretsProvider) env.secretsProvider = selector.secretsProvider;
    if (property.sandbox) {
      plugins ??= prepareSandboxPlugins(dirs.dataDir);
      env.sandbox = { stateDir: dirs.sandboxDir, plugins: await plugins };
    }
    // Real clouds: their credentials stay in the service's environment, which the engine inherits.
    return env;
  };
}
