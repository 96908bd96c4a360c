/**
 * Every message a Slack user sees about an error, a refusal or a denial is worded here, from a
 * stable code. Internal messages and stack traces never reach Slack.
 */
import type { RefusalCode } from '../infra/control-plane-api.ts';
import { ERROR_CODES, type ErrorCode, type FieldIssue, toUserError } from '../infra/errors.ts';
import { type BotAction, REQUIRED_ROLE, type Role } from './permissions.ts';

const ERROR_REPLIES: Record<ErrorCode, string> = {
  [ERROR_CODES.invalidInput]: 'That input is not valid',
  [ERROR_CODES.notFound]: 'Not found',
  [ERROR_CODES.conflict]: 'That conflicts with the current state',
  [ERROR_CODES.forbidden]: 'You are not allowed to do that',
  [ERROR_CODES.unauthenticated]: 'Slack could not be verified as the sender',
  [ERROR_CODES.engineUnavailable]: 'The Pulumi engine is not available right now; try again later',
  [ERROR_CODES.engineFailed]: 'The Pulumi engine run failed',
  [ERROR_CODES.configInvalid]: 'The service is misconfigured; an administrator has to fix it',
  [ERROR_CODES.internal]: 'Something went wrong on our side; it has been logged',
};

const REFUSALS: Record<RefusalCode, string> = {
  busy: 'Another operation is running on this property; try again when it finishes.',
  'not-found': 'That property or preview does not exist.',
  'not-a-preview': 'Only a preview can be approved.',
  'preview-not-succeeded': 'That preview did not succeed, so there is nothing to apply.',
  'preview-too-old': 'That preview is too old to apply. Run `/blkshp up <property>` again.',
  'stale-preview':
    'The stack or its configuration changed since that preview. Run `/blkshp up <property>` again.',
  'policy-violation': 'That preview breaks a mandatory policy, so it cannot be applied.',
  'two-person-rule':
    'PCI properties and the enterprise tier need a second person: someone other than the ' +
    'requester has to approve.',
  'already-finished': 'That has already been applied or cancelled.',
  'no-changes': 'There is nothing to apply: the stack already matches.',
};

/** A thrown error as a Slack reply; keeps BlkshpError messages (they are user-safe). */
export function errorReply(error: unknown): string {
  const userError = toUserError(error);
  const base = ERROR_REPLIES[userError.code];
  const detail = userError.code === ERROR_CODES.internal ? '' : `: ${userError.message}`;
  const issues = issueLines(userError.issues);
  return [`:warning: ${base}${detail}`, ...issues].join('\n');
}

export function refusalReply(code: RefusalCode, reason?: string): string {
  const text = REFUSALS[code];
  // The control plane's own reason adds specifics (which operation is running, ...).
  return reason && !text.includes(reason)
    ? `:no_entry: ${text}\n_${reason}_`
    : `:no_entry: ${text}`;
}

export function deniedReply(action: BotAction, role: Role): string {
  return (
    `:lock: \`${action}\` needs the *${REQUIRED_ROLE[action]}* role; you are a *${role}*. ` +
    'Ask an administrator of the BLKSHP bot to grant it.'
  );
}

export function issueLines(issues: readonly FieldIssue[], label = (f: string) => f): string[] {
  return issues.map((i) => `• \`${label(i.field)}\` ${i.message}`);
}

export function notFoundReply(slug: string): string {
  return `:mag: No property called \`${slug}\`. \`/blkshp list\` shows them all.`;
}

export const NOT_IN_CHANNEL_REPLY =
  ':wave: I cannot post in this channel. Invite me with `/invite @BLKSHP` and try again.';
