/**
 * Previews, applies or destroys the control plane's own deployment through the Automation API,
 * as an inline program on the same engine the service uses. With `sandboxDir` it runs against the
 * offline sandbox cloud instead of DigitalOcean (how the tests run it end to end).
 */
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { OutputMap } from '@pulumi/pulumi/automation/index.js';
import { getEngine } from '../../infra/pulumi/engine.ts';
import { openStack, type StackEnvironment } from '../../infra/pulumi/workspace.ts';
import { prepareSandboxPlugins } from '../../sandbox/plugins.ts';
import type { DeploymentConfig } from './config.ts';
import { deployControlPlane } from './index.ts';

export const SELF_PROJECT = 'blkshp-control-plane';

export type SelfDeployAction = 'preview' | 'up' | 'destroy';

export interface SelfDeployOptions {
  action: SelfDeployAction;
  config: DeploymentConfig;
  /** The service's passphrase; also encrypts this stack's secrets. */
  passphrase: string;
  /** Where this stack's own state lives. */
  backendUrl: string;
  /** Scratch space for the workspace (and the sandbox plugins). */
  workDir: string;
  stackName?: string;
  /** Run on the offline sandbox cloud, with its resources in this directory. */
  sandboxDir?: string;
  onOutput?: (line: string) => void;
}

export interface SelfDeployResult {
  summary: string;
  outputs: Record<string, unknown>;
}

export async function runSelfDeploy(options: SelfDeployOptions): Promise<SelfDeployResult> {
  const engine = await getEngine();
  const env: StackEnvironment = {
    engine,
    workspacesDir: join(options.workDir, 'workspaces'),
    backendUrl: options.backendUrl,
    extraEnv: { PULUMI_CONFIG_PASSPHRASE: options.passphrase },
  };
  if (options.sandboxDir) {
    env.sandbox = {
      stateDir: options.sandboxDir,
      plugins: await prepareSandboxPlugins(options.workDir),
    };
  }
  const program = async () =>
    deployControlPlane(options.config, { passphrase: pulumi.secret(options.passphrase) });
  const stack = await openStack(env, options.stackName ?? 'production', program, {
    projectName: SELF_PROJECT,
  });
  const onOutput = options.onOutput ?? (() => {});
  if (options.action === 'preview') {
    const result = await stack.preview({ onOutput });
    return { summary: JSON.stringify(result.changeSummary), outputs: {} };
  }
  if (options.action === 'destroy') {
    const result = await stack.destroy({ onOutput });
    return { summary: JSON.stringify(result.summary.resourceChanges ?? {}), outputs: {} };
  }
  const result = await stack.up({ onOutput });
  return {
    summary: JSON.stringify(result.summary.resourceChanges ?? {}),
    outputs: plain(result.outputs),
  };
}

/** Outputs with secrets left out. */
function plain(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, o]) => [key, o.secret ? '[secret]' : o.value]),
  );
}
