/**
 * One process at a time owns a data directory's queue: it recovers interrupted operations and
 * runs the engine. A pid file created with O_EXCL marks the owner; a file left by a dead process
 * is taken over.
 */
import { constants } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface ProcessLock {
  release(): Promise<void>;
}

export type LockResult =
  | { acquired: true; lock: ProcessLock }
  | { acquired: false; ownerPid: number };

export async function acquireDataDirLock(dataDir: string): Promise<LockResult> {
  const path = join(dataDir, 'service.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(
        path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
        0o600,
      );
      await handle.writeFile(String(process.pid));
      await handle.close();
      return {
        acquired: true,
        lock: { release: () => rm(path, { force: true }) },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const ownerPid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (ownerPid > 0 && ownerPid !== process.pid && isAlive(ownerPid)) {
      return { acquired: false, ownerPid };
    }
    // The owner died without cleaning up (SIGKILL, power loss): take its place.
    await rm(path, { force: true });
  }
  throw new Error(`could not take the lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
