import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getEngine } from '../../../infra/pulumi/engine.ts';
import { openStack, type StackEnvironment } from '../../../infra/pulumi/workspace.ts';
import { uniqueName, withTempDir } from '../../support/temp-dir.ts';

const PROJECT = 'blkshp-file-backend';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('stacks on the file state backend', () => {
  it('write no metadata sidecars and open again after a crash left an empty one', async () => {
    await withTempDir('file-backend', async (dir) => {
      const stateDir = join(dir, 'state');
      const env: StackEnvironment = {
        engine: await getEngine(),
        workspacesDir: join(dir, 'workspaces'),
        backendUrl: `file://${stateDir}`,
        extraEnv: { PULUMI_CONFIG_PASSPHRASE: 'test-passphrase' },
      };
      const stackName = uniqueName('sidecar');
      const program = async () => ({ rooms: 42 });
      const first = await openStack(env, stackName, program, { projectName: PROJECT });
      const up = await first.up();
      expect(up.outputs.rooms?.value).toBe(42);
      const written = await filesUnder(stateDir);
      expect(written.some((f) => f.endsWith(`${stackName}.json`))).toBe(true);
      expect(written.filter((f) => f.endsWith('.attrs'))).toEqual([]);

      // What a process killed inside fileblob's sidecar write leaves next to the checkpoint.
      const stackDir = join(stateDir, '.pulumi', 'stacks', PROJECT);
      await mkdir(stackDir, { recursive: true });
      const sidecar = join(stackDir, `${stackName}.json.attrs`);
      await writeFile(sidecar, '');
      await expect(first.workspace.selectStack(stackName)).rejects.toThrow(
        /failed to load checkpoint/,
      );

      const reopened = await openStack(env, stackName, program, { projectName: PROJECT });
      const preview = await reopened.preview();
      expect(preview.changeSummary).toEqual({ same: 1 });
      expect(await filesUnder(stackDir)).not.toContain(sidecar);
    });
  });
});
