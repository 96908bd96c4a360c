import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOUDS } from '../../../infra/properties/regions.ts';
import {
  getTier,
  listTiers,
  monthlyEstimate,
  PRICES,
  planWorkers,
  TIER_NAMES,
  usableMemoryMb,
} from '../../../infra/tiers/index.ts';
import { renderTiersMarkdown } from '../../../infra/tiers/markdown.ts';

const ALL = CLOUDS.flatMap((cloud) => TIER_NAMES.map((tier) => ({ cloud, tier })));

describe('tier catalog', () => {
  it('defines every tier on every cloud', () => {
    expect(listTiers()).toHaveLength(9);
    expect(TIER_NAMES).toEqual(['starter', 'standard', 'enterprise']);
  });

  it.each(ALL)('gives a dedicated $cloud $tier database at least 2 vCPU and 8 GB', (c) => {
    const db = getTier(c.cloud, c.tier).database;
    if (db.placement === 'app-vm') return;
    expect(db.machine?.vcpu).toBeGreaterThanOrEqual(2);
    expect(db.machine?.memoryGb).toBeGreaterThanOrEqual(8);
  });

  it.each(CLOUDS)('makes enterprise on %s highly available with off-region backups', (cloud) => {
    const tier = getTier(cloud, 'enterprise');
    expect(tier.app.count).toBeGreaterThanOrEqual(2);
    expect(tier.worker).not.toBeNull();
    expect(tier.database.replica || tier.database.multiAz).toBe(true);
    expect(tier.backup.crossRegionCopy).toBe(true);
    expect(tier.deletionProtection).toBe(true);
  });

  it('asks for longer retention on higher tiers', () => {
    const days = TIER_NAMES.map((t) => getTier('gcp', t).backup.minRetentionDays);
    expect(days).toEqual([...days].sort((a, b) => a - b));
  });
});

describe('worker formula', () => {
  it('follows Frappe Cloud usable memory: the larger of RAM - 3000 MB and 75 %', () => {
    expect(usableMemoryMb(4096)).toBe(3072);
    expect(usableMemoryMb(16384)).toBe(13384);
  });

  it('caps gunicorn by CPU and sizes background sets from 40 % of usable memory', () => {
    expect(planWorkers({ memoryMb: 8192, vcpu: 2 })).toEqual({
      usableMb: 6144,
      gunicornWorkers: 5,
      backgroundSets: 4,
      shortWorkers: 8,
      longWorkers: 4,
    });
  });

  it('leaves room for MariaDB on a shared machine', () => {
    const shared = planWorkers({ memoryMb: 4096, vcpu: 2, databaseMb: 1024 });
    expect(shared.usableMb).toBe(2048);
    expect(shared.backgroundSets).toBe(3);
  });

  it('refuses a machine too small for a bench', () => {
    expect(() => planWorkers({ memoryMb: 512, vcpu: 1 })).toThrow(/needs 400 MB/);
  });
});

describe('monthly estimate', () => {
  it.each(ALL)('prices $cloud $tier from lines that add up', (c) => {
    const estimate = monthlyEstimate(c.cloud, c.tier);
    const sum = estimate.lines.reduce((total, line) => total + line.totalUsd, 0);
    expect(estimate.totalUsd).toBeCloseTo(sum, 2);
    expect(estimate.asOf).toBe(PRICES.asOf);
    expect(estimate.source).toMatch(/^https:\/\//);
  });

  it.each(CLOUDS)('grows from tier to tier on %s', (cloud) => {
    const totals = TIER_NAMES.map((tier) => monthlyEstimate(cloud, tier).totalUsd);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
  });

  it('adds the NAT gateway to PCI properties', () => {
    const plain = monthlyEstimate('aws', 'standard').totalUsd;
    expect(monthlyEstimate('aws', 'standard', { pci: true }).totalUsd).toBeGreaterThan(plain);
  });

  it('prices DigitalOcean starter as droplet, volume and Spaces', () => {
    expect(monthlyEstimate('digitalocean', 'starter')).toMatchObject({
      totalUsd: 34,
      lines: [
        { item: 'droplet s-2vcpu-4gb', totalUsd: 24 },
        { item: 'volume/GB', quantity: 50, totalUsd: 5 },
        { item: 'spaces subscription', totalUsd: 5 },
      ],
    });
  });
});

describe('docs/tiers.md', () => {
  it('matches the catalog and the estimates (regenerate with scripts/tiers-table.ts)', () => {
    const doc = readFileSync(new URL('../../../docs/tiers.md', import.meta.url), 'utf8');
    expect(normalise(doc)).toBe(normalise(renderTiersMarkdown()));
    for (const { cloud, tier } of ALL) {
      expect(normalise(doc)).toContain(`|${monthlyEstimate(cloud, tier).totalUsd.toFixed(2)}|`);
    }
  });
});

/** Biome pads Markdown tables; compare cell contents, not alignment. */
function normalise(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split('|')
            .map((cell) => cell.trim().replace(/^-+(:?)$/, '---$1'))
            .join('|')
        : line,
    )
    .join('\n');
}
