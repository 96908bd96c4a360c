/**
 * Load on `GET /v1/properties` with 100 properties, next to a bare Hono route served the same
 * way, in one run: how much the API (auth, validation, metrics, logging, the control plane's
 * SQLite reads) costs over Hono itself. Not a test.
 *
 *   npx tsx bench/api-load.ts [seconds=10] [connections=50]
 *
 * Uses Debian's `wrk` when installed (`apt-get install wrk`), else a bounded fetch loop.
 * Four targets: a bare Hono route, the API's /healthz (its middleware alone), the API over the
 * fake control plane (the HTTP layer with a 100-property body), and the API over the real
 * control plane on SQLite (what a client sees).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import pino from 'pino';
import { createApiApp } from '../api/app.ts';
import type { ApiDeps } from '../api/deps.ts';
import { type RunningServer, startHttpServer } from '../api/server.ts';
import type { ControlPlaneApi } from '../infra/control-plane-api.ts';
import { parsePropertySpec } from '../infra/properties/index.ts';
import { createTestControlPlane } from '../test/support/control-plane.ts';
import { FakeControlPlane } from '../test/support/fake-control-plane.ts';
import { testPropertyInput } from '../test/support/properties.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = Number(process.argv[3] ?? 50);
const PROPERTIES = 100;
const TOKEN = 'bench-token';

interface Result {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function apiApp(controlPlane: ControlPlaneApi) {
  const deps: ApiDeps = {
    controlPlane,
    verifyToken: async (presented) =>
      presented === TOKEN ? { id: 'bench', name: 'bench', scopes: ['read'] } : null,
    logger: pino({ level: 'silent' }),
    sandboxMode: true,
    version: 'bench',
    readiness: async () => ({}),
    // The limiter would otherwise answer most of the load with 429s.
    rateLimit: { capacity: 1e9, refillPerSecond: 1e9 },
  };
  return createApiApp(deps);
}

async function run(name: string, url: string): Promise<Result> {
  const headers = { authorization: `Bearer ${TOKEN}` };
  const probe = await fetch(url, { headers });
  if (probe.status !== 200) throw new Error(`${name}: ${url} answered ${probe.status}`);
  await probe.arrayBuffer();
  return (await hasWrk()) ? runWrk(name, url) : runFetchLoop(name, url, headers);
}

async function hasWrk(): Promise<boolean> {
  try {
    await promisify(execFile)('wrk', ['--version']);
    return true;
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary is a real "no".
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

async function runWrk(name: string, url: string): Promise<Result> {
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency'];
  args.push('-H', `Authorization: Bearer ${TOKEN}`, url);
  const { stdout } = await promisify(execFile)('wrk', args);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: (.*)/.exec(stdout)?.[1] ?? '';
  const errors =
    non2xx + [...socketErrors.matchAll(/\d+/g)].reduce((sum, m) => sum + Number(m[0]), 0);
  return {
    name,
    requestsPerSecond: rps,
    p50Ms: wrkPercentile(stdout, '50%'),
    p99Ms: wrkPercentile(stdout, '99%'),
    errors,
  };
}

function wrkPercentile(output: string, label: string): number {
  const match = new RegExp(`\\s${label}\\s+([\\d.]+)(us|ms|s)`).exec(output);
  if (match === null) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

/** CONNECTIONS loops, each sending one request after another until time is up. */
async function runFetchLoop(
  name: string,
  url: string,
  headers: Record<string, string>,
): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      try {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    name,
    requestsPerSecond: latencies.length / SECONDS,
    p50Ms: at(0.5) ?? Number.NaN,
    p99Ms: at(0.99) ?? Number.NaN,
    errors,
  };
}

async function main() {
  const servers: RunningServer[] = [];
  const tcp = await createTestControlPlane({ policyPackDir: null });
  try {
    // The real control plane reads its properties from SQLite; inserting rows directly skips
    // 100 engine previews that have nothing to do with the read path measured here.
    const now = new Date().toISOString();
    const fake = new FakeControlPlane();
    for (let i = 0; i < PROPERTIES; i++) {
      const input = testPropertyInput(`bench-${String(i).padStart(3, '0')}`);
      const parsed = parsePropertySpec(input);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      const { spec } = parsed;
      await tcp.repo.insertProperty({
        slug: spec.slug,
        spec,
        sandbox: true,
        createdAt: now,
        updatedAt: now,
        outputs: null,
      });
      fake.seedProperty(input);
    }

    const bare = new Hono().get('/bare', (c) => c.json({ ok: true }));
    const serve = async (app: Hono | ReturnType<typeof apiApp>) => {
      const server = await startHttpServer({ app, host: '127.0.0.1', port: 0 });
      servers.push(server);
      return server.url;
    };
    const targets = [
      { name: 'bare Hono route', url: `${await serve(bare)}/bare` },
      // The middleware stack alone (id, log, metrics, secure headers), without a 100-row body.
      { name: 'API /healthz', url: `${await serve(apiApp(fake))}/healthz` },
      { name: 'API, fake control plane', url: `${await serve(apiApp(fake))}/v1/properties` },
      {
        name: 'API, SQLite control plane',
        url: `${await serve(apiApp(tcp.controlPlane))}/v1/properties`,
      },
    ];

    console.log(`${SECONDS}s per target, ${CONNECTIONS} connections, ${PROPERTIES} properties`);
    const results: Result[] = [];
    for (const target of targets) results.push(await run(target.name, target.url));

    const baseline = results[0]!.requestsPerSecond;
    console.log('target                       req/s      p50 ms   p99 ms   errors   vs bare');
    for (const r of results) {
      const ratio = (r.requestsPerSecond / baseline).toFixed(3);
      console.log(
        `${r.name.padEnd(28)} ${r.requestsPerSecond.toFixed(0).padStart(7)} ` +
          `${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(8)} ` +
          `${String(r.errors).padStart(8)}   ${ratio}`,
      );
    }
  } finally {
    for (const server of servers) await server.close();
    await tcp.close();
  }
}

await main();
