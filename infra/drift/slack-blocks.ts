/**
 * Block Kit for drift notifications and the fleet digest: plain JSON builders, no Bolt import,
 * so the bot can post and update them and handle their buttons. Values in a notification are
 * already redacted (they come from a ChangeSet); here they are escaped and shortened.
 */

import type { FleetDigest } from './digest.ts';
import type { DriftEventType, DriftedResource, DriftNotification } from './model.ts';

export const DRIFT_REMEDIATE_ACTION = 'drift_remediate';
export const DRIFT_IGNORE_ACTION = 'drift_ignore';
export const DRIFT_IGNORE_DAYS = [1, 7, 30] as const;
export type DriftIgnoreDays = (typeof DRIFT_IGNORE_DAYS)[number];

/** Enough of Block Kit's shapes for these messages. */
export type Block = Record<string, unknown>;

const MAX_RESOURCES = 10;
const MAX_CHANGES = 5;
const MAX_VALUE = 80;

const HEADLINES: Record<DriftEventType, string> = {
  'drift.detected': 'drifted from its stack',
  'drift.changed': 'drifted further: the differences changed',
  'drift.resolved': 'is back in sync',
  'drift.check_failing': 'drift checks are failing',
  'drift.check_recovered': 'drift checks work again',
};

/** Plain text for notifications, screen readers and the fallback `text` of a message. */
export function driftNotificationText(event: DriftNotification): string {
  const head = `${event.property} ${HEADLINES[event.type]}`;
  if (event.status === 'failed') return `${head}: ${event.error ?? 'unknown error'}`;
  if (event.status === 'drifted') {
    const names = event.resources.map((r) => r.name);
    const noun = names.length === 1 ? 'resource' : 'resources';
    return `${head} (${names.length} ${noun}: ${names.join(', ')})`;
  }
  return head;
}

export function driftNotificationBlocks(event: DriftNotification): Block[] {
  const icon =
    event.status === 'in-sync'
      ? ':white_check_mark:'
      : event.status === 'failed'
        ? ':x:'
        : ':warning:';
  const blocks: Block[] = [section(`${icon} *${esc(event.property)}* ${HEADLINES[event.type]}`)];
  if (event.status === 'drifted') blocks.push(...resourceBlocks(event.resources));
  if (event.status === 'failed' && event.error) {
    blocks.push(section(`\`\`\`${esc(shorten(event.error, 500))}\`\`\``));
  }
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`drift check \`${esc(event.operationId)}\` · ${esc(event.checkedAt)}`)],
  });
  if (event.status !== 'in-sync') blocks.push(actions(event.property));
  return blocks;
}

function resourceBlocks(resources: DriftedResource[]): Block[] {
  const shown = resources.slice(0, MAX_RESOURCES).map((r) => {
    const lines = r.changes
      .slice(0, MAX_CHANGES)
      .map((c) => `  • \`${esc(c.path)}\`: ${value(c.old)} → ${value(c.new)}`);
    if (r.changes.length > MAX_CHANGES)
      lines.push(`  • …and ${r.changes.length - MAX_CHANGES} more`);
    return [`*${esc(r.name)}* (${esc(shortType(r.type))}, ${r.op})`, ...lines].join('\n');
  });
  if (resources.length > MAX_RESOURCES) {
    shown.push(`…and ${resources.length - MAX_RESOURCES} more resources`);
  }
  return shown.map((text) => section(text));
}

function actions(slug: string): Block {
  return {
    type: 'actions',
    block_id: `drift:${slug}`,
    elements: [
      {
        type: 'button',
        action_id: DRIFT_REMEDIATE_ACTION,
        text: { type: 'plain_text', text: 'Remediate' },
        style: 'primary',
        value: slug,
      },
      {
        type: 'static_select',
        action_id: DRIFT_IGNORE_ACTION,
        placeholder: { type: 'plain_text', text: 'Ignore for…' },
        options: DRIFT_IGNORE_DAYS.map((days) => ({
          text: { type: 'plain_text', text: days === 1 ? '1 day' : `${days} days` },
          value: `${slug}:${days}`,
        })),
      },
    ],
  };
}

/** Reads the value of the "ignore" select; null for anything the message did not offer. */
export function parseIgnoreValue(value: string): { slug: string; days: DriftIgnoreDays } | null {
  const match = /^([a-z0-9-]{1,63}):(\d{1,2})$/.exec(value);
  if (!match) return null;
  const days = Number(match[2]);
  const allowed = DRIFT_IGNORE_DAYS.find((d) => d === days);
  return allowed === undefined ? null : { slug: match[1] as string, days: allowed };
}

export function fleetDigestText(digest: FleetDigest): string {
  const { counts } = digest;
  return (
    `Drift digest: ${counts.inSync} in sync, ${counts.drifted} drifted, ` +
    `${counts.failed} failing, ${counts.unchecked} not checked`
  );
}

export function fleetDigestBlocks(digest: FleetDigest): Block[] {
  const blocks: Block[] = [section(`*${esc(fleetDigestText(digest))}*`)];
  const list = (title: string, rows: FleetDigest['drifted']) => {
    if (rows.length === 0) return;
    const lines = rows.map((r) => `• *${esc(r.property)}*: ${esc(shorten(r.summary, 120))}`);
    blocks.push(section(`${title}\n${lines.join('\n')}`));
  };
  list(':warning: Drifted', digest.drifted);
  list(':x: Checks failing', digest.failed);
  if (digest.ignored.length > 0) {
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`Ignored for now: ${digest.ignored.map(esc).join(', ')}`)],
    });
  }
  blocks.push({ type: 'context', elements: [mrkdwn(`as of ${esc(digest.at)}`)] });
  return blocks;
}

function section(text: string): Block {
  return { type: 'section', text: mrkdwn(shorten(text, 2900)) };
}

function mrkdwn(text: string): Block {
  return { type: 'mrkdwn', text };
}

function value(v: unknown): string {
  if (v === undefined) return '_(none)_';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return `\`${esc(shorten(text, MAX_VALUE))}\``;
}

function shortType(type: string): string {
  return type.split(':').at(-1) ?? type;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack's mrkdwn needs only these three escaped. */
function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
