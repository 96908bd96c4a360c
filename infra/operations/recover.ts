/**
 * Recovery of a stack whose update was cut short (the service died mid-run): remove the stale lock
 * and strip pending operations from the checkpoint, so the next operation can run.
 */
import type { Stack } from '@pulumi/pulumi/automation/index.js';
import type { Logger } from 'pino';

/** What recovery found: resources whose create was cut short and may exist in the cloud. */
export interface Recovery {
  pendingCreates: string[];
}

export async function recoverStack(stack: Stack, logger: Logger): Promise<Recovery> {
  try {
    await stack.cancel();
  } catch (error) {
    // Nothing to cancel is the common case after a crash on a local backend.
    logger.debug({ err: error }, 'stack cancel during recovery found nothing to cancel');
  }
  const exported = await stack.exportStack();
  const deployment = exported.deployment as
    | { pending_operations?: Array<{ type?: string; resource?: { urn?: string } }> }
    | undefined;
  const pending = deployment?.pending_operations ?? [];
  const pendingCreates = pending
    .filter((p) => p.type === 'creating')
    .map((p) => p.resource?.urn ?? '')
    .filter((urn) => urn !== '');
  if (pending.length > 0) {
    // Import drops pending operations (with a warning); the resources they touched are then
    // reconciled by the next refresh or update.
    await stack.importStack({ ...exported, deployment: { ...deployment, pending_operations: [] } });
    logger.warn(
      { pending: pending.length, pendingCreates },
      'removed pending operations from an interrupted stack',
    );
  }
  return { pendingCreates };
}
