/** App Home: the fleet at a glance and the previews waiting for this user's approval. */

import { changedResources } from '../../infra/changes/model.ts';
import type { PropertyRecord } from '../../infra/control-plane-api.ts';
import type { Operation } from '../../infra/operations/model.ts';
import type { Role } from '../permissions.ts';
import { APPROVE_ACTION } from './approval.ts';
import { propertyLine } from './fleet.ts';
import { formatUsd } from './format.ts';
import {
  type Block,
  clip,
  context,
  divider,
  escapeMrkdwn,
  header,
  LIMITS,
  sectionsOf,
} from './limits.ts';

/** App Home allows 100 blocks; this keeps half for headroom. */
const MAX_PENDING = 15;

export function homeView(input: {
  role: Role;
  properties: PropertyRecord[];
  pending: Operation[];
}) {
  const { role, properties, pending } = input;
  const total = properties.reduce((sum, r) => sum + r.monthlyEstimateUsd, 0);
  const drifted = properties.filter((p) => p.drift.status === 'drifted').length;

  const blocks: Block[] = [
    header('BLKSHP fleet'),
    context(
      `${properties.length} properties · ${drifted} drifted · ~${formatUsd(total)}/mo · ` +
        `your role: *${role}*`,
    ),
    ...(properties.length > 0
      ? sectionsOf(properties.map(propertyLine), 6000)
      : sectionsOf(['No properties yet. `/blkshp add-property` adds one.'])),
    divider,
    header('Waiting for your approval'),
  ];

  if (pending.length === 0) {
    const why =
      role === 'viewer' || role === 'operator'
        ? 'Approving needs the approver role.'
        : 'Nothing is waiting for you.';
    blocks.push(...sectionsOf([why]));
  }
  for (const preview of pending.slice(0, MAX_PENDING)) {
    const changed = preview.changeSet ? changedResources(preview.changeSet).length : 0;
    const by = preview.actor.replace(/^slack:/, '');
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `*${escapeMrkdwn(preview.property)}*: ${changed} resource(s) to change · requested by ` +
            `${preview.actor.startsWith('slack:') ? `<@${by}>` : escapeMrkdwn(by)} · ` +
            `preview \`${preview.id}\``,
          LIMITS.textChars,
        ),
      },
      accessory: {
        type: 'button',
        action_id: APPROVE_ACTION,
        style: 'primary',
        text: { type: 'plain_text', text: 'Approve' },
        value: preview.id,
      },
    });
  }
  if (pending.length > MAX_PENDING) {
    blocks.push(context(`… and ${pending.length - MAX_PENDING} more`));
  }
  return { type: 'home' as const, blocks };
}
