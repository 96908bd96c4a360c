/**
 * A service replica as its own process (`blkshp serve`) with the settings replicas share: one
 * Postgres (which keeps the stack settings too), one state backend, one passphrase, and the
 * sandbox cloud's directory. Work directories are each replica's own, under its data directory.
 * Used by the two-replica test and the replica benchmark.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');

export interface SharedReplicaSettings {
  databaseUrl: string;
  backendUrl: string;
  /** Variables the state backend needs (object-store credentials). */
  backendEnv?: Record<string, string>;
  passphrase: string;
  sandboxDir: string;
  maxEngineRuns?: number;
}

export interface ReplicaProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** SIGKILL to the whole process group: the engine and its plugins die with it. */
  kill(): Promise<void>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts a replica with its own data directory under `dir` and waits for /healthz. */
export async function startReplicaProcess(
  dir: string,
  name: string,
  shared: SharedReplicaSettings,
): Promise<ReplicaProcess> {
  const port = await freePort();
  const log = createWriteStream(join(dir, `${name}.log`));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'cli/main.ts'), 'serve'],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...shared.backendEnv,
        DATABASE_URL: shared.databaseUrl,
        PULUMI_BACKEND_URL: shared.backendUrl,
        PULUMI_CONFIG_PASSPHRASE: shared.passphrase,
        BLKSHP_DATA_DIR: join(dir, name),
        BLKSHP_SANDBOX_DIR: shared.sandboxDir,
        BLKSHP_REPLICA_NAME: name,
        BLKSHP_PORT: String(port),
        BLKSHP_CLOUD_MODE: 'sandbox',
        BLKSHP_MAX_ENGINE_RUNS: String(shared.maxEngineRuns ?? 2),
        BLKSHP_JOB_HEARTBEAT_SECONDS: '10',
        BLKSHP_LOG_LEVEL: 'info',
      },
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited at start; see ${name}.log`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${name} did not serve within 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    url,
    child,
    async kill() {
      if (running()) process.kill(-(child.pid as number), 'SIGKILL');
      await exited;
    },
    async stop() {
      if (running()) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A JSON client for one replica's REST API with a bearer token. */
export function replicaApi(token: string) {
  return async (replica: ReplicaProcess, path: string, body?: unknown) => {
    const response = await fetch(`${replica.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}
