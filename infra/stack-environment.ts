/**
 * Builds the engine environment for one property: where state and secrets live, and whether the
 * sandbox cloud answers for its provider or the real cloud does. In sandbox mode nothing of the
 * real providers is needed; with real credentials nothing of the sandbox is loaded.
 */
import { join } from 'node:path';
import { prepareSandboxPlugins } from '../sandbox/plugins.ts';
import type { Engine } from './pulumi/engine.ts';
import type { ProviderPlugin, StackEnvironment } from './pulumi/workspace.ts';
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

export function stackEnvironmentFactory(
  selector: EngineSelector,
  dataDir: string,
): (property: StoredProperty) => Promise<StackEnvironment> {
  let plugins: Promise<ProviderPlugin[]> | undefined;
  return async (property) => {
    const env: StackEnvironment = {
      engine: await selector.engine(),
      workspacesDir: join(dataDir, 'workspaces'),
      backendUrl: selector.backendUrl,
      extraEnv: { ...selector.backendEnv, ...(await selector.secretsEnv()) },
    };
    if (selector.secretsProvider) env.secretsProvider = selector.secretsProvider;
    if (property.sandbox) {
      plugins ??= prepareSandboxPlugins(dataDir);
      env.sandbox = { stateDir: join(dataDir, 'sandbox', 'state'), plugins: await plugins };
    }
    // Real clouds: their credentials stay in the service's environment, which the engine inherits.
    return env;
  };
}
