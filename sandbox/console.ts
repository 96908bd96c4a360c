/**
 * Changing the sandbox behind the engine's back, the way a person in a cloud console would:
 * open a port, resize a droplet, drop a lifecycle rule, delete a resource. The next refresh
 * reads the change back, which is how drift is shown and tested.
 */
import { setPath, unsetPath } from './paths.ts';
import {
  mutateStackFile,
  readStackFile,
  removeStack,
  type SandboxRecord,
  stackPackages,
} from './store.ts';

export interface ResourceSelector {
  /**
   * Full token (`digitalocean:index/firewall:Firewall`), short form (`digitalocean:Firewall`)
   * or class name (`Firewall`); case-insensitive except for the full token.
   */
  type?: string;
  /** The logical name in the program, or the cloud id. */
  name: string;
}

export interface SandboxResource extends SandboxRecord {
  package: string;
}

export class SandboxSelectionError extends Error {
  readonly code = 'SANDBOX_RESOURCE_NOT_FOUND';
}

export async function listSandboxResources(dir: string, stack: string): Promise<SandboxResource[]> {
  const all: SandboxResource[] = [];
  for (const pkg of await stackPackages(dir, stack)) {
    const file = await readStackFile(dir, stack, pkg);
    for (const record of file.resources) all.push({ ...record, package: pkg });
  }
  return all;
}

function typeMatches(type: string, wanted: string): boolean {
  if (type === wanted) return true;
  const className = type.split(':').at(-1) ?? '';
  const short = `${type.split(':')[0]}:${className}`.toLowerCase();
  const w = wanted.toLowerCase();
  return w === short || w === className.toLowerCase();
}

/** The one resource `selector` names, or a plain error that lists what there is. */
async function select(
  dir: string,
  stack: string,
  selector: ResourceSelector,
): Promise<SandboxResource> {
  const all = await listSandboxResources(dir, stack);
  const found = all.filter(
    (r) =>
      (r.name === selector.name || r.id === selector.name) &&
      (selector.type === undefined || typeMatches(r.type, selector.type)),
  );
  const [only] = found;
  if (only && found.length === 1) return only;
  const what = selector.type ? `${selector.type} "${selector.name}"` : `"${selector.name}"`;
  if (found.length > 1) {
    const types = found.map((r) => r.type).join(', ');
    throw new SandboxSelectionError(
      `${what} is ambiguous in stack ${stack} (${types}): add a type`,
    );
  }
  const names = all.map((r) => `${r.name} (${r.type})`).join(', ') || 'none';
  throw new SandboxSelectionError(
    `no sandbox resource ${what} in stack ${stack}; there are: ${names}`,
  );
}

/**
 * Sets (dotted paths, `+` appends to a list) and unsets properties on one resource, as its
 * cloud console would: inputs and outputs both change, so a refresh reports exactly this.
 * Computed attributes that depend on the change are left as they were.
 */
export async function changeSandboxResource(
  dir: string,
  stack: string,
  selector: ResourceSelector,
  set: Record<string, unknown>,
  unset: string[] = [],
): Promise<SandboxResource> {
  const target = await select(dir, stack, selector);
  return mutateStackFile(dir, stack, target.package, (file) => {
    const record = file.resources.find((r) => r.type === target.type && r.id === target.id);
    if (!record) throw new SandboxSelectionError(`${target.type} ${target.id} vanished meanwhile`);
    for (const [path, value] of Object.entries(set)) {
      // An attribute only the cloud reports (a status, an address) is not an input.
      if (isInputPath(record, path)) setPath(record.inputs, path, structuredClone(value));
      setPath(record.outputs, path, structuredClone(value));
    }
    for (const path of unset) {
      unsetPath(record.inputs, path);
      unsetPath(record.outputs, path);
    }
    record.updatedAt = new Date().toISOString();
    return { ...record, package: target.package };
  });
}

function isInputPath(record: SandboxRecord, path: string): boolean {
  const top = path.split(/[.[]/)[0] ?? path;
  return top in record.inputs || !(top in record.outputs);
}

/** Deletes one resource out of band; the next refresh reports it gone. */
export async function deleteSandboxResource(
  dir: string,
  stack: string,
  selector: ResourceSelector,
): Promise<SandboxResource> {
  const target = await select(dir, stack, selector);
  await mutateStackFile(dir, stack, target.package, (file) => {
    file.resources = file.resources.filter((r) => !(r.type === target.type && r.id === target.id));
  });
  return target;
}

/** Forgets everything a stack holds in the sandbox (after the stack itself is removed). */
export async function removeSandboxStack(dir: string, stack: string): Promise<void> {
  await removeStack(dir, stack);
}
