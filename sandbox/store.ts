/**
 * The sandbox cloud's memory: one JSON file per stack per package (`<dir>/<stack>/<package>.json`),
 * so the three plugin processes of one engine run never write the same file. Every change is a
 * read-modify-write under a lock file and lands with write-temp, fsync, rename: a crash leaves
 * either the old file or the new one, never half of one.
 */
import {
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { mint, type Props } from './model.ts';

export interface SandboxRecord {
  urn: string;
  /** Type token, e.g. `digitalocean:index/droplet:Droplet`. */
  type: string;
  /** Logical name in the program. */
  name: string;
  id: string;
  /** What the program asked for (after check), as a console change leaves them. */
  inputs: Props;
  /** What the cloud reports: inputs plus computed attributes. */
  outputs: Props;
  createdAt: string;
  updatedAt: string;
}

export interface StackFile {
  version: 1;
  resources: SandboxRecord[];
}

const LOCK_WAIT_MS = 15_000;
// A lock older than this is taken over whatever its pid says (the pid may have been reused).
const LOCK_STALE_MS = 30_000;

export function stackDir(dir: string, stack: string): string {
  return join(dir, encodeURIComponent(stack));
}

export function stackFilePath(dir: string, stack: string, pkg: string): string {
  return join(stackDir(dir, stack), `${pkg}.json`);
}

export async function readStackFile(dir: string, stack: string, pkg: string): Promise<StackFile> {
  try {
    const text = await readFile(stackFilePath(dir, stack, pkg), 'utf8');
    return JSON.parse(text) as StackFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, resources: [] };
    throw error;
  }
}

/** The packages that have a file for `stack` (empty when the stack has none). */
export async function stackPackages(dir: string, stack: string): Promise<string[]> {
  try {
    const names = await readdir(stackDir(dir, stack));
    return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

// Calls in one process queue here; the lock file orders them against other processes.
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `change` on the current content of the file and writes the result back. `change` may
 * throw to refuse (nothing is written). Resolves with what `change` returned.
 */
export function mutateStackFile<T>(
  dir: string,
  stack: string,
  pkg: string,
  change: (file: StackFile) => T,
): Promise<T> {
  const path = stackFilePath(dir, stack, pkg);
  const previous = queues.get(path) ?? Promise.resolve();
  const next = previous.then(
    () => withLock(path, () => readModifyWrite(dir, stack, pkg, change)),
    () => withLock(path, () => readModifyWrite(dir, stack, pkg, change)),
  );
  const settled = next.catch(() => undefined);
  queues.set(path, settled);
  void settled.then(() => {
    if (queues.get(path) === settled) queues.delete(path);
  });
  return next;
}

async function readModifyWrite<T>(
  dir: string,
  stack: string,
  pkg: string,
  change: (file: StackFile) => T,
): Promise<T> {
  const file = await readStackFile(dir, stack, pkg);
  const result = change(file);
  await writeAtomically(stackFilePath(dir, stack, pkg), `${JSON.stringify(file, null, 2)}\n`);
  return result;
}

export async function writeAtomically(path: string, content: string, mode = 0o644): Promise<void> {
  const temp = `${path}.${process.pid}.${mint.hex(8)}.tmp`;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function withLock<T>(path: string, body: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(join(path, '..'), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await createHoldingPid(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS || (await ownerIsGone(lock))) await rm(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`sandbox store ${path} stayed locked`);
      else await new Promise((resolve) => setTimeout(resolve, 15));
    }
  }
  try {
    return await body();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/**
 * Creates the lock with this process's pid already in it (EEXIST when it is taken). The pid lets
 * a lock left by a killed process be taken over at once, not after LOCK_STALE_MS (a service
 * restarted after a crash would otherwise wait on it). The lock appears whole through link(2):
 * created empty and then written, a kill in between would leave a lock naming no owner.
 */
async function createHoldingPid(lock: string): Promise<void> {
  const claim = `${lock}.${process.pid}.${mint.hex(8)}.claim`;
  await writeFile(claim, String(process.pid));
  try {
    await link(claim, lock);
  } finally {
    await unlink(claim).catch(() => undefined);
  }
}

/**
 * True when the lock names a process that no longer runs. Only the sandbox's own processes on
 * this machine take these locks, so a pid is meaningful; an unreadable lock counts as held.
 */
async function ownerIsGone(lock: string): Promise<boolean> {
  const pid = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes a stack's whole sandbox (all packages). */
export async function removeStack(dir: string, stack: string): Promise<void> {
  await rm(stackDir(dir, stack), { recursive: true, force: true });
}
