/**
 * Recovery of a stack whose update was cut short (the service died mid-run): remove the stale lock
 * and strip pending operations from the checkpoint, so the next operation can run.
 */
import type { Stack } from '@pulumi/pulumi/automation/index.js';
import type { Logger } from 'pino';

export async function recoverStack(stack: Stack, logger: Logger): Promise<void> {
  try {
    await stack.cancel();
  } catch (error) {
    // Nothing to cancel is the common case after a crash on a local backend.
    logger.debug({ err: error }, 'stack cancel during recovery found nothing to cancel');
  }
  const exported = await stack.exportStack();
  const deployment = exported.deployment as { pending_operations?: unknown[] } | undefined;
  const pending = deployment?.pending_operations ?? [];
  if (pending.length > 0) {
    // Import drops pending operations (with a warning); the resources they touched are then
    // reconciled by the next refresh or update.
    await stack.importStack({ ...exported, deployment: { ...deployment, pending_operations: [] } });
    logger.warn(
      { pending: pending.length },
      'removed pending operations from an interrupted stack',
    );
  }
}
