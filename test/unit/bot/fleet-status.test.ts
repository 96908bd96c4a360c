import { describe, expect, it } from 'vitest';
import { statusView } from '../../../bot/views/fleet.ts';
import type { PropertyRecord } from '../../../infra/control-plane-api.ts';
import type { DriftResult } from '../../../infra/drift/model.ts';
import { parsePropertySpec } from '../../../infra/properties/spec.ts';
import { testPropertyInput } from '../../support/properties.ts';

describe('the status view', () => {
  it('lists the recent drift history with the drifted resources', () => {
    const parsed = parsePropertySpec(testPropertyInput('harbour-view'));
    if (!parsed.ok) throw new Error('bad fixture');
    const record: PropertyRecord = {
      spec: parsed.spec,
      sandbox: true,
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
      outputs: null,
      lastOperation: null,
      drift: { status: 'drifted', checkedAt: '2026-12-02T06:17:00.000Z', changeSet: null },
      monthlyEstimateUsd: 34,
    };
    const history: DriftResult[] = [
      {
        id: 1,
        property: 'harbour-view',
        operationId: 'op-1',
        checkedAt: '2026-12-02T06:17:00.000Z',
        status: 'drifted',
        resources: [
          {
            urn: 'urn:x::app',
            type: 'digitalocean:index/droplet:Droplet',
            name: 'app',
            op: 'update',
            changes: [],
          },
        ],
        error: null,
        signature: 'abc',
        suppressed: false,
      },
    ];
    const view = statusView(record, history);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Drift history');
    expect(text).toContain('2026-12-02T06:17:00.000Z drifted: app');
  });
});
