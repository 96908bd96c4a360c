import { describe, expect, it } from 'vitest';
import { type ApplyFacts, decideApply } from '../../../infra/approvals/rules.ts';
import type { ChangeSet } from '../../../infra/changes/model.ts';
import type { Operation } from '../../../infra/operations/model.ts';
import type { PropertySpec } from '../../../infra/properties/spec.ts';

const changeSet: ChangeSet = {
  kind: 'preview',
  property: 'harbour',
  sandbox: true,
  resources: [],
  counts: {},
  findings: [],
  errors: [],
  costDelta: null,
};

const preview: Operation = {
  id: 'prev-1',
  property: 'harbour',
  kind: 'preview',
  status: 'succeeded',
  priority: 'interactive',
  actor: 'slack:UREQUESTER',
  channel: 'slack:C1',
  createdAt: '2026-12-03T10:00:00.000Z',
  startedAt: '2026-12-03T10:00:01.000Z',
  finishedAt: '2026-12-03T10:01:00.000Z',
  previewId: null,
  summary: 'preview',
  changeSet,
  outputs: null,
  error: null,
  fingerprint: 'spec.stack',
};

const spec = { slug: 'harbour', tier: 'standard', pci: false } as PropertySpec;

function facts(overrides: Partial<ApplyFacts> = {}): ApplyFacts {
  return {
    preview,
    spec,
    actor: { id: 'slack:UAPPROVER', channel: 'slack:C1' },
    now: new Date('2026-12-03T10:05:00.000Z'),
    maxAgeMinutes: 60,
    currentSpecHash: 'spec',
    previewSpecHash: 'spec',
    alreadyApplied: false,
    ...overrides,
  };
}

describe('decideApply', () => {
  it('allows a fresh, clean, succeeded preview', () => {
    expect(decideApply(facts())).toEqual({ ok: true });
  });

  it.each([
    ['a missing preview', { preview: null }, 'not-found'],
    [
      'an operation that is not a preview',
      { preview: { ...preview, kind: 'refresh' } },
      'not-a-preview',
    ],
    ['a failed preview', { preview: { ...preview, status: 'failed' } }, 'preview-not-succeeded'],
    ['a preview applied before', { alreadyApplied: true }, 'already-finished'],
    [
      'a preview older than the limit',
      { now: new Date('2026-12-03T12:00:00.000Z') },
      'preview-too-old',
    ],
    ['a spec changed since the preview', { currentSpecHash: 'changed' }, 'stale-preview'],
  ] as const)('refuses %s', (_label, overrides, code) => {
    const decision = decideApply(facts(overrides as Partial<ApplyFacts>));
    expect(decision).toMatchObject({ ok: false, code });
  });

  it('refuses a preview that carried a mandatory policy violation', () => {
    const violating: ChangeSet = {
      ...changeSet,
      findings: [{ policy: 'no-public-ssh', pack: 'baseline', level: 'mandatory', message: 'x' }],
    };
    const decision = decideApply(facts({ preview: { ...preview, changeSet: violating } }));
    expect(decision).toMatchObject({ ok: false, code: 'policy-violation' });
  });

  it('lets an advisory finding through', () => {
    const advisory: ChangeSet = {
      ...changeSet,
      findings: [{ policy: 'tags', pack: 'baseline', level: 'advisory', message: 'x' }],
    };
    expect(decideApply(facts({ preview: { ...preview, changeSet: advisory } }))).toEqual({
      ok: true,
    });
  });

  it.each([
    ['an enterprise property', { ...spec, tier: 'enterprise' }],
    ['a PCI property', { ...spec, pci: true }],
  ] as const)('refuses self-approval of %s', (_label, strictSpec) => {
    const self = { id: preview.actor, channel: 'slack:C1' };
    const decision = decideApply(facts({ spec: strictSpec as PropertySpec, actor: self }));
    expect(decision).toMatchObject({ ok: false, code: 'two-person-rule' });
  });

  it('lets the requester apply their own standard-tier change', () => {
    const self = { id: preview.actor, channel: 'slack:C1' };
    expect(decideApply(facts({ actor: self }))).toEqual({ ok: true });
  });
});
