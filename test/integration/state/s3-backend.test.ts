import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { ConcurrentUpdateError } from '@pulumi/pulumi/automation/index.js';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../../infra/operations/model.ts';
import { getEngine } from '../../../infra/pulumi/engine.ts';
import { openStack, type StackEnvironment } from '../../../infra/pulumi/workspace.ts';
import { createTestControlPlane } from '../../support/control-plane.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { startLocalS3 } from '../../support/s3-server.ts';
import { uniqueName, withTempDir } from '../../support/temp-dir.ts';

// Holds the stack's lock long enough for a second replica to run into it.
const slowProvider: pulumi.dynamic.ResourceProvider = {
  async create() {
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    return { id: 'slow', outs: {} };
  },
};

class Slow extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super(slowProvider, name, {}, {});
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('state on an S3-compatible object store', () => {
  it('previews and applies a property with its state in the bucket', async () => {
    await withTempDir('s3', async (dir) => {
      const s3 = await startLocalS3(join(dir, 's3'));
      const tcp = await createTestControlPlane({
        dataDir: join(dir, 'data'),
        backendUrl: s3.backendUrl,
        backendEnv: s3.env,
      });
      try {
        const slug = uniqueName('s3').slice(0, 30);
        const actor = { id: 'cli:ops', channel: 'cli' };
        const { preview } = await tcp.controlPlane.addProperty(testPropertyInput(slug), actor);
        const previewed = await tcp.controlPlane.waitFor(
          (preview as { operation: Operation }).operation.id,
        );
        expect(previewed.error).toBeNull();
        const applying = await tcp.controlPlane.apply(previewed.id, actor);
        const applied = await tcp.controlPlane.waitFor(
          (applying as { operation: Operation }).operation.id,
        );
        expect(applied.error).toBeNull();
        expect(applied.status).toBe('succeeded');
        const stored = await listFiles(s3.bucketDir);
        expect(stored.some((f) => f.includes(`.pulumi/stacks/blkshp-property/${slug}`))).toBe(true);
      } finally {
        await tcp.close();
        await s3.stop();
      }
    });
  });

  it("keeps a second replica out of a stack while the first one's update holds the lock", async () => {
    await withTempDir('s3-lock', async (dir) => {
      const s3 = await startLocalS3(join(dir, 's3'));
      try {
        const engine = await getEngine();
        const replica = (name: string): StackEnvironment => ({
          engine,
          workspacesDir: join(dir, name),
          backendUrl: s3.backendUrl,
          extraEnv: { ...s3.env, PULUMI_CONFIG_PASSPHRASE: 'two-replicas' },
        });
        const program = async () => {
          new Slow('slow');
          return {};
        };
        const stackName = uniqueName('locked');
        const first = await openStack(replica('a'), stackName, program, {
          projectName: 'blkshp-lock-test',
        });
        const second = await openStack(replica('b'), stackName, program, {
          projectName: 'blkshp-lock-test',
        });

        const running = first.up();
        const locks = join(s3.bucketDir, '.pulumi', 'locks');
        for (let i = 0; i < 200 && (await listFiles(locks)).length === 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect((await listFiles(locks)).length).toBeGreaterThan(0);
        await expect(second.refresh()).rejects.toBeInstanceOf(ConcurrentUpdateError);

        expect((await running).summary.result).toBe('succeeded');
        expect((await second.refresh()).summary.result).toBe('succeeded');
        await first.destroy();
      } finally {
        await s3.stop();
      }
    });
  });
});
