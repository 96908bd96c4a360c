export {
  CATALOG,
  getTier,
  listTiers,
  type Machine,
  minRetentionDays,
  TIER_NAMES,
  type TierDefinition,
  type TierName,
} from './catalog.ts';
export { databaseNodes, type MonthlyEstimate, monthlyEstimate } from './estimate.ts';
export { PRICES, priceOf } from './prices.ts';
export { innodbBufferPoolMb, planWorkers, usableMemoryMb, type WorkerPlan } from './workers.ts';
