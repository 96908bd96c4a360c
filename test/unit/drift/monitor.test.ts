import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeSet } from '../../../infra/changes/model.ts';
import { ignoreDrift } from '../../../infra/drift/actions.ts';
import type { DriftNotification, DriftNotifier } from '../../../infra/drift/model.ts';
import { DriftMonitor } from '../../../infra/drift/monitor.ts';
import { SqliteRepository } from '../../../infra/storage/sqlite.ts';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';
import { FakeDriftQueue, newDriftCheck } from '../../support/fake-drift-queue.ts';

const logger = pino({ level: 'silent' });
const actor = { id: 'schedule', channel: 'schedule' };

class RecordingNotifier implements DriftNotifier {
  readonly name = 'recording';
  readonly events: DriftNotification[] = [];
  async notify(event: DriftNotification) {
    this.events.push(event);
  }
}

function inSync(): ChangeSet {
  const changeSet = sampleChangeSet('grand');
  return {
    ...changeSet,
    kind: 'drift-check',
    resources: changeSet.resources.map((r) => ({ ...r, op: 'same', changes: [] })),
  };
}

function drifted(size = 's-4vcpu-8gb'): ChangeSet {
  const changeSet = sampleChangeSet('grand');
  const [app] = changeSet.resources;
  if (!app?.changes[0]) throw new Error('sample changed');
  return {
    ...changeSet,
    kind: 'drift-check',
    resources: [{ ...app, op: 'update', changes: [{ ...app.changes[0], new: size }] }],
  };
}

describe('DriftMonitor', () => {
  let repo: SqliteRepository;
  let queue: FakeDriftQueue;
  let notifier: RecordingNotifier;
  let monitor: DriftMonitor;
  let seq = 0;

  beforeEach(async () => {
    repo = await SqliteRepository.open(':memory:');
    await repo.migrate();
    const at = '2025-01-01T00:00:00.000Z';
    await repo.insertProperty({
      slug: 'grand',
      spec: { slug: 'grand' } as never,
      sandbox: true,
      createdAt: at,
      updatedAt: at,
      outputs: null,
    });
    queue = new FakeDriftQueue(['grand'], { maxConcurrent: 1, checkMs: 1 });
    notifier = new RecordingNotifier();
    monitor = await DriftMonitor.start({
      controlPlane: queue,
      repo,
      notifiers: [notifier],
      logger,
    });
  });

  afterEach(async () => {
    await monitor.stop();
    await repo.close();
  });

  async function check(status: 'succeeded' | 'failed', changeSet: ChangeSet | null) {
    const operation = newDriftCheck(`op-${++seq}`, 'grand', actor);
    queue.operations.push(operation);
    queue.finish(operation, status, changeSet);
    await monitor.idle();
    return notifier.events.at(-1)?.operationId === operation.id ? notifier.events.at(-1) : null;
  }

  it('notifies on each change of state and stays quiet while nothing changes', async () => {
    expect(await check('succeeded', inSync())).toBeNull();
    expect(await check('succeeded', drifted())).toMatchObject({
      type: 'drift.detected',
      previousStatus: 'in-sync',
      resources: [expect.objectContaining({ name: 'app' })],
    });
    expect(await check('succeeded', drifted())).toBeNull();
    expect(await check('succeeded', drifted('s-8vcpu-16gb'))).toMatchObject({
      type: 'drift.changed',
    });
    expect(await check('failed', null)).toMatchObject({
      type: 'drift.check_failing',
      error: 'engine exploded',
    });
    expect(await check('failed', null)).toBeNull();
    expect(await check('succeeded', inSync())).toMatchObject({ type: 'drift.check_recovered' });
    expect(await check('succeeded', drifted())).toMatchObject({ type: 'drift.detected' });
    expect(await check('succeeded', inSync())).toMatchObject({ type: 'drift.resolved' });
    expect(notifier.events).toHaveLength(6);

    const history = await repo.listDriftResults({ property: 'grand' });
    expect(history.map((r) => r.status)).toEqual([
      'in-sync',
      'drifted',
      'in-sync',
      'failed',
      'failed',
      'drifted',
      'drifted',
      'drifted',
      'in-sync',
    ]);
    const audits = queue.auditLog.filter((a) => a.action === 'drift.notified');
    expect(audits).toHaveLength(6);
  });

  it('records but does not announce ignored drift, and announces it after', async () => {
    await ignoreDrift({ repo, controlPlane: queue }, 'grand', 7, {
      id: 'slack:U1',
      channel: 'slack:C1',
    });
    expect(await check('succeeded', drifted())).toBeNull();
    expect(queue.auditLog.map((a) => a.action)).toEqual(['drift.ignore', 'drift.suppressed']);
    const [latest] = await repo.listDriftResults({ property: 'grand' });
    expect(latest).toMatchObject({ status: 'drifted', suppressed: true });

    await repo.clearDriftIgnore('grand'); // as if the week had passed
    expect(await check('succeeded', drifted())).toMatchObject({ type: 'drift.detected' });
  });

  it('records a check once even if it is reported twice', async () => {
    const operation = newDriftCheck('op-twice', 'grand', actor);
    queue.finish(operation, 'succeeded', drifted());
    queue.finish(operation, 'succeeded', drifted());
    await monitor.idle();
    expect(await repo.listDriftResults()).toHaveLength(1);
    expect(notifier.events).toHaveLength(1);
  });

  it('refuses to ignore for a period the message does not offer', async () => {
    await expect(
      ignoreDrift({ repo, controlPlane: queue }, 'grand', 3, actor),
    ).rejects.toMatchObject({ code: 'BLKSHP_INVALID_INPUT' });
  });
});
