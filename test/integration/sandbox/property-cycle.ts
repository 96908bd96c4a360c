/**
 * One property's whole life on the real engine and the sandbox cloud: preview (its creates
 * match the program's resource count under mocks), apply, no drift, a change behind the
 * engine's back reported exactly, a tier change previewed and applied, destroy to an empty
 * sandbox. Shared by the per-cloud test files, which run in parallel.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { changedResources } from '../../../infra/changes/model.ts';
import type { Actor, EnqueueResult } from '../../../infra/control-plane-api.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import { parsePropertySpec } from '../../../infra/properties/spec.ts';
import { changeSandboxResource, listSandboxResources } from '../../../sandbox/console.ts';
import type { TestControlPlane } from '../../support/control-plane.ts';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../../..');
const requester: Actor = { id: 'slack:UREQ', channel: 'slack:COPS' };
const approver: Actor = { id: 'slack:UAPP', channel: 'slack:COPS' };

/** The compute resource a person would resize in each cloud's console, and its size field. */
const RESIZABLE = {
  digitalocean: {
    type: 'digitalocean:index/droplet:Droplet',
    field: 'size',
    value: 's-8vcpu-16gb',
  },
  gcp: { type: 'gcp:compute/instance:Instance', field: 'machineType', value: 'n2-standard-16' },
  aws: { type: 'aws:ec2/instance:Instance', field: 'instanceType', value: 'm6i.4xlarge' },
} as const;

export async function mockResourceCount(input: Record<string, unknown>): Promise<number> {
  const spec = parsePropertySpec(input);
  if (!spec.ok) throw new Error(JSON.stringify(spec.issues));
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'test/support/mock-resource-count.ts', JSON.stringify(spec.spec)],
    { cwd: repoRoot },
  );
  return Number(stdout.trim());
}

async function finished(tcp: TestControlPlane, pending: Promise<EnqueueResult>) {
  const result = await pending;
  if (!result.accepted) throw new Error(`refused: ${result.reason}`);
  const done = await tcp.controlPlane.waitFor(result.operation.id);
  expect(done.error, `${done.kind} failed`).toBeNull();
  expect(done.status).toBe('succeeded');
  return done;
}

async function applyPreview(tcp: TestControlPlane, preview: Operation) {
  return finished(tcp, tcp.controlPlane.apply(preview.id, approver));
}

export async function propertyCycle(
  tcp: TestControlPlane,
  input: Record<string, unknown> & { slug: string; cloud: keyof typeof RESIZABLE },
  scaleTo: 'standard' | 'enterprise' | null,
): Promise<void> {
  const { slug } = input;

  // Preview: as many creates as the program declares under mocks.
  const added = await tcp.controlPlane.addProperty(input, requester);
  const preview = await finished(tcp, Promise.resolve(added.preview));
  expect(preview.changeSet?.counts.create).toBe(await mockResourceCount(input));
  expect(preview.changeSet?.findings.filter((f) => f.level === 'mandatory')).toEqual([]);

  // Apply, then a drift check right away finds nothing.
  const applied = await applyPreview(tcp, preview);
  expect(applied.outputs?.url).toEqual(expect.any(String));
  const clean = await finished(tcp, tcp.controlPlane.driftCheck(slug, requester));
  expect(changedResources(clean.changeSet!)).toEqual([]);

  // A resize in the "console" is reported as exactly that drift.
  const resizable = RESIZABLE[input.cloud];
  const [machine] = (await listSandboxResources(tcp.sandboxDir, slug)).filter(
    (r) => r.type === resizable.type,
  );
  expect(machine).toBeDefined();
  await changeSandboxResource(
    tcp.sandboxDir,
    slug,
    { type: resizable.type, name: machine!.name },
    { [resizable.field]: resizable.value },
  );
  const drifted = await finished(tcp, tcp.controlPlane.driftCheck(slug, requester));
  const changed = changedResources(drifted.changeSet!);
  expect(changed.map((r) => r.name)).toEqual([machine!.name]);
  expect(changed[0]?.changes).toContainEqual(
    expect.objectContaining({ path: resizable.field, new: resizable.value }),
  );

  // Put the cloud back in line with the program (refresh, preview, apply).
  await finished(tcp, tcp.controlPlane.refresh(slug, requester));
  const repair = await finished(tcp, tcp.controlPlane.preview(slug, requester));
  expect(repair.changeSet?.counts.update).toBeGreaterThanOrEqual(1);
  await applyPreview(tcp, repair);

  // A tier change previews as the right mix of creates, updates and replacements.
  if (scaleTo) {
    const scaled = await tcp.controlPlane.updateProperty(slug, { tier: scaleTo }, requester);
    const scalePreview = await finished(tcp, Promise.resolve(scaled));
    const counts = scalePreview.changeSet!.counts;
    expect((counts.create ?? 0) + (counts.update ?? 0) + (counts.replace ?? 0)).toBeGreaterThan(0);
    const delta = scalePreview.changeSet!.costDelta!;
    expect(delta.afterMonthly).toBeGreaterThan(delta.beforeMonthly);
    await applyPreview(tcp, scalePreview);
    const after = await finished(tcp, tcp.controlPlane.driftCheck(slug, requester));
    expect(changedResources(after.changeSet!)).toEqual([]);
  }

  // Destroy through an approved destroy preview: the sandbox ends empty.
  const destroyPreview = await finished(tcp, tcp.controlPlane.previewDestroy(slug, requester));
  await applyPreview(tcp, destroyPreview);
  expect(await listSandboxResources(tcp.sandboxDir, slug)).toEqual([]);
}
