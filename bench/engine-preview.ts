/**
 * Preview and apply of a standard-tier property in the sandbox, side by side in one run:
 *   1. through the control plane (queue, workspace, config sync, policy pack, ChangeSet);
 *   2. the same stack's preview straight through the Automation API (engine only, no policy pack,
 *      no control plane): the closest to a raw `pulumi preview` possible here, because the CLI
 *      alone cannot run an inline program and no Node.js language host can be built offline;
 *      and the same again with the baseline policy pack, which the control plane always runs;
 *   3. an empty program's preview: the engine's floor.
 *
 *   node --import tsx bench/engine-preview.ts [rounds=3]
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Operation } from '../infra/operations/model.ts';
import { getEngine } from '../infra/pulumi/engine.ts';
import { openStack } from '../infra/pulumi/workspace.ts';
import { POLICY_PACK_DIR } from '../infra/service.ts';
import { createPropertyProgram } from '../programs/property/index.ts';
import { prepareSandboxPlugins } from '../sandbox/plugins.ts';
import { createTestControlPlane } from '../test/support/control-plane.ts';
import { testPropertyInput } from '../test/support/properties.ts';
import { stackSecretsOf } from './stack-secrets.ts';

const rounds = Number(process.argv[2] ?? 3);
const tcp = await createTestControlPlane({ maxEngineRuns: 1 });
const actor = { id: 'bench', channel: 'cli' };

async function timed<T>(body: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await body();
  return [performance.now() - start, value];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

try {
  const slug = 'bench-standard';
  const input = testPropertyInput(slug, { tier: 'standard' });
  const added = await tcp.controlPlane.addProperty(input, actor);
  const first = await tcp.controlPlane.waitFor(
    (added.preview as { operation: Operation }).operation.id,
  );
  const [applyMs] = await timed(async () => {
    const applying = await tcp.controlPlane.apply(first.id, { id: 'bench-2', channel: 'cli' });
    return tcp.controlPlane.waitFor((applying as { operation: Operation }).operation.id);
  });

  const engine = await getEngine();
  const property = (await tcp.repo.getProperty(slug))!;
  const secrets = await stackSecretsOf(tcp, slug);
  const env = {
    engine,
    workspacesDir: join(tcp.dataDir, 'workspaces'),
    backendUrl: `file://${join(tcp.dataDir, 'state')}`,
    extraEnv: { PULUMI_CONFIG_PASSPHRASE_FILE: join(tcp.dataDir, 'passphrase') },
    sandbox: {
      stateDir: join(tcp.dataDir, 'sandbox', 'state'),
      plugins: await prepareSandboxPlugins(tcp.dataDir),
    },
  };
  const direct = await openStack(env, slug, createPropertyProgram(property.spec, secrets));
  const empty = await openStack(env, 'bench-empty', async () => ({}), {
    projectName: 'blkshp-bench-empty',
  });

  const service: number[] = [];
  const raw: number[] = [];
  const withPolicy: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const [ms] = await timed(async () => {
      const queued = await tcp.controlPlane.preview(slug, actor);
      return tcp.controlPlane.waitFor((queued as { operation: Operation }).operation.id);
    });
    service.push(ms);
    raw.push((await timed(() => direct.preview()))[0]);
    withPolicy.push((await timed(() => direct.preview({ policyPacks: [POLICY_PACK_DIR] })))[0]);
    floor.push((await timed(() => empty.preview()))[0]);
  }

  const s = median(service);
  const r = median(raw);
  const f = median(floor);
  const p = median(withPolicy);
  console.log(`rounds: ${rounds} (medians, ms)`);
  console.log(`first apply, through the control plane: ${applyMs.toFixed(0)}`);
  console.log(`preview through the control plane:      ${s.toFixed(0)}`);
  console.log(`preview straight through the engine:    ${r.toFixed(0)}`);
  console.log(`  the same with the baseline policy pack: ${p.toFixed(0)}`);
  console.log(`empty program preview (engine floor):   ${f.toFixed(0)}`);
  console.log(
    `control plane / engine: ${(s / r).toFixed(2)}   control plane / engine with the policy ` +
      `pack: ${(s / p).toFixed(2)}   engine / floor: ${(r / f).toFixed(2)}`,
  );
} finally {
  await tcp.close();
}
