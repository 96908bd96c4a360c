/**
 * `app_home_opened`: publishes the fleet and the user's pending approvals. A pending approval is
 * the fresh, succeeded, non-empty preview of a property that this user may approve: approver
 * role, and not their own request where the two-person rule applies (PCI, enterprise tier).
 */
import { changedResources, hasMandatoryViolation } from '../infra/changes/model.ts';
import type { PropertyRecord } from '../infra/control-plane-api.ts';
import type { Operation } from '../infra/operations/model.ts';
import { findFreshPreview } from './commands/change.ts';
import { roleRank } from './permissions.ts';
import { audit, type BotServices } from './services.ts';
import { isDestroyPreview } from './views/approval.ts';
import { homeView } from './views/home.ts';

export async function publishHome(services: BotServices, userId: string): Promise<void> {
  const [role, properties] = await Promise.all([
    services.permissions.roleOf(userId),
    services.controlPlane.listProperties(),
  ]);
  const pending =
    roleRank(role) >= roleRank('approver') ? await pendingFor(services, userId, properties) : [];
  await services.client.views.publish({
    user_id: userId,
    view: homeView({ role, properties, pending }),
  });
  await audit(services, { userId, channelId: null }, { action: 'home', result: 'ok' });
}

async function pendingFor(
  services: BotServices,
  userId: string,
  properties: PropertyRecord[],
): Promise<Operation[]> {
  const role = await services.permissions.roleOf(userId);
  const previews = await Promise.all(
    properties.map(async (record) => ({
      record,
      preview: await findFreshPreview(services, record.spec.slug),
    })),
  );
  return previews
    .filter(({ record, preview }) => {
      if (!preview?.changeSet) return false;
      if (changedResources(preview.changeSet).length === 0) return false;
      if (hasMandatoryViolation(preview.changeSet)) return false;
      if (isDestroyPreview(preview) && role !== 'admin') return false;
      const twoPerson = record.spec.pci || record.spec.tier === 'enterprise';
      return !(twoPerson && preview.actor === `slack:${userId}`);
    })
    .map(({ preview }) => preview!);
}
