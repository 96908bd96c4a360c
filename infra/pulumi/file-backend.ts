/**
 * The `file://` state backend, made safe against a crash. Pulumi's file backend (gocloud's
 * fileblob) lands each checkpoint atomically (temp file, then rename), but first writes a
 * `<file>.attrs` metadata sidecar in place. A process killed inside that write leaves an empty
 * sidecar, and every later command on the stack then fails with "failed to load checkpoint: EOF"
 * until someone deletes it by hand. The sidecar carries nothing Pulumi needs (a content type and
 * an MD5), so the service asks fileblob not to write it, and removes a damaged one left behind
 * by an older run or by a URL that asked for sidecars.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

const SIDECAR = '.attrs';

/** `url` with fileblob's `metadata=skip`, unless the URL already chose a metadata mode. */
export function withoutSidecars(url: string): string {
  if (!url.startsWith('file://')) return url;
  const parsed = new URL(url);
  if (parsed.searchParams.has('metadata')) return url;
  parsed.searchParams.set('metadata', 'skip');
  return parsed.toString();
}

// The checkpoint of a stack is `<stack>.json`, gzip- or zstd-compressed when Pulumi is told
// to, each with a `.bak` copy; a sidecar is the file's name plus `.attrs`.
const CHECKPOINT_EXTENSIONS = ['.json', '.json.gz', '.json.zst'];

/**
 * Removes the sidecars of `stackName`'s checkpoint files (in `<state>/.pulumi/stacks/<project>/`)
 * that do not hold a JSON object. Looks only at that stack's own names: it runs before every
 * operation, and the directory holds every stack of the fleet. Returns the names it removed.
 */
export async function removeDamagedSidecars(
  backendUrl: string,
  projectName: string,
  stackName: string,
  logger?: Logger,
): Promise<string[]> {
  if (!backendUrl.startsWith('file://')) return [];
  const dir = join(fileURLToPath(backendUrl), '.pulumi', 'stacks', projectName);
  const sidecars = CHECKPOINT_EXTENSIONS.flatMap((ext) => [
    `${stackName}${ext}${SIDECAR}`,
    `${stackName}${ext}.bak${SIDECAR}`,
  ]);
  const removed: string[] = [];
  for (const name of sidecars) {
    const path = join(dir, name);
    if (await isDamaged(path)) {
      await rm(path, { force: true });
      removed.push(name);
    }
  }
  if (removed.length > 0) {
    logger?.warn({ stack: stackName, removed }, 'removed damaged state metadata sidecars');
  }
  return removed;
}

/** True for a sidecar that exists and does not hold a JSON object. */
async function isDamaged(path: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed !== 'object' || parsed === null;
  } catch {
    return true;
  }
}
