/**
 * The project's root directory, found from this module's location whether it runs from source
 * (`infra/`) or compiled (`dist/infra/`): files such as scripts/toolchain.env and the policy pack
 * are read from the source tree in both cases.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'toolchain.env'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (scripts/toolchain.env)');
    dir = parent;
  }
}
