import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The installed SDK's version: the engine asks for exactly this version of the plugin. */
export function installedSdkVersion(pkg: string): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`@pulumi/${pkg}/package.json`);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
