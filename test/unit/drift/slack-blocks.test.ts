import { describe, expect, it } from 'vitest';
import { buildFleetDigest } from '../../../infra/drift/digest.ts';
import type { DriftNotification, DriftResult } from '../../../infra/drift/model.ts';
import {
  DRIFT_IGNORE_ACTION,
  DRIFT_REMEDIATE_ACTION,
  driftNotificationBlocks,
  driftNotificationText,
  fleetDigestBlocks,
  fleetDigestText,
  parseIgnoreValue,
} from '../../../infra/drift/slack-blocks.ts';

const drifted: DriftNotification = {
  id: 'e1',
  type: 'drift.detected',
  property: 'grand',
  operationId: 'op-1',
  checkedAt: '2025-01-01T00:00:00.000Z',
  status: 'drifted',
  previousStatus: 'in-sync',
  resources: [
    {
      urn: 'urn:pulumi:grand::blkshp-property::digitalocean:index/droplet:Droplet::app',
      type: 'digitalocean:index/droplet:Droplet',
      name: 'app',
      op: 'update',
      changes: [
        { path: 'size', kind: 'update', old: 's-2vcpu', new: '<b>&big', forcesReplacement: false },
      ],
    },
  ],
  error: null,
};

describe('drift Block Kit', () => {
  it('shows old → new values, escaped, with Remediate and Ignore controls', () => {
    const json = JSON.stringify(driftNotificationBlocks(drifted));
    expect(json).toContain('`s-2vcpu` → `&lt;b&gt;&amp;big`');
    const actions = driftNotificationBlocks(drifted).find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      elements: [
        { action_id: DRIFT_REMEDIATE_ACTION, value: 'grand' },
        {
          action_id: DRIFT_IGNORE_ACTION,
          options: [{ value: 'grand:1' }, { value: 'grand:7' }, { value: 'grand:30' }],
        },
      ],
    });
    expect(driftNotificationText(drifted)).toBe('grand drifted from its stack (1 resource: app)');
  });

  it('offers no buttons once the property is back in sync', () => {
    const resolved = { ...drifted, type: 'drift.resolved' as const, status: 'in-sync' as const };
    expect(driftNotificationBlocks(resolved).some((b) => b.type === 'actions')).toBe(false);
    expect(driftNotificationText(resolved)).toBe('grand is back in sync');
  });

  it.each([
    ['grand:7', { slug: 'grand', days: 7 }],
    ['grand-hotel-2:30', { slug: 'grand-hotel-2', days: 30 }],
    ['grand:3', null],
    ['grand', null],
    ['Grand:1', null],
  ])('reads the ignore value %s', (value, expected) => {
    expect(parseIgnoreValue(value)).toEqual(expected);
  });

  it('builds a fleet digest with counts, drifted and failing properties', () => {
    const result = (status: DriftResult['status']): DriftResult => ({
      id: 1,
      property: 'x',
      operationId: 'op',
      checkedAt: '2025-01-01T00:00:00.000Z',
      status,
      resources: status === 'drifted' ? drifted.resources : [],
      error: status === 'failed' ? 'engine exploded' : null,
      signature: null,
      suppressed: false,
    });
    const digest = buildFleetDigest(
      [
        { property: 'c', latest: result('failed'), ignoredUntil: null },
        { property: 'a', latest: result('drifted'), ignoredUntil: '2025-01-05T00:00:00.000Z' },
        { property: 'b', latest: result('in-sync'), ignoredUntil: null },
        { property: 'd', latest: null, ignoredUntil: null },
      ],
      new Date('2025-01-02T00:00:00Z'),
    );
    expect(digest.counts).toEqual({ inSync: 1, drifted: 1, failed: 1, unchecked: 1 });
    expect(digest.drifted).toEqual([expect.objectContaining({ property: 'a', summary: 'app' })]);
    expect(digest.ignored).toEqual(['a']);
    expect(fleetDigestText(digest)).toBe(
      'Drift digest: 1 in sync, 1 drifted, 1 failing, 1 not checked',
    );
    expect(JSON.stringify(fleetDigestBlocks(digest))).toContain('engine exploded');
  });
});
