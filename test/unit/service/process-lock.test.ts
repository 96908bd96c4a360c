import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '../../../infra/process-lock.ts';
import { withTempDir } from '../../support/temp-dir.ts';

const lockModule = resolve(import.meta.dirname, '../../../infra/process-lock.ts');

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

/**
 * Starts `count` processes that all try to take the lock at the same instant, hold it 1.5 s
 * and report. Resolves with how many took it.
 */
async function race(dataDir: string, count: number): Promise<number> {
  const at = Date.now() + 1_500;
  const script = `
    const { acquireDataDirLock } = await import(${JSON.stringify(lockModule)});
    while (Date.now() < ${at}) {}
    const result = await acquireDataDirLock(${JSON.stringify(dataDir)});
    console.log(result.acquired ? 'took' : 'refused');
    await new Promise((r) => setTimeout(r, 1500));
    if (result.acquired) await result.lock.release();
  `;
  const outputs = await Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
      });
      return new Promise<string>((done) => child.on('close', () => done(out.trim())));
    }),
  );
  expect(outputs.every((o) => o === 'took' || o === 'refused')).toBe(true);
  return outputs.filter((o) => o === 'took').length;
}

describe('the data directory lock', () => {
  it('refuses while the process named in it runs', async () => {
    await withTempDir('data-lock', async (dir) => {
      const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
      try {
        await writeFile(join(dir, 'service.pid'), String(owner.pid));
        const result = await acquireDataDirLock(dir);
        expect(result).toEqual({ acquired: false, ownerPid: owner.pid });
      } finally {
        owner.kill();
      }
    });
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    await withTempDir('data-lock', async (dir) => {
      await writeFile(join(dir, 'service.pid'), String(deadPid()));
      const result = await acquireDataDirLock(dir);
      expect(result.acquired).toBe(true);
    });
  });

  it('takes over a pid file that names no process (empty, as older versions could leave it)', async () => {
    await withTempDir('data-lock', async (dir) => {
      await writeFile(join(dir, 'service.pid'), '');
      const result = await acquireDataDirLock(dir);
      expect(result.acquired).toBe(true);
    });
  });

  it('gives the directory to exactly one of several processes starting at once', async () => {
    await withTempDir('data-lock', async (dir) => {
      expect(await race(dir, 6)).toBe(1);
    });
  });

  it('gives a dead owner’s directory to exactly one of several processes starting at once', async () => {
    await withTempDir('data-lock', async (dir) => {
      await writeFile(join(dir, 'service.pid'), String(deadPid()));
      expect(await race(dir, 6)).toBe(1);
    });
  });
});
