/**
 * Keeps a property's stack config in step with its validated spec: the spec as plain config,
 * the secrets as encrypted config, generated on first use. Writes only what changed, since every
 * write is a CLI call.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ConfigMap, Stack } from '@pulumi/pulumi/automation/index.js';
import type { PropertySpec } from '../properties/spec.ts';
import { generateSecret, SECRET_KEYS, type StackSecrets } from './secrets.ts';
import { settingsFile } from './settings-store.ts';

export const CONFIG_NAMESPACE = 'blkshp';
const SPEC_KEY = `${CONFIG_NAMESPACE}:spec`;

export interface SyncedConfig {
  secrets: StackSecrets;
  /** Hash of the stack's config file (spec and encrypted secrets); part of the fingerprint. */
  configHash: string;
}

/**
 * What this process last read or wrote per stack. Reading the config back decrypts every secret
 * through the CLI (about 0.6 s a run here), and only this service writes it, so after the first
 * run of a stack the cache answers. The fingerprint still hashes the file itself, so an edit
 * made behind the service's back still makes an approved preview stale.
 */
const known = new Map<string, { specJson: string; secrets: StackSecrets }>();

const cacheKey = (workDir: string, stackName: string) => `${workDir}\0${stackName}`;

/** Drops what this process knows of a stack's config (its file was replaced from elsewhere). */
export function forgetStackConfig(workDir: string, stackName: string): void {
  known.delete(cacheKey(workDir, stackName));
}

export async function syncStackConfig(stack: Stack, spec: PropertySpec): Promise<SyncedConfig> {
  const key = cacheKey(stack.workspace.workDir, stack.name);
  const specJson = canonicalJson(spec);
  let cached = known.get(key);
  if (!cached) {
    cached = await readOrCreate(stack, specJson);
    known.set(key, cached);
  } else if (cached.specJson !== specJson) {
    await stack.setAllConfig({ [SPEC_KEY]: { value: specJson, secret: false } });
    cached.specJson = specJson;
  }
  return { secrets: cached.secrets, configHash: await hashConfigFile(stack) };
}

async function readOrCreate(
  stack: Stack,
  specJson: string,
): Promise<{ specJson: string; secrets: StackSecrets }> {
  const current = await stack.getAllConfig();
  const wanted: ConfigMap = {};
  if (current[SPEC_KEY]?.value !== specJson) wanted[SPEC_KEY] = { value: specJson, secret: false };

  const secrets = {} as StackSecrets;
  for (const key of SECRET_KEYS) {
    const fullKey = `${CONFIG_NAMESPACE}:${key}`;
    const existing = current[fullKey]?.value;
    if (existing) {
      secrets[key] = existing;
    } else {
      secrets[key] = generateSecret(key);
      wanted[fullKey] = { value: secrets[key], secret: true };
    }
  }
  if (Object.keys(wanted).length > 0) await stack.setAllConfig(wanted);
  return { specJson, secrets };
}

/** The stack's settings file (`Pulumi.<stack>.yaml`) as the CLI keeps it in the work dir. */
async function hashConfigFile(stack: Stack): Promise<string> {
  const file = settingsFile(stack.workspace.workDir, stack.name);
  const content = await readFile(file, 'utf8').catch(() => '');
  return createHash('sha256').update(content).digest('hex');
}

/** JSON with object keys sorted, so equal specs always serialise the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(
      Object.keys(v as Record<string, unknown>)
        .sort()
        .map((k) => [k, (v as Record<string, unknown>)[k]]),
    );
  });
}
