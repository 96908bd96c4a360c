import { describe, expect, it } from 'vitest';
import type { DriftResult } from '../../../infra/drift/model.ts';
import { driftResultOf, driftSignature, driftTransition } from '../../../infra/drift/results.ts';
import { sampleChangeSet } from '../../support/fake-control-plane.ts';
import { newDriftCheck } from '../../support/fake-drift-queue.ts';

type Past = Pick<DriftResult, 'status' | 'signature' | 'suppressed'>;
const inSync: Past = { status: 'in-sync', signature: null, suppressed: false };
const driftA: Past = { status: 'drifted', signature: 'A', suppressed: false };
const driftB: Past = { status: 'drifted', signature: 'B', suppressed: false };
const failed: Past = { status: 'failed', signature: null, suppressed: false };
const hidden = (r: Past): Past => ({ ...r, suppressed: true });

describe('driftTransition', () => {
  it.each<[string, Past, Past[], string | null]>([
    ['first check in sync', inSync, [], null],
    ['first check drifted', driftA, [], 'drift.detected'],
    ['newly drifted', driftA, [inSync], 'drift.detected'],
    ['the same drift again', driftA, [driftA, inSync], null],
    ['a different drift', driftB, [driftA], 'drift.changed'],
    ['drift resolved', inSync, [driftA], 'drift.resolved'],
    ['still in sync', inSync, [inSync, driftA], null],
    ['checks start failing', failed, [driftA], 'drift.check_failing'],
    ['checks still failing', failed, [failed, inSync], null],
    ['recovered in sync', inSync, [failed, driftA], 'drift.check_recovered'],
    ['recovered with the drift it had', driftA, [failed, driftA], 'drift.check_recovered'],
    ['recovered with other drift', driftB, [failed, driftA], 'drift.changed'],
    ['recovered into new drift', driftA, [failed, inSync], 'drift.detected'],
    ['drift still there after an ignore ended', driftA, [hidden(driftA), driftA], 'drift.detected'],
    ['resolved after an ignore ended', inSync, [hidden(driftA), driftA], 'drift.resolved'],
  ])('%s', (_label, current, history, expected) => {
    expect(driftTransition(current, history)?.type ?? null).toBe(expected);
  });
});

describe('driftResultOf', () => {
  const actor = { id: 'schedule', channel: 'schedule' };

  it('reports changed resources with old → new values and a signature', () => {
    const op = {
      ...newDriftCheck('op-1', 'grand', actor),
      status: 'succeeded' as const,
      finishedAt: '2025-01-01T00:00:00.000Z',
      changeSet: sampleChangeSet('grand'),
    };
    const result = driftResultOf(op);
    expect(result).toMatchObject({ status: 'drifted', checkedAt: '2025-01-01T00:00:00.000Z' });
    expect(result?.resources.map((r) => r.name)).toEqual(['app', 'fw']);
    expect(result?.resources[0]?.changes[0]).toMatchObject({
      old: 's-2vcpu-4gb',
      new: 's-4vcpu-8gb',
    });
    expect(result?.signature).toBe(driftSignature([...(result?.resources ?? [])].reverse()));
  });

  it('reports a failed check with its error, and ignores cancelled ones', () => {
    const base = newDriftCheck('op-2', 'grand', actor);
    expect(driftResultOf({ ...base, status: 'failed', error: 'boom' })).toMatchObject({
      status: 'failed',
      error: 'boom',
    });
    expect(driftResultOf({ ...base, status: 'cancelled' })).toBeNull();
    expect(driftResultOf({ ...base, kind: 'preview', status: 'succeeded' })).toBeNull();
  });

  it('tells different values apart in the signature', () => {
    const resource = (v: unknown) => ({
      urn: 'u',
      type: 't',
      name: 'n',
      op: 'update' as const,
      changes: [
        {
          path: 'tags',
          kind: 'update' as const,
          old: { a: 1, b: 2 },
          new: v,
          forcesReplacement: false,
        },
      ],
    });
    expect(driftSignature([resource({ b: 3, a: 1 })])).toBe(
      driftSignature([resource({ a: 1, b: 3 })]),
    );
    expect(driftSignature([resource({ a: 1 })])).not.toBe(driftSignature([resource({ a: 2 })]));
  });
});
