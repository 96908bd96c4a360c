/**
 * Keeps a property's stack config in step with its validated spec: the spec as plain config,
 * the secrets as encrypted config, generated on first use. Writes only what changed, since every
 * write is a CLI call.
 */
import { createHash } from 'node:crypto';
import type { ConfigMap, Stack } from '@pulumi/pulumi/automation/index.js';
import type { PropertySpec } from '../properties/spec.ts';
import { generateSecret, SECRET_KEYS, type StackSecrets } from './secrets.ts';

export const CONFIG_NAMESPACE = 'blkshp';
const SPEC_KEY = `${CONFIG_NAMESPACE}:spec`;

export interface SyncedConfig {
  secrets: StackSecrets;
  /** Hash of the stack's whole config (spec and secrets); part of the approval fingerprint. */
  configHash: string;
}

export async function syncStackConfig(stack: Stack, spec: PropertySpec): Promise<SyncedConfig> {
  const current = await stack.getAllConfig();
  const wanted: ConfigMap = {};

  const specJson = canonicalJson(spec);
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
  const merged = { ...current, ...wanted };
  return { secrets, configHash: hashConfig(merged) };
}

export function hashConfig(config: ConfigMap): string {
  const entries = Object.keys(config)
    .sort()
    .map((key) => [key, config[key]?.value ?? null]);
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
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
