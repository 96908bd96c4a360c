/**
 * What deploying the control plane itself to DigitalOcean takes: a region, how many replicas,
 * sizes, who may SSH in, the container image and the public name. Validated before any
 * resource is declared, with one issue per bad field.
 */
import { z } from 'zod';
import type { FieldIssue } from '../../infra/errors.ts';

const cidr = z
  .string()
  .regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'must be a CIDR block such as 203.0.113.0/24');

export const deploymentConfigSchema = z.object({
  /** A DigitalOcean region slug. */
  region: z.string().regex(/^[a-z]{3}\d$/, 'must be a region slug such as nyc3'),
  /** The public host name; its certificate comes from Let's Encrypt through DigitalOcean. */
  domain: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'must be a lower-case host name'),
  replicas: z.number().int().min(1).max(5).default(2),
  dropletSize: z.string().min(1).default('s-2vcpu-4gb'),
  databaseSize: z.string().min(1).default('db-s-1vcpu-2gb'),
  /** 2 or 3 gives a standby that takes over on failure. */
  databaseNodes: z.number().int().min(1).max(3).default(2),
  /** Where SSH is allowed from; empty means no SSH at all. */
  adminCidrs: z.array(cidr).max(20).default([]),
  /** Fingerprints or ids of SSH keys already in the DigitalOcean account. */
  sshKeys: z.array(z.string().min(1)).max(20).default([]),
  /** The control plane's image, pinned: a tag or better a digest. */
  image: z.string().regex(/^[\w.\-/:@]+$/, 'must be an image reference'),
});

export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;

export function parseDeploymentConfig(
  input: unknown,
): { ok: true; config: DeploymentConfig } | { ok: false; issues: FieldIssue[] } {
  const parsed = deploymentConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || '(config)',
      message: issue.message,
    })),
  };
}
