/**
 * Protected resources (databases, volumes, buckets) are what a destroy must not take by accident.
 * A destroy preview lists them; only the approved destroy unprotects them, just before deleting.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Stack } from '@pulumi/pulumi/automation/index.js';
import type { Engine } from './engine.ts';

const run = promisify(execFile);

export interface ProtectedResource {
  urn: string;
  type: string;
}

export async function protectedResources(stack: Stack): Promise<ProtectedResource[]> {
  const exported = await stack.exportStack();
  const resources =
    (exported.deployment as { resources?: Array<{ urn: string; type: string; protect?: boolean }> })
      ?.resources ?? [];
  return resources.filter((r) => r.protect).map(({ urn, type }) => ({ urn, type }));
}

/** `pulumi state unprotect --all`: the Automation API has no call for it. */
export async function unprotectAll(stack: Stack, engine: Engine): Promise<void> {
  const workspace = stack.workspace;
  await run(
    engine.command.command,
    ['state', 'unprotect', '--all', '--yes', '--stack', stack.name],
    {
      cwd: workspace.workDir,
      env: { ...process.env, ...workspace.envVars },
    },
  );
}
