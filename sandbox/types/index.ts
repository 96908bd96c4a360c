/** The per-cloud tables, and the fallback that keeps an unlisted type from breaking a preview. */
import { mint, type PackageTable, type SandboxPackage, type TypeSpec } from '../model.ts';
import { awsTable } from './aws.ts';
import { digitaloceanTable } from './digitalocean.ts';
import { gcpTable } from './gcp.ts';

export const TABLES: Readonly<Record<SandboxPackage, PackageTable>> = {
  digitalocean: digitaloceanTable,
  gcp: gcpTable,
  aws: awsTable,
};

/** Unknown types get a random id and outputs equal to their inputs. */
export const GENERIC_SPEC: TypeSpec = { id: () => `sandbox-${mint.hex(12)}` };

export function specFor(type: string): TypeSpec {
  const pkg = type.split(':')[0] as SandboxPackage;
  return TABLES[pkg]?.resources[type] ?? GENERIC_SPEC;
}
