import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  restoreSettings,
  type StackSettingsStore,
  settingsFile,
  storeSettings,
} from '../../../infra/stacks/settings-store.ts';
import { withTempDir } from '../../support/temp-dir.ts';

/** An in-memory store that counts its reads and writes. */
function memoryStore(initial: Record<string, string> = {}) {
  const files = new Map(Object.entries(initial));
  let loads = 0;
  let saves = 0;
  const store: StackSettingsStore = {
    load: async (key) => {
      loads += 1;
      return files.get(key) ?? null;
    },
    save: async (key, content) => {
      saves += 1;
      files.set(key, content);
    },
  };
  return { store, files, loads: () => loads, saves: () => saves };
}

const SETTINGS = 'encryptionsalt: v1:salt\nconfig:\n  blkshp:dbPassword:\n    secure: v1:x\n';

describe('stack settings kept in the database', () => {
  it('writes the stored file into an empty work directory and says it changed', async () => {
    await withTempDir('settings', async (workDir) => {
      const { store } = memoryStore({ 'p/alpha': SETTINGS });
      expect(await restoreSettings(store, workDir, 'p', 'alpha')).toBe(true);
      expect(await readFile(settingsFile(workDir, 'alpha'), 'utf8')).toBe(SETTINGS);
      // The same copy again: nothing to do, nothing cached goes stale.
      expect(await restoreSettings(store, workDir, 'p', 'alpha')).toBe(false);
    });
  });

  it('replaces a copy that differs from the stored file', async () => {
    await withTempDir('settings', async (workDir) => {
      await writeFile(settingsFile(workDir, 'alpha'), 'config: {}\n');
      const { store } = memoryStore({ 'p/alpha': SETTINGS });
      expect(await restoreSettings(store, workDir, 'p', 'alpha')).toBe(true);
      expect(await readFile(settingsFile(workDir, 'alpha'), 'utf8')).toBe(SETTINGS);
    });
  });

  it('keeps the copy on disk while nothing is stored, and stores it afterwards', async () => {
    await withTempDir('settings', async (workDir) => {
      await writeFile(settingsFile(workDir, 'alpha'), SETTINGS);
      const { store, files } = memoryStore();
      expect(await restoreSettings(store, workDir, 'p', 'alpha')).toBe(false);
      expect(await readFile(settingsFile(workDir, 'alpha'), 'utf8')).toBe(SETTINGS);
      await storeSettings(store, workDir, 'p', 'alpha');
      expect(files.get('p/alpha')).toBe(SETTINGS);
    });
  });

  it('reads the database once a run and writes only when the copy changed', async () => {
    await withTempDir('settings', async (workDir) => {
      const { store, loads, saves } = memoryStore({ 'p/alpha': SETTINGS });
      await restoreSettings(store, workDir, 'p', 'alpha');
      await storeSettings(store, workDir, 'p', 'alpha');
      expect([loads(), saves()]).toEqual([1, 0]);
      await writeFile(settingsFile(workDir, 'alpha'), `${SETTINGS}  blkshp:spec: "{}"\n`);
      await storeSettings(store, workDir, 'p', 'alpha');
      await storeSettings(store, workDir, 'p', 'alpha');
      expect([loads(), saves()]).toEqual([1, 1]);
    });
  });

  it('stores nothing for a stack without a settings file', async () => {
    await withTempDir('settings', async (root) => {
      const workDir = join(root, 'empty');
      await mkdir(workDir);
      const { store, saves } = memoryStore();
      await storeSettings(store, workDir, 'p', 'alpha');
      expect(saves()).toBe(0);
    });
  });
});
