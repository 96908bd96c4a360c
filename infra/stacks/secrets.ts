/**
 * The secrets each property's stack holds. Generated once, from the OS's CSPRNG, and kept only in
 * the stack's encrypted config: never in the database, a log, a chat message or an API response.
 */
import { randomBytes } from 'node:crypto';

export const SECRET_KEYS = [
  'dbRootPassword',
  'dbAppPassword',
  'siteAdminPassword',
  'siteEncryptionKey',
  'backupEncryptionKey',
] as const;

export type SecretKey = (typeof SECRET_KEYS)[number];
export type StackSecrets = Record<SecretKey, string>;

/** Frappe's `encryption_key` is a Fernet key: 32 random bytes, URL-safe base64 with padding. */
function fernetKey(): string {
  return randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function password(): string {
  return randomBytes(24).toString('base64url');
}

export function generateSecret(key: SecretKey): string {
  return key === 'siteEncryptionKey' ? fernetKey() : password();
}
