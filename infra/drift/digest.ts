/**
 * The daily fleet digest: where every property stands according to its latest drift check.
 * Building it is pure; `collectFleetDigest` reads what it needs from storage.
 */
import type { Repository } from '../storage/repository.ts';
import type { DriftResult } from './model.ts';

export interface DigestRow {
  property: string;
  checkedAt: string;
  summary: string;
}

export interface FleetDigest {
  at: string;
  counts: { inSync: number; drifted: number; failed: number; unchecked: number };
  drifted: DigestRow[];
  failed: DigestRow[];
  /** Properties whose notifications are ignored at `at`. */
  ignored: string[];
}

export interface DigestInput {
  property: string;
  latest: DriftResult | null;
  ignoredUntil: string | null;
}

export function buildFleetDigest(inputs: DigestInput[], at: Date): FleetDigest {
  const digest: FleetDigest = {
    at: at.toISOString(),
    counts: { inSync: 0, drifted: 0, failed: 0, unchecked: 0 },
    drifted: [],
    failed: [],
    ignored: [],
  };
  for (const { property, latest, ignoredUntil } of [...inputs].sort(byProperty)) {
    if (ignoredUntil && Date.parse(ignoredUntil) > at.getTime()) digest.ignored.push(property);
    if (!latest) {
      digest.counts.unchecked += 1;
    } else if (latest.status === 'in-sync') {
      digest.counts.inSync += 1;
    } else if (latest.status === 'drifted') {
      digest.counts.drifted += 1;
      const names = latest.resources.map((r) => r.name).join(', ');
      digest.drifted.push({ property, checkedAt: latest.checkedAt, summary: names });
    } else {
      digest.counts.failed += 1;
      digest.failed.push({ property, checkedAt: latest.checkedAt, summary: latest.error ?? '' });
    }
  }
  return digest;
}

function byProperty(a: DigestInput, b: DigestInput): number {
  return a.property.localeCompare(b.property);
}

export async function collectFleetDigest(
  repo: Pick<Repository, 'listProperties' | 'listDriftResults' | 'getDriftIgnore'>,
  at: Date = new Date(),
): Promise<FleetDigest> {
  const properties = await repo.listProperties();
  const inputs = await Promise.all(
    properties.map(async ({ slug }) => {
      const [latest] = await repo.listDriftResults({ property: slug, limit: 1 });
      const ignore = await repo.getDriftIgnore(slug);
      return { property: slug, latest: latest ?? null, ignoredUntil: ignore?.until ?? null };
    }),
  );
  return buildFleetDigest(inputs, at);
}
