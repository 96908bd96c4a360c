/**
 * What every command, button and view handler gets: the control plane, the permission check,
 * the Slack client, and the helpers that audit and run work after the acknowledgement.
 */
import type { webApi } from '@slack/bolt';
import type { Actor, ControlPlaneApi } from '../infra/control-plane-api.ts';
import type { Logger } from '../infra/logging/logger.ts';
import type { BotAction, Permissions, Role } from './permissions.ts';

export type SlackClient = webApi.WebClient;

export interface BotServices {
  controlPlane: ControlPlaneApi;
  permissions: Permissions;
  client: SlackClient;
  logger: Logger;
  dashboardUrl?: string;
  /** Minimum time between two in-place updates of one message. */
  updateIntervalMs: number;
  /** How old a succeeded preview may be for `up` to reuse it instead of previewing again. */
  freshPreviewMs: number;
  /** Silences drift notifications of a property for some days (absent: the control is off). */
  ignoreDrift?: (slug: string, days: number, actor: Actor) => Promise<{ until: string }>;
}

/** Who clicked or typed, and where, in the control plane's terms. */
export interface SlackRequester {
  userId: string;
  channelId: string | null;
}

export function actorOf(requester: SlackRequester): Actor {
  return {
    id: `slack:${requester.userId}`,
    channel: requester.channelId ? `slack:${requester.channelId}` : 'slack',
  };
}

export interface AuditEntry {
  action: string;
  property?: string | null;
  operationId?: string | null;
  result: string;
  detail?: string | null;
}

/** Records one Slack action. An audit failure is logged, never thrown at the user. */
export async function audit(
  services: BotServices,
  requester: SlackRequester,
  entry: AuditEntry,
): Promise<void> {
  const actor = actorOf(requester);
  try {
    await services.controlPlane.audit({
      actor: actor.id,
      channel: actor.channel,
      action: `slack.${entry.action}`,
      property: entry.property ?? null,
      operationId: entry.operationId ?? null,
      result: entry.result,
      detail: entry.detail ?? null,
    });
  } catch (error) {
    services.logger.error({ err: error, action: entry.action }, 'could not write an audit record');
  }
}

/** Checks the requester's role for an action; a denial is logged and audited here. */
export async function authorise(
  services: BotServices,
  requester: SlackRequester,
  action: BotAction,
  property: string | null,
  operationId: string | null = null,
): Promise<{ allowed: boolean; role: Role }> {
  const verdict = await services.permissions.can(requester.userId, action);
  if (!verdict.allowed) {
    services.logger.info(
      { user: requester.userId, action, role: verdict.role, property },
      'denied a Slack action',
    );
    await audit(services, requester, {
      action,
      property,
      operationId,
      result: 'denied',
      detail: `role ${verdict.role}`,
    });
  }
  return verdict;
}

/**
 * Runs work after the acknowledgement. Nothing awaits it, so every failure is caught here and
 * logged; handlers report user-facing failures themselves before rethrowing.
 */
export function inBackground(services: BotServices, label: string, work: () => Promise<unknown>) {
  void Promise.resolve()
    .then(work)
    .catch((error: unknown) => {
      services.logger.error({ err: error, task: label }, 'a Slack background task failed');
    });
}
