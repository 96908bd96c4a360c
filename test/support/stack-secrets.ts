import { join } from 'node:path';
import { LocalWorkspace } from '@pulumi/pulumi/automation/index.js';
import { getEngine } from '../../infra/pulumi/engine.ts';
import { CONFIG_NAMESPACE } from '../../infra/stacks/config.ts';
import { SECRET_KEYS } from '../../infra/stacks/secrets.ts';

/** Reads the secrets a property's stack holds, so a test can prove none of them leaked. */
export async function stackSecrets(tcp: { dataDir: string }, slug: string): Promise<string[]> {
  const engine = await getEngine();
  const workDir = join(tcp.dataDir, 'workspaces', 'blkshp-property', slug);
  const workspace = await LocalWorkspace.create({
    workDir,
    pulumiCommand: engine.command,
    envVars: {
      ...engine.env,
      PULUMI_CONFIG_PASSPHRASE_FILE: join(tcp.dataDir, 'passphrase'),
    },
  });
  const config = await workspace.getAllConfig(slug);
  return SECRET_KEYS.map((key) => config[`${CONFIG_NAMESPACE}:${key}`]?.value ?? '').filter(
    (v) => v.length > 0,
  );
}
