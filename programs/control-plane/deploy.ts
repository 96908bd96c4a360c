/**
 * Deploys the control plane to DigitalOcean.
 *
 *   node programs/control-plane/deploy.ts preview|up|destroy <config.json> [--sandbox <dir>]
 *
 * Needs DIGITALOCEAN_TOKEN (not with --sandbox), the passphrase in PULUMI_CONFIG_PASSPHRASE_FILE
 * (or PULUMI_CONFIG_PASSPHRASE), and BLKSHP_SELF_STATE_URL for this stack's own state (default:
 * file://./.blkshp-self/state). Exit codes as the blkshp command line: 0, 1 failed, 2 bad input.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDeploymentConfig } from './config.ts';
import { runSelfDeploy, type SelfDeployAction } from './run.ts';

const ACTIONS: readonly SelfDeployAction[] = ['preview', 'up', 'destroy'];

async function main(argv: string[]): Promise<number> {
  const [action, configPath, ...rest] = argv;
  if (!ACTIONS.includes(action as SelfDeployAction) || !configPath) {
    process.stderr.write('usage: deploy.ts preview|up|destroy <config.json> [--sandbox <dir>]\n');
    return 2;
  }
  const sandboxFlag = rest.indexOf('--sandbox');
  const sandboxDir = sandboxFlag >= 0 ? rest[sandboxFlag + 1] : undefined;
  let input: unknown;
  try {
    input = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (error) {
    process.stderr.write(`cannot read ${configPath}: ${(error as Error).message}\n`);
    return 2;
  }
  const parsed = parseDeploymentConfig(input);
  if (!parsed.ok) {
    for (const issue of parsed.issues) process.stderr.write(`${issue.field}: ${issue.message}\n`);
    return 2;
  }
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE_FILE
    ? (await readFile(process.env.PULUMI_CONFIG_PASSPHRASE_FILE, 'utf8')).trim()
    : process.env.PULUMI_CONFIG_PASSPHRASE;
  if (!passphrase) {
    process.stderr.write('set PULUMI_CONFIG_PASSPHRASE_FILE (or PULUMI_CONFIG_PASSPHRASE)\n');
    return 2;
  }
  if (!sandboxDir && !process.env.DIGITALOCEAN_TOKEN) {
    process.stderr.write('set DIGITALOCEAN_TOKEN, or pass --sandbox <dir>\n');
    return 2;
  }
  const result = await runSelfDeploy({
    action: action as SelfDeployAction,
    config: parsed.config,
    passphrase,
    backendUrl: process.env.BLKSHP_SELF_STATE_URL ?? `file://${resolve('.blkshp-self/state')}`,
    workDir: resolve('.blkshp-self'),
    ...(sandboxDir ? { sandboxDir: resolve(sandboxDir) } : {}),
    onOutput: (line) => process.stdout.write(line),
  });
  process.stdout.write(`\n${result.summary}\n${JSON.stringify(result.outputs, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`deploy failed: ${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  },
);
