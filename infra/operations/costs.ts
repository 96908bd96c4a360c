import { createHash } from 'node:crypto';
import type { PropertySpec } from '../properties/spec.ts';
import { canonicalJson } from '../stacks/config.ts';
import { monthlyEstimate } from '../tiers/index.ts';

/** The monthly estimate, in USD, of what this spec runs. */
export function estimateFor(spec: PropertySpec): number {
  return monthlyEstimate(spec.cloud, spec.tier, { pci: spec.pci }).totalUsd;
}

export function specHash(spec: PropertySpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}
