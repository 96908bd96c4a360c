/** A stored property and a drifted check of it, for tests of what reads drift history. */
import type { NewDriftResult } from '../../infra/drift/model.ts';
import type { Repository } from '../../infra/storage/repository.ts';

/** A property row with a stand-in spec: enough for code that only lists slugs. */
export function storedPropertyRow(slug: string) {
  const at = '2025-01-01T00:00:00.000Z';
  return {
    slug,
    spec: { slug } as never,
    sandbox: true,
    createdAt: at,
    updatedAt: at,
    outputs: null,
  };
}

export async function insertPropertyRow(repo: Pick<Repository, 'insertProperty'>, slug: string) {
  await repo.insertProperty(storedPropertyRow(slug));
}

export function driftedResult(property: string, operationId: string): NewDriftResult {
  return {
    property,
    operationId,
    checkedAt: '2025-01-01T00:05:00.000Z',
    status: 'drifted',
    resources: [
      {
        urn: `urn:pulumi:${property}::blkshp-property::digitalocean:index/droplet:Droplet::app`,
        type: 'digitalocean:index/droplet:Droplet',
        name: 'app',
        op: 'update',
        changes: [{ path: 'size', kind: 'update', old: 'a', new: 'b', forcesReplacement: false }],
      },
    ],
    error: null,
    signature: 'sig',
    suppressed: false,
  };
}
