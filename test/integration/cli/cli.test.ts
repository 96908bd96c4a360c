import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../cli/exit-codes.ts';
import { withTempDir } from '../../support/temp-dir.ts';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../../..');

/** Runs the real `blkshp` entry point in its own process and returns its exit code and output. */
async function blkshp(args: string[], dataDir: string) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'cli/main.ts'), ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, BLKSHP_DATA_DIR: dataDir, BLKSHP_CLOUD_MODE: 'sandbox' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the blkshp command line', () => {
  it.each([
    [['--help'], 'property'],
    [['property', '--help'], 'add'],
    [['property', 'add', '--help'], '--file'],
    [['ops', '--help'], 'cancel'],
    [['sandbox', 'change', '--help'], 'cloud console'],
  ])('prints help for %j', async (args, expected) => {
    await withTempDir('cli', async (dir) => {
      const result = await blkshp(args, dir);
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).toContain(expected);
    });
  });

  it('exits with the usage code and names every bad field of an invalid spec', async () => {
    await withTempDir('cli', async (dir) => {
      const spec = join(dir, 'bad.json');
      await writeFile(
        spec,
        JSON.stringify({ slug: 'X', cloud: 'azure', adminCidrs: ['0.0.0.0/0'] }),
      );
      const result = await blkshp(['property', 'add', '-f', spec], dir);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain('BLKSHP_INVALID_INPUT');
      expect(result.stderr).toMatch(/slug:/);
      expect(result.stderr).toMatch(/cloud:/);
      expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    });
  });

  it('exits with the not-found code for an unknown operation', async () => {
    await withTempDir('cli', async (dir) => {
      const result = await blkshp(['ops', 'show', 'no-such-operation'], dir);
      expect(result.code).toBe(EXIT.notFound);
    });
  });

  it('exits with the usage code for an unknown command', async () => {
    await withTempDir('cli', async (dir) => {
      const result = await blkshp(['frobnicate'], dir);
      expect(result.code).toBe(EXIT.usage);
    });
  });

  it('lists the tiers with prices and their source', async () => {
    await withTempDir('cli', async (dir) => {
      const result = await blkshp(['tiers'], dir);
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).toMatch(/starter\s+digitalocean\s+\$\d+/);
      expect(result.stdout).toContain('Prices:');
    });
  });
});
