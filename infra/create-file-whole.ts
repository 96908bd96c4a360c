/**
 * Creates a file only if it does not exist, with its content already in it: the content goes to
 * a private temporary file, which is then linked into place. link(2) fails when the name exists,
 * so two processes cannot both create the file, and nobody (a reader, a process started after a
 * crash) ever sees it empty or half written.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, rm } from 'node:fs/promises';

export interface CreateFileOptions {
  mode?: number;
  /** fsync before linking: for files whose loss after a power cut would lose data. */
  sync?: boolean;
}

/** True when this call created `path`; false when it already existed. */
export async function createFileWhole(
  path: string,
  content: string,
  { mode = 0o600, sync = false }: CreateFileOptions = {},
): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      mode,
    );
    try {
      await handle.writeFile(content);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}
