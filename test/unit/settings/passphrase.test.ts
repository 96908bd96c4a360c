import {
  chmod,
  type FileHandle,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineSecretsEnv, ensurePassphraseFile } from '../../../infra/settings/passphrase.ts';
import { loadSettings } from '../../../infra/settings/settings.ts';

describe('ensurePassphraseFile', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'blkshp-settings-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passphrase file is created with mode 0600 and reused', async () => {
    const dataDir = join(dir, 'data');
    const path = await ensurePassphraseFile(dataDir);

    expect(path).toBe(join(dataDir, 'passphrase'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const first = await readFile(path, 'utf8');
    expect(first.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await ensurePassphraseFile(dataDir);
    expect(await readFile(path, 'utf8')).toBe(first);
  });

  it('two starts at once end with one passphrase', async () => {
    const paths = await Promise.all([ensurePassphraseFile(dir), ensurePassphraseFile(dir)]);
    expect(paths[0]).toBe(paths[1]);
    expect((await readFile(join(dir, 'passphrase'), 'utf8')).trim()).toHaveLength(43);
  });

  it('a write that fails halfway leaves no passphrase file, so the next start makes one', async () => {
    // A full disk (or a kill) between creating the file and writing it: the old way left an
    // empty passphrase file that refused every later start.
    const probe = await open(join(dir, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const write = vi
      .spyOn(fileHandle, 'writeFile')
      .mockRejectedValueOnce(Object.assign(new Error('no space left'), { code: 'ENOSPC' }));
    try {
      await expect(ensurePassphraseFile(dir)).rejects.toMatchObject({
        code: 'BLKSHP_CONFIG_INVALID',
      });
    } finally {
      write.mockRestore();
    }
    expect((await readdir(dir)).sort()).toEqual(['probe']);

    await ensurePassphraseFile(dir);
    expect((await readFile(join(dir, 'passphrase'), 'utf8')).trim()).toHaveLength(43);
  });

  it.each([0o640, 0o604, 0o666])('refuses a passphrase file with mode %o', async (mode) => {
    const path = join(dir, 'passphrase');
    await writeFile(path, 'existing\n');
    await chmod(path, mode);

    await expect(ensurePassphraseFile(dir)).rejects.toMatchObject({
      code: 'BLKSHP_CONFIG_INVALID',
      message: expect.stringMatching(/chmod 600/),
    });
  });

  it('engineSecretsEnv creates the generated file and hands the engine its path', async () => {
    const settings = loadSettings({ BLKSHP_DATA_DIR: dir });
    const env = await engineSecretsEnv(settings);

    expect(env).toEqual({ PULUMI_CONFIG_PASSPHRASE_FILE: join(dir, 'passphrase') });
    expect((await stat(join(dir, 'passphrase'))).isFile()).toBe(true);
  });

  it('engineSecretsEnv passes a passphrase given in the environment through', async () => {
    const settings = loadSettings({ BLKSHP_DATA_DIR: dir, PULUMI_CONFIG_PASSPHRASE: 'pw' });
    expect(await engineSecretsEnv(settings)).toEqual({ PULUMI_CONFIG_PASSPHRASE: 'pw' });
  });
});
