/**
 * A stack's settings file (`Pulumi.<stack>.yaml`: its config, the generated secrets encrypted,
 * the passphrase salt) is kept in the database; the work directory holds the copy the CLI reads.
 * Before a run the copy is written from the database, and after the run's config is in step it
 * is stored back. Only the run holding the stack writes (one operation per stack, across
 * replicas too), so two writers never meet, and replicas need no shared disk for settings.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Repository } from '../storage/repository.ts';

export interface StackSettingsStore {
  /** The stored file of `<project>/<stack>`, or null when none is stored yet. */
  load(key: string): Promise<string | null>;
  save(key: string, content: string): Promise<void>;
}

export function repositorySettingsStore(
  repo: Pick<Repository, 'getStackSettings' | 'putStackSettings'>,
): StackSettingsStore {
  return {
    load: (key) => repo.getStackSettings(key),
    save: (key, content) => repo.putStackSettings(key, content, new Date().toISOString()),
  };
}

const settingsKey = (project: string, stack: string) => `${project}/${stack}`;

/**
 * By settings file: the content this process last read from or wrote to the store. Within a
 * run the stack is held, so this is the stored content and `storeSettings` need not read again.
 */
const synced = new Map<string, string>();

export const settingsFile = (workDir: string, stack: string) =>
  join(workDir, `Pulumi.${stack}.yaml`);

const readIfThere = (file: string) => readFile(file, 'utf8').catch(() => null);

/**
 * Writes the stored file into the work directory; true when that changed the copy there (so
 * whatever was cached from the old copy is stale). With nothing stored (a new stack, or one
 * from before the database kept settings) the copy on disk stays and is stored after the run.
 */
export async function restoreSettings(
  store: StackSettingsStore,
  workDir: string,
  project: string,
  stack: string,
): Promise<boolean> {
  const stored = await store.load(settingsKey(project, stack));
  if (stored === null) return false;
  const file = settingsFile(workDir, stack);
  synced.set(file, stored);
  if ((await readIfThere(file)) === stored) return false;
  // Written aside and renamed, so the CLI never reads half a file.
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, stored, { mode: 0o600 });
  await rename(temp, file);
  return true;
}

/** Stores the work directory's copy when it differs from what was last synced. */
export async function storeSettings(
  store: StackSettingsStore,
  workDir: string,
  project: string,
  stack: string,
): Promise<void> {
  const file = settingsFile(workDir, stack);
  const content = await readIfThere(file);
  if (content === null || synced.get(file) === content) return;
  await store.save(settingsKey(project, stack), content);
  synced.set(file, content);
}
