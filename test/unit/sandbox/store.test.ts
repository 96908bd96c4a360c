import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { mutateStackFile, readStackFile, stackDir, stackFilePath } from '../../../sandbox/store.ts';
import { withTempDir } from '../../support/temp-dir.ts';

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid as number;
}

async function lockBy(dir: string, pid: number): Promise<string> {
  await mkdir(stackDir(dir, 'hotel'), { recursive: true });
  const lock = `${stackFilePath(dir, 'hotel', 'digitalocean')}.lock`;
  await writeFile(lock, String(pid));
  return lock;
}

function addRecord(file: { resources: Array<{ name: string }> }) {
  file.resources.push({ name: 'app' } as never);
}

describe('the sandbox store lock', () => {
  it('takes over at once a lock left by a process that no longer runs', async () => {
    await withTempDir('sandbox-lock', async (dir) => {
      await lockBy(dir, deadPid());
      // A fresh lock of a live owner would hold this for 15 s and then fail.
      await mutateStackFile(dir, 'hotel', 'digitalocean', addRecord);
      const file = await readStackFile(dir, 'hotel', 'digitalocean');
      expect(file.resources.map((r) => r.name)).toEqual(['app']);
    });
  });

  it('waits while the process holding the lock runs', async () => {
    await withTempDir('sandbox-lock', async (dir) => {
      const lock = await lockBy(dir, process.pid);
      let released = false;
      const change = mutateStackFile(dir, 'hotel', 'digitalocean', (file) => {
        addRecord(file);
        return released;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      released = true;
      await rm(lock);
      expect(await change).toBe(true);
    });
  });

  it('never shows a lock without its owner, so a kill cannot leave one nobody can judge', async () => {
    await withTempDir('sandbox-lock', async (dir) => {
      const lock = `${stackFilePath(dir, 'hotel', 'digitalocean')}.lock`;
      let writing = true;
      const seen: string[] = [];
      // Reads the lock as fast as the event loop allows while 200 writes take and drop it.
      const watch = (async () => {
        while (writing) {
          const owner = await readFile(lock, 'utf8').catch(() => null);
          if (owner !== null) seen.push(owner);
        }
      })();
      for (let i = 0; i < 200; i += 1)
        await mutateStackFile(dir, 'hotel', 'digitalocean', addRecord);
      writing = false;
      await watch;
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((owner) => owner !== String(process.pid))).toEqual([]);
    });
  });
});
