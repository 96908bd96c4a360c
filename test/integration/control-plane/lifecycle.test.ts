import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedResources } from '../../../infra/changes/model.ts';
import type { Actor } from '../../../infra/control-plane-api.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import { changeSandboxResource, listSandboxResources } from '../../../sandbox/console.ts';
import { createTestControlPlane, type TestControlPlane } from '../../support/control-plane.ts';
import { testPropertyInput } from '../../support/properties.ts';
import { stackSecrets } from '../../support/stack-secrets.ts';
import { uniqueName } from '../../support/temp-dir.ts';

const alice: Actor = { id: 'slack:UALICE', channel: 'slack:CENG' };
const bob: Actor = { id: 'slack:UBOB', channel: 'slack:CENG' };

async function finished(tcp: TestControlPlane, pending: Promise<unknown>): Promise<Operation> {
  const result = (await pending) as { accepted: boolean; operation?: Operation; reason?: string };
  if (!result.accepted || !result.operation) throw new Error(`refused: ${result.reason}`);
  return tcp.controlPlane.waitFor(result.operation.id);
}

describe('a property through the control plane, on the real engine and the sandbox', () => {
  let tcp: TestControlPlane;
  const slug = uniqueName('life').slice(0, 30);

  beforeAll(async () => {
    tcp = await createTestControlPlane();
  });
  afterAll(async () => {
    await tcp?.close();
  });

  it('adds a property and previews it with creates, a cost delta and a sandbox badge', async () => {
    const { preview } = await tcp.controlPlane.addProperty(testPropertyInput(slug), alice);
    expect(preview.accepted).toBe(true);
    const done = await tcp.controlPlane.waitFor((preview as { operation: Operation }).operation.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    expect(done.changeSet?.sandbox).toBe(true);
    expect(done.changeSet?.counts.create).toBeGreaterThan(3);
    expect(done.changeSet?.costDelta?.beforeMonthly).toBe(0);
    expect(done.changeSet?.costDelta?.afterMonthly).toBeGreaterThan(0);
  });

  it('lists the succeeded preview as waiting for approval until it is applied', async () => {
    const [preview] = await tcp.controlPlane.listOperations({ property: slug, kind: 'preview' });
    const pending = await tcp.controlPlane.pendingApprovals(slug);
    expect(pending.map((op) => op.id)).toEqual([preview!.id]);
  });

  it('applies the approved preview and stores outputs without secrets', async () => {
    const [preview] = await tcp.controlPlane.listOperations({ property: slug, kind: 'preview' });
    const applied = await finished(tcp, tcp.controlPlane.apply(preview!.id, bob));
    expect(applied.error).toBeNull();
    expect(applied.status).toBe('succeeded');
    expect(applied.outputs?.url).toEqual(expect.stringContaining(slug));
    const record = await tcp.controlPlane.getProperty(slug);
    expect(record?.outputs).toEqual(applied.outputs);

    // Nothing the service stored or would show carries a generated secret.
    const secrets = await stackSecrets(tcp, slug);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const everything = JSON.stringify({
      operations: await tcp.controlPlane.listOperations({ property: slug }),
      audit: await tcp.controlPlane.queryAudit({ property: slug }),
      record,
    });
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('no longer lists a preview once it has been applied', async () => {
    expect(await tcp.controlPlane.pendingApprovals(slug)).toEqual([]);
  });

  it('refuses to apply the same preview twice', async () => {
    const [apply] = await tcp.controlPlane.listOperations({ property: slug, kind: 'apply' });
    const again = await tcp.controlPlane.apply(apply!.previewId!, bob);
    expect(again).toMatchObject({ accepted: false, code: 'already-finished' });
  });

  it('finds no drift right after an apply, then exactly the change made behind its back', async () => {
    const clean = await finished(tcp, tcp.controlPlane.driftCheck(slug, alice));
    expect(clean.status).toBe('succeeded');
    expect(changedResources(clean.changeSet!)).toEqual([]);
    expect((await tcp.controlPlane.getProperty(slug))?.drift.status).toBe('in-sync');

    await changeSandboxResource(tcp.sandboxDir, slug, { name: 'app' }, { size: 's-8vcpu-16gb' });
    const drifted = await finished(tcp, tcp.controlPlane.driftCheck(slug, alice));
    const changed = changedResources(drifted.changeSet!);
    expect(changed.map((r) => r.name)).toEqual(['app']);
    expect(changed[0]?.changes).toContainEqual(
      expect.objectContaining({ path: 'size', new: 's-8vcpu-16gb' }),
    );
    // Putting the size back would touch the droplet (and what reads its address).
    expect(drifted.changeSet?.applyWouldChange?.update).toBeGreaterThanOrEqual(1);
    expect((await tcp.controlPlane.getProperty(slug))?.drift.status).toBe('drifted');
  });

  it('runs two concurrent applies on one property one after the other', async () => {
    await finished(tcp, tcp.controlPlane.refresh(slug, alice));
    const first = await finished(tcp, tcp.controlPlane.preview(slug, alice));
    const second = await finished(tcp, tcp.controlPlane.preview(slug, alice));
    const [a, b] = await Promise.all([
      tcp.controlPlane.apply(first.id, bob),
      tcp.controlPlane.apply(second.id, bob),
    ]);
    expect(a.accepted && b.accepted).toBe(true);
    const [doneA, doneB] = await Promise.all([
      tcp.controlPlane.waitFor((a as { operation: Operation }).operation.id),
      tcp.controlPlane.waitFor((b as { operation: Operation }).operation.id),
    ]);
    const [earlier, later] = [doneA, doneB].sort((x, y) =>
      x.startedAt!.localeCompare(y.startedAt!),
    );
    expect(Date.parse(later!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(earlier!.finishedAt!));
  });

  it('changes the tier as updates and replacements with the cost difference', async () => {
    const result = await tcp.controlPlane.updateProperty(slug, { tier: 'standard' }, alice);
    expect(result.accepted).toBe(true);
    const preview = await tcp.controlPlane.waitFor(
      (result as { operation: Operation }).operation.id,
    );
    expect(preview.status).toBe('succeeded');
    const delta = preview.changeSet!.costDelta!;
    expect(delta.afterMonthly).toBeGreaterThan(delta.beforeMonthly);
    expect((preview.changeSet!.counts.create ?? 0) > 0).toBe(true);
  });

  it('destroys through an approved destroy preview and leaves nothing behind', async () => {
    const destroyPreview = await finished(tcp, tcp.controlPlane.previewDestroy(slug, alice));
    expect(destroyPreview.changeSet?.kind).toBe('destroy');
    expect(destroyPreview.changeSet?.counts.delete).toBeGreaterThan(0);
    // Protected data is listed too, with a warning that its data goes with it.
    const deleted = destroyPreview.changeSet!.resources.map((r) => r.type);
    expect(deleted).toContain('digitalocean:index/volume:Volume');
    expect(destroyPreview.changeSet?.findings[0]?.policy).toBe('protected-data');
    const destroyed = await finished(tcp, tcp.controlPlane.apply(destroyPreview.id, bob));
    expect(destroyed.kind).toBe('destroy');
    expect(destroyed.status).toBe('succeeded');
    expect(await listSandboxResources(tcp.sandboxDir, slug)).toEqual([]);
    expect(await tcp.controlPlane.removeProperty(slug, alice)).toEqual({ removed: true });
  });
});
