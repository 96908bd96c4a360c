/**
 * Acknowledgement latency of `/blkshp` slash commands: 50 signed commands sent at once, over a
 * real socket, while the real engine runs a preview of a large (enterprise, AWS) property in the
 * sandbox. Slack gives an app three seconds; this shows how much of that the bot uses. Not a test.
 *
 *   npx tsx bench/slack-ack.ts [concurrent=50] [rounds=5]
 *
 * Each round mixes what people type: help, list, status, ops, and a preview by a viewer (denied
 * and audited, so the bursts add no engine work of their own). Latency is measured from the request leaving the
 * client to the acknowledgement arriving. A second series, with the engine idle, is the baseline.
 */
import { performance } from 'node:perf_hooks';
import type { Operation } from '../infra/operations/model.ts';
import { type BotHarness, startBot } from '../test/integration/bot/harness.ts';
import { createTestControlPlane } from '../test/support/control-plane.ts';
import { testPropertyInput } from '../test/support/properties.ts';

const CONCURRENT = Number(process.argv[2] ?? 50);
const ROUNDS = Number(process.argv[3] ?? 5);

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function burst(harness: BotHarness, slug: string): Promise<number[]> {
  // A viewer's preview is denied (and audited): the mix stays the same whether or not the
  // engine is busy, and the bursts never queue engine work of their own.
  const mix: Array<[string, string]> = [
    ['U0VIEWER', 'help'],
    ['U0OPERATOR', 'list'],
    ['U0APPROVER', `status ${slug}`],
    ['U0ADMIN', `ops ${slug}`],
    ['U0VIEWER', `preview ${slug}`],
  ];
  return Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const [user, text] = mix[i % mix.length]!;
      const started = performance.now();
      const response = await harness.command(user, text);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`command answered ${response.status}`);
      return performance.now() - started;
    }),
  );
}

function report(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => `${n.toFixed(1)} ms`;
  console.log(
    `${label.padEnd(28)} n=${sorted.length}  p50=${f(percentile(sorted, 50))}  ` +
      `p99=${f(percentile(sorted, 99))}  max=${f(sorted.at(-1) ?? Number.NaN)}`,
  );
}

async function main(): Promise<void> {
  const tcp = await createTestControlPlane({ policyPackDir: null });
  const harness = await startBot(tcp.controlPlane, { updateIntervalMs: 1_000 });
  try {
    const actor = { id: 'cli:bench', channel: 'cli' };
    const slug = `bench-${Date.now().toString(36)}`;
    const input = testPropertyInput(slug, {
      cloud: 'aws',
      region: 'us-east-1',
      tier: 'enterprise',
    });

    // Baseline: the engine idle (the property exists, nothing runs).
    const added = await tcp.controlPlane.addProperty(input, actor);
    if (!added.preview.accepted) throw new Error(added.preview.reason);
    await tcp.controlPlane.waitFor(added.preview.operation.id);
    await burst(harness, slug); // warm-up: JIT, connection pools, auth.test
    const idle: number[] = [];
    for (let round = 0; round < ROUNDS; round++) idle.push(...(await burst(harness, slug)));

    // Under load: a preview of the same property runs in the engine during every burst.
    const busy: number[] = [];
    let runs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const queued = await tcp.controlPlane.preview(slug, actor);
      if (!queued.accepted) throw new Error(queued.reason);
      const running = await untilRunning(
        tcp.controlPlane.waitFor(queued.operation.id),
        queued.operation,
        tcp,
      );
      busy.push(...(await burst(harness, slug)));
      if (running) runs += 1;
      await tcp.controlPlane.waitFor(queued.operation.id);
    }

    console.log(`slash-command acknowledgement, ${CONCURRENT} concurrent, ${ROUNDS} rounds`);
    report('engine idle', idle);
    report(`engine running (${runs}/${ROUNDS} rounds)`, busy);
    const posted = harness.slack.callsTo('chat.postMessage').length;
    const replies = harness.slack.callsTo('response_url').length;
    console.log(`background work done meanwhile: ${posted} messages posted, ${replies} replies`);
  } finally {
    await harness.close();
    await tcp.close();
  }
}

/** Waits until the operation has started in the engine; false if it finished first. */
async function untilRunning(
  done: Promise<Operation>,
  operation: Operation,
  tcp: Awaited<ReturnType<typeof createTestControlPlane>>,
): Promise<boolean> {
  let finished = false;
  void done.then(() => {
    finished = true;
  });
  for (;;) {
    const current = await tcp.controlPlane.getOperation(operation.id);
    if (current?.status === 'running') return true;
    if (finished) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
