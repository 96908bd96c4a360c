/**
 * Points the engine at the sandbox: per package, a directory holding a `pulumi-resource-<pkg>`
 * shim that runs this sandbox's entry with node. The result goes into the project settings as
 * `plugins.providers`; a project plugin with a path wins over PATH and the plugin cache.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SANDBOX_PACKAGES } from './model.ts';
import { writeAtomically } from './store.ts';
import { installedSdkVersion } from './version.ts';

export interface ProjectPluginSpec {
  name: string;
  path: string;
  version: string;
}

/**
 * The entry that matches how this module was loaded: `main.ts` from source (tests, `node` with
 * type stripping), `main.js` from the compiled `dist/`.
 */
export function sandboxEntry(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? './main.ts' : './main.js', here));
}

export async function prepareSandboxPlugins(dataDir: string): Promise<ProjectPluginSpec[]> {
  const entry = sandboxEntry();
  const specs: ProjectPluginSpec[] = [];
  for (const pkg of SANDBOX_PACKAGES) {
    const dir = join(dataDir, 'sandbox', 'plugins', pkg);
    await mkdir(dir, { recursive: true });
    const shim = join(dir, `pulumi-resource-${pkg}`);
    // `node` from PATH: the engine's PATH starts with the service's Node 24.
    await writeAtomically(shim, `#!/bin/sh\nexec node ${quote(entry)} ${pkg} "$@"\n`, 0o755);
    specs.push({ name: pkg, path: dir, version: installedSdkVersion(pkg) });
  }
  return specs;
}

function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
