/**
 * The passphrase that encrypts every stack's secrets when no KMS provider is configured.
 * Generated once into the data directory; losing that file loses every stack's secrets, so the
 * README tells operators to back it up.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileWhole } from '../create-file-whole.ts';
import { BlkshpError, ERROR_CODES } from '../errors.ts';
import type { Settings } from './settings.ts';

export const PASSPHRASE_FILE_NAME = 'passphrase';

/**
 * Creates `<dataDir>/passphrase` (32 random bytes, base64url, mode 0600) unless it exists, and
 * returns its path. Refuses an existing file that its group or others may read or write.
 */
export async function ensurePassphraseFile(dataDir: string): Promise<string> {
  const path = join(dataDir, PASSPHRASE_FILE_NAME);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  // Created whole or not at all: two processes starting at once cannot both create one, and a
  // crash never leaves an empty file that would refuse every start.
  try {
    const content = `${randomBytes(32).toString('base64url')}\n`;
    if (await createFileWhole(path, content, { mode: 0o600, sync: true })) return path;
  } catch (error) {
    throw passphraseError(`cannot create the passphrase file ${path}`, error);
  }

  await checkExisting(path);
  return path;
}

/**
 * Environment variables that let the Pulumi engine decrypt stack secrets: the passphrase (or its
 * file), and the secrets provider when one is configured. Creates the generated file if needed.
 */
export async function engineSecretsEnv(
  settings: Pick<Settings, 'passphrase' | 'dataDir'>,
): Promise<Record<string, string>> {
  const passphrase = settings.passphrase;
  if (passphrase === null) return {};
  if (passphrase.source === 'env') return { PULUMI_CONFIG_PASSPHRASE: passphrase.value };
  if (passphrase.source === 'generated') await ensurePassphraseFile(settings.dataDir);
  return { PULUMI_CONFIG_PASSPHRASE_FILE: passphrase.path };
}

async function checkExisting(path: string): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw passphraseError(`${path} is not a regular file`);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw passphraseError(
      `${path} has mode ${mode}; it holds the stacks' passphrase, so make it 0600 (chmod 600)`,
    );
  }
  const content = await readFile(path, 'utf8');
  if (content.trim() === '') throw passphraseError(`${path} is empty`);
}

function passphraseError(message: string, cause?: unknown): BlkshpError {
  return new BlkshpError(ERROR_CODES.configInvalid, message, { cause });
}
