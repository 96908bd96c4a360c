/**
 * Whether an apply may go ahead. Pure: the caller gathers the facts, this decides. Refusals are
 * data with a stable code, shown to the user as they are.
 */

import { hasMandatoryViolation } from '../changes/model.ts';
import type { Actor, RefusalCode } from '../control-plane-api.ts';
import type { Operation } from '../operations/model.ts';
import type { PropertySpec } from '../properties/spec.ts';

export type ApplyDecision = { ok: true } | { ok: false; code: RefusalCode; reason: string };

export interface ApplyFacts {
  preview: Operation | null;
  spec: PropertySpec | null;
  actor: Actor;
  now: Date;
  maxAgeMinutes: number;
  /** Hash of the spec now, compared with the one the preview ran with. */
  currentSpecHash: string;
  previewSpecHash: string | null;
  /** True when an apply of this preview already ran or is queued. */
  alreadyApplied: boolean;
}

/** Properties whose changes need a second person: PCI scope and the enterprise tier. */
export function needsSecondPerson(spec: Pick<PropertySpec, 'pci' | 'tier'>): boolean {
  return spec.pci || spec.tier === 'enterprise';
}

export function decideApply(facts: ApplyFacts): ApplyDecision {
  const { preview, spec } = facts;
  if (!preview || !spec) return refuse('not-found', 'That preview does not exist.');
  if (preview.kind !== 'preview') {
    return refuse('not-a-preview', `Operation ${preview.id} is a ${preview.kind}, not a preview.`);
  }
  if (preview.status !== 'succeeded' || !preview.changeSet) {
    return refuse(
      'preview-not-succeeded',
      `Preview ${preview.id} is ${preview.status}; only a succeeded preview can be applied.`,
    );
  }
  if (facts.alreadyApplied) {
    return refuse('already-finished', `Preview ${preview.id} has already been applied.`);
  }
  const finishedAt = Date.parse(preview.finishedAt ?? preview.createdAt);
  const ageMinutes = (facts.now.getTime() - finishedAt) / 60_000;
  if (ageMinutes > facts.maxAgeMinutes) {
    return refuse(
      'preview-too-old',
      `Preview ${preview.id} is ${Math.floor(ageMinutes)} minutes old (limit ` +
        `${facts.maxAgeMinutes}); run a new preview.`,
    );
  }
  if (facts.previewSpecHash !== null && facts.previewSpecHash !== facts.currentSpecHash) {
    return refuse(
      'stale-preview',
      `The spec of ${preview.property} changed after preview ${preview.id}; run a new preview.`,
    );
  }
  if (hasMandatoryViolation(preview.changeSet)) {
    return refuse(
      'policy-violation',
      `Preview ${preview.id} violates a mandatory security policy; fix the spec and preview again.`,
    );
  }
  if (needsSecondPerson(spec) && facts.actor.id === preview.actor) {
    return refuse(
      'two-person-rule',
      `${preview.property} is ${spec.pci ? 'PCI-scoped' : 'enterprise tier'}: ` +
        'someone other than the requester must approve this change.',
    );
  }
  return { ok: true };
}

function refuse(code: RefusalCode, reason: string): ApplyDecision {
  return { ok: false, code, reason };
}
