/**
 * The same three tags on every resource, in each cloud's own shape: key/value maps on AWS,
 * labels on GCP (lower-case values only), and `key:value` strings on DigitalOcean, whose tags
 * have no values.
 */
import { DEFAULT_BASELINE } from './baseline.ts';

export interface TagSource {
  slug: string;
  tier: string;
}

export function baselineTags(spec: TagSource): Record<string, string> {
  return { property: spec.slug, tier: spec.tier, 'managed-by': DEFAULT_BASELINE.managedBy };
}

export function gcpLabels(spec: TagSource): Record<string, string> {
  return baselineTags(spec);
}

export function digitalOceanTags(spec: TagSource): string[] {
  return Object.entries(baselineTags(spec)).map(([key, value]) => `${key}:${value}`);
}

/** Which of the baseline tag keys a tag map or DigitalOcean tag list lacks. */
export function missingTagKeys(tags: unknown): string[] {
  const keys = DEFAULT_BASELINE.tagKeys;
  if (Array.isArray(tags)) {
    const present = new Set(tags.map((tag) => String(tag).split(':')[0]));
    return keys.filter((key) => !present.has(key));
  }
  if (typeof tags === 'object' && tags !== null) {
    return keys.filter((key) => !(key in tags));
  }
  return [...keys];
}
