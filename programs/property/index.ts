/**
 * The property program: a pure function of a validated spec and its secrets, run inline by
 * the control plane through the Automation API (project `blkshp-property`). It reads no files
 * and no stack config, so it behaves the same wherever the calling process runs.
 */
import type { PropertySpec } from '../../infra/properties/spec.ts';
import { awsProgram } from './aws.ts';
import { createContext, type PropertyOutputs, type PropertySecrets } from './context.ts';
import { digitalOceanProgram } from './digitalocean.ts';
import { gcpProgram } from './gcp.ts';

export type { PropertyOutputs, PropertySecrets } from './context.ts';
export { PROPERTY_INVOKE_TOKENS, PROPERTY_RESOURCE_TYPES } from './resource-types.ts';

export const PROPERTY_PROJECT = 'blkshp-property';

export function createPropertyProgram(
  spec: PropertySpec,
  secrets: PropertySecrets,
): () => Promise<Record<string, unknown>> {
  return async () => {
    const ctx = createContext(spec, secrets);
    const outputs: PropertyOutputs =
      spec.cloud === 'digitalocean'
        ? digitalOceanProgram(ctx)
        : spec.cloud === 'gcp'
          ? gcpProgram(ctx)
          : await awsProgram(ctx);
    return { ...outputs };
  };
}
