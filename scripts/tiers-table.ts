/**
 * Writes docs/tiers.md from the tier catalog and the price table, so that the document cannot
 * drift from the numbers the service uses. Run:
 * `node scripts/tiers-table.ts > docs/tiers.md && npx biome format --write docs/tiers.md`.
 */
import { renderTiersMarkdown } from '../infra/tiers/markdown.ts';

process.stdout.write(renderTiersMarkdown());
