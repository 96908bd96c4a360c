/**
 * Fleet drift sweep benchmark (not a test): applies N sandbox properties once, then times a
 * sweep of scheduled drift checks of all of them through the control plane at engine
 * concurrency 1, 2 and 4. Prints wall time, peak memory (this process plus the engine and
 * plugin processes under it, sampled from /proc), and the ratio of wall time to
 * (properties × one check's time ÷ concurrency): 1.0 would be perfect scaling.
 *
 *   node bench/drift-sweep.ts [properties=40] [concurrencies=1,2,4]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnqueueResult } from '../infra/control-plane-api.ts';
import type { Operation } from '../infra/operations/model.ts';
import { createTestControlPlane } from '../test/support/control-plane.ts';
import { testPropertyInput } from '../test/support/properties.ts';

const count = Number(process.argv[2] ?? 40);
const concurrencies = (process.argv[3] ?? '1,2,4').split(',').map(Number);
const operator = { id: 'cli:bench', channel: 'cli' };
const approver = { id: 'cli:bench-approver', channel: 'cli' };

interface Row {
  concurrency: number;
  wallSeconds: number;
  meanCheckSeconds: number;
  peakRssMb: number;
  failed: number;
}

async function accepted(pending: Promise<EnqueueResult>): Promise<Operation> {
  const result = await pending;
  if (!result.accepted) throw new Error(`refused: ${result.reason}`);
  return result.operation;
}

/** RSS of this process and all its descendants, in bytes, from /proc. */
function treeRss(): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces; fields after its closing parenthesis are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const pages = Number(fields[21]);
      rss.set(Number(entry), pages * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const stack = [process.pid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

function sampler(): { stop(): number } {
  let peak = Math.max(treeRss(), process.memoryUsage().rss);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss());
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

async function setUp(dataDir: string, slugs: string[]): Promise<void> {
  const tcp = await createTestControlPlane({ dataDir, maxEngineRuns: 4, policyPackDir: null });
  try {
    const previews = await Promise.all(
      slugs.map(async (slug) => {
        const { preview } = await tcp.controlPlane.addProperty(testPropertyInput(slug), operator);
        return accepted(Promise.resolve(preview));
      }),
    );
    const applies = await Promise.all(
      previews.map(async (preview) => {
        const done = await tcp.controlPlane.waitFor(preview.id);
        if (done.status !== 'succeeded') throw new Error(`preview failed: ${done.error}`);
        return accepted(tcp.controlPlane.apply(preview.id, approver));
      }),
    );
    for (const apply of applies) {
      const done = await tcp.controlPlane.waitFor(apply.id);
      if (done.status !== 'succeeded') throw new Error(`apply failed: ${done.error}`);
    }
  } finally {
    await tcp.close();
  }
}

async function sweep(dataDir: string, slugs: string[], concurrency: number): Promise<Row> {
  const tcp = await createTestControlPlane({
    dataDir,
    maxEngineRuns: concurrency,
    policyPackDir: null,
  });
  try {
    const memory = sampler();
    const started = performance.now();
    const queued = await Promise.all(
      slugs.map((slug) => accepted(tcp.controlPlane.driftCheck(slug, operator, 'scheduled'))),
    );
    const done = await Promise.all(queued.map((op) => tcp.controlPlane.waitFor(op.id)));
    const wallSeconds = (performance.now() - started) / 1000;
    const peak = memory.stop();
    const durations = done.map(
      (op) => (Date.parse(op.finishedAt ?? '') - Date.parse(op.startedAt ?? '')) / 1000,
    );
    return {
      concurrency,
      wallSeconds,
      meanCheckSeconds: durations.reduce((a, b) => a + b, 0) / durations.length,
      peakRssMb: peak / 2 ** 20,
      failed: done.filter((op) => op.status !== 'succeeded').length,
    };
  } finally {
    await tcp.close();
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'blkshp-bench-'));
  const slugs = Array.from({ length: count }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
  try {
    const setupStarted = performance.now();
    await setUp(dataDir, slugs);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.log(`applied ${count} sandbox properties in ${setupSeconds.toFixed(0)} s`);

    const rows: Row[] = [];
    for (const concurrency of concurrencies) {
      rows.push(await sweep(dataDir, slugs, concurrency));
      console.log(`sweep at concurrency ${concurrency} done`);
    }

    // One check's time: the mean engine time of a check when nothing else runs (concurrency 1
    // if measured, else the lowest measured).
    const solo = [...rows].sort((a, b) => a.concurrency - b.concurrency)[0] as Row;
    const oneCheck = solo.meanCheckSeconds;
    console.log(`\nfleet drift sweep: ${count} properties, one check ≈ ${oneCheck.toFixed(1)} s`);
    console.log('concurrency | wall (s) | mean check (s) | peak RSS (MiB) | ratio | failed');
    console.log('----------- | -------- | -------------- | -------------- | ----- | ------');
    for (const row of rows) {
      const ideal = (count * oneCheck) / row.concurrency;
      console.log(
        [
          String(row.concurrency).padStart(11),
          row.wallSeconds.toFixed(1).padStart(8),
          row.meanCheckSeconds.toFixed(1).padStart(14),
          row.peakRssMb.toFixed(0).padStart(14),
          (row.wallSeconds / ideal).toFixed(2).padStart(5),
          String(row.failed).padStart(6),
        ].join(' | '),
      );
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
