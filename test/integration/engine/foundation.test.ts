import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { getEngine, pinnedVersion, versionAtLeast } from '../../../infra/pulumi/engine.ts';
import { openStack } from '../../../infra/pulumi/workspace.ts';
import { uniqueName, withTempDir } from '../../support/temp-dir.ts';

// A dynamic provider runs through the `pulumi-resource-pulumi-nodejs` shim that the engine set-up
// writes, so this program also proves that shim works.
const counterProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { label: string }) {
    return { id: `counter-${inputs.label}`, outs: { label: inputs.label, value: 1 } };
  },
};

class Counter extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<number>;
  constructor(name: string, label: string) {
    super(counterProvider, name, { label, value: undefined }, {});
  }
}

describe('the real Pulumi engine', () => {
  it('reports at least the pinned CLI version', async () => {
    const engine = await getEngine();
    expect(versionAtLeast(engine.version, pinnedVersion())).toBe(true);
  });

  it('previews, applies, refreshes and destroys an inline program on a file backend', async () => {
    await withTempDir('foundation', async (dir) => {
      const engine = await getEngine();
      const passphraseFile = join(dir, 'passphrase');
      await writeFile(passphraseFile, 'test-passphrase', { mode: 0o600 });
      const stackName = uniqueName('foundation');
      const program = async () => {
        const counter = new Counter('counter', 'front-desk');
        return { value: counter.value };
      };
      const stack = await openStack(
        {
          engine,
          workspacesDir: join(dir, 'workspaces'),
          backendUrl: `file://${join(dir, 'state')}`,
          passphraseFile,
        },
        stackName,
        program,
        { projectName: 'blkshp-foundation' },
      );
      try {
        const preview = await stack.preview();
        expect(preview.changeSummary).toEqual({ create: 2 });

        const up = await stack.up();
        expect(up.summary.result).toBe('succeeded');
        expect(up.outputs.value?.value).toBe(1);

        const refresh = await stack.refresh();
        expect(refresh.summary.resourceChanges).toEqual({ same: 2 });

        const destroy = await stack.destroy();
        expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
      } finally {
        await stack.workspace.removeStack(stackName, { force: true });
      }
      const remaining = await stack.workspace.listStacks();
      expect(remaining.map((s) => s.name)).not.toContain(stackName);
    });
  });
});
