/** The tier catalog with each tier's monthly estimate on each cloud. */
import { listTiers, monthlyEstimate } from '../../infra/tiers/index.ts';
import { formatUsd } from './format.ts';
import { type Block, context, escapeMrkdwn, header, sectionsOf } from './limits.ts';

export function tiersView(): { text: string; blocks: Block[] } {
  const tiers = listTiers();
  const lines = tiers.map((tier) => {
    const estimate = monthlyEstimate(tier.cloud, tier.name);
    const price = `~${formatUsd(estimate.totalUsd)}/mo`;
    return `*${tier.name}* on ${tier.cloud}: ${price} · ${escapeMrkdwn(tier.summary)}`;
  });
  const asOf = tiers[0] ? monthlyEstimate(tiers[0].cloud, tiers[0].name).asOf : 'unknown';
  return {
    text: 'BLKSHP tiers',
    blocks: [
      header('Tiers'),
      ...sectionsOf(lines, 9000),
      context(`Prices as of ${asOf}; PCI adds a NAT gateway where needed.`),
    ],
  };
}
