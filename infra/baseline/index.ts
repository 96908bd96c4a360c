export { type Baseline, baselineFor, DEFAULT_BASELINE, PCI_BASELINE } from './baseline.ts';
export {
  baselineTags,
  digitalOceanTags,
  gcpLabels,
  missingTagKeys,
  type TagSource,
} from './tags.ts';
