/**
 * A fingerprint of what an apply would act on: the stack's config and its resource state.
 * A preview records it; the apply refuses to run when it differs, because then the preview no
 * longer shows what would happen.
 */
import { createHash } from 'node:crypto';
import type { Stack } from '@pulumi/pulumi/automation/index.js';

export async function stateHash(stack: Stack): Promise<string> {
  const exported = await stack.exportStack();
  const resources = (exported.deployment as { resources?: unknown[] } | undefined)?.resources ?? [];
  return createHash('sha256').update(JSON.stringify(resources)).digest('hex');
}

export function fingerprintOf(configHash: string, state: string): string {
  return createHash('sha256').update(`${configHash}\n${state}`).digest('hex');
}

/**
 * A preview's stored fingerprint joins the spec hash (cheap to compare when an apply is asked
 * for) and the stack fingerprint (compared when the apply runs).
 */
export function joinFingerprint(spec: string, stack: string): string {
  return `${spec}.${stack}`;
}

export function splitFingerprint(fingerprint: string): { spec: string; stack: string } {
  const [spec = '', stack = ''] = fingerprint.split('.');
  return { spec, stack };
}
