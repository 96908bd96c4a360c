/**
 * One process at a time owns a data directory's queue: it recovers interrupted operations and
 * runs the engine. A pid file marks the owner; a file left by a dead process is taken over.
 *
 * Two rules keep two processes starting at once from both owning the directory:
 * - the pid file appears with the pid already in it (`createFileWhole`), so nobody reads an
 *   empty file and takes it for a dead owner's;
 * - a dead owner's file is removed only under a takeover mutex, after reading it again there, so
 *   one process cannot remove the file another has just created in its place.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileWhole } from './create-file-whole.ts';

export interface ProcessLock {
  release(): Promise<void>;
}

export type LockResult =
  | { acquired: true; lock: ProcessLock }
  | { acquired: false; ownerPid: number };

// The takeover is two file operations; a mutex older than this was left by a killed process.
const TAKEOVER_STALE_MS = 5_000;
const TAKEOVER_WAIT_MS = 10_000;

export async function acquireDataDirLock(dataDir: string): Promise<LockResult> {
  const path = join(dataDir, 'service.pid');
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createHoldingPid(path)) {
      return { acquired: true, lock: { release: () => rm(path, { force: true }) } };
    }
    const ownerPid = await readPid(path);
    // Gone since (its owner stopped): try again.
    if (ownerPid === null) continue;
    // 0 names nobody (kill(0) would ask about our own process group). Our own pid is a previous
    // life of this process id (a container's pid 1 after a restart).
    if (ownerPid > 0 && ownerPid !== process.pid && isAlive(ownerPid)) {
      return { acquired: false, ownerPid };
    }
    // The owner died without cleaning up (SIGKILL, power loss): take its place.
    await withTakeoverMutex(`${path}.takeover`, async () => {
      if ((await readPid(path)) === ownerPid) await rm(path, { force: true });
    });
  }
  throw new Error(`could not take the lock ${path}`);
}

/** Creates `path` holding this process's pid; false when it exists. */
function createHoldingPid(path: string): Promise<boolean> {
  return createFileWhole(path, String(process.pid));
}

/** The pid in the file; null when there is no file. An unreadable pid reads as 0 (no owner). */
async function readPid(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return null;
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

async function withTakeoverMutex(mutex: string, body: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  while (!(await createHoldingPid(mutex))) {
    const age = await stat(mutex).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    // TODO(takeover mutex): two processes that both find a stale mutex may both remove it.
    // It takes a process killed inside the takeover and two others starting within 5 s;
    // closing it needs an OS lock (flock), which Node does not offer.
    if (age > TAKEOVER_STALE_MS) await rm(mutex, { force: true });
    else if (Date.now() > deadline) throw new Error(`could not take the mutex ${mutex}`);
    else await new Promise((resolve) => setTimeout(resolve, 10));
  }
  try {
    await body();
  } finally {
    await rm(mutex, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
