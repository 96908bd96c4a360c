import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../infra/control-plane-api.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import { openService } from '../../../infra/service.ts';
import { loadSettings } from '../../../infra/settings/settings.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';
import { deleteSandboxResource, listSandboxResources } from '../../../sandbox/console.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { uniqueName, withTempDir } from '../../support/temp-dir.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const operator: Actor = { id: 'cli:operator', channel: 'cli' };

function settingsFor(dataDir: string) {
  return loadSettings({
    ...process.env,
    BLKSHP_DATA_DIR: dataDir,
    BLKSHP_CLOUD_MODE: 'sandbox',
    BLKSHP_LOG_LEVEL: 'silent',
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a service killed with SIGKILL in the middle of an apply', () => {
  it('marks the apply interrupted, recovers the stack, and loses nothing else', async () => {
    await withTempDir('crash', async (dataDir) => {
      const slug = uniqueName('crash').slice(0, 30);
      const otherSlug = uniqueName('keep').slice(0, 30);

      // 1. A previewed property (and a second one that must survive untouched).
      let service = await openService(settingsFor(dataDir));
      const added = await service.controlPlane.addProperty(testPropertyInput(slug), operator);
      const preview = await service.controlPlane.waitFor(
        (added.preview as { operation: Operation }).operation.id,
      );
      expect(preview.status).toBe('succeeded');
      await service.controlPlane.addProperty(testPropertyInput(otherSlug), operator);
      const [otherPreview] = await service.controlPlane.listOperations({ property: otherSlug });
      await service.controlPlane.waitFor(otherPreview!.id);
      const auditBefore = await service.controlPlane.queryAudit({});
      await service.close();

      // 2. `blkshp apply` in its own process group, killed once the engine is creating resources.
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(repoRoot, 'cli/main.ts'), 'apply', preview.id],
        {
          cwd: repoRoot,
          detached: true,
          stdio: 'ignore',
          env: { ...process.env, BLKSHP_DATA_DIR: dataDir, BLKSHP_CLOUD_MODE: 'sandbox' },
        },
      );
      const sandboxStack = join(dataDir, 'sandbox', 'state', slug);
      const watcher = await SqliteRepository.open(join(dataDir, 'blkshp.sqlite'));
      try {
        await waitUntil(async () => {
          const [apply] = await watcher.listOperations({ property: slug, kind: 'apply' });
          const files = await readdir(sandboxStack).catch(() => []);
          return apply?.status === 'running' && files.length > 0;
        }, 'the apply to be running with resources created');
      } finally {
        await watcher.close();
      }
      process.kill(-child.pid!, 'SIGKILL');
      await new Promise((r) => child.once('exit', r));

      // 3. A restart: the apply is interrupted, the stack is recovered, new work succeeds.
      service = await openService(settingsFor(dataDir));
      try {
        const [apply] = await service.controlPlane.listOperations({
          property: slug,
          kind: 'apply',
        });
        expect(apply?.status).toBe('interrupted');
        expect(apply?.error).toMatch(/stopped while this operation was running/);

        const again = await service.controlPlane.preview(slug, operator);
        const fresh = await service.controlPlane.waitFor(
          (again as { operation: Operation }).operation.id,
        );
        expect(fresh.error).toBeNull();
        expect(fresh.status).toBe('succeeded');

        // Resources whose create was cut short are named in an advisory finding; the operator
        // removes those the cloud kept (here: the sandbox), as the finding asks.
        const stateDir = join(dataDir, 'sandbox', 'state');
        const interrupted = fresh.changeSet!.findings.find(
          (f) => f.policy === 'interrupted-create',
        );
        const orphans = (await listSandboxResources(stateDir, slug)).filter((r) =>
          fresh.changeSet!.resources.some((c) => c.urn === r.urn && c.op === 'create'),
        );
        for (const orphan of orphans) {
          expect(interrupted?.message).toContain(orphan.name);
          await deleteSandboxResource(stateDir, slug, { type: orphan.type, name: orphan.id });
        }
        const applying = await service.controlPlane.apply(fresh.id, operator);
        const applied = await service.controlPlane.waitFor(
          (applying as { operation: Operation }).operation.id,
        );
        expect(applied.error).toBeNull();
        expect(applied.status).toBe('succeeded');

        // Nothing else was lost.
        expect(await service.controlPlane.getProperty(otherSlug)).not.toBeNull();
        const auditAfter = await service.controlPlane.queryAudit({});
        const ids = new Set(auditAfter.map((a) => a.id));
        for (const record of auditBefore) expect(ids.has(record.id)).toBe(true);
      } finally {
        await service.close();
      }
    });
  });
});
