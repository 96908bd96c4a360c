/**
 * Under load pg-boss can hand over one cron occurrence twice (seen once in a full test run: two
 * jobs for one minute). A replica taking a cron job therefore first claims the occurrence: a job
 * in a queue nobody works, whose id derives from (schedule, occurrence); pg-boss refuses a second
 * job with that id, so only the first claim succeeds.
 */
import { createHash } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { compileSchedule } from '../drift/schedules.ts';
import { QUEUES } from './job-engine.ts';

/** Claims are kept a week: far longer than any repeat of one occurrence arrives after it. */
export async function createClaimsQueue(boss: PgBoss): Promise<void> {
  await boss.createQueue(QUEUES.driftTickClaims, { retentionSeconds: 7 * 24 * 3600 });
}

/** The schedule's latest occurrence at or before `createdOn` (the job's creation). */
export function occurrenceOf(
  schedule: { cron: string; timezone: string } | undefined,
  createdOn: Date,
): string {
  const reference = new Date(createdOn.getTime() + 1);
  const [previous] = schedule
    ? compileSchedule(schedule.cron, schedule.timezone).previousRuns(1, reference)
    : [];
  return (previous ?? createdOn).toISOString();
}

/** True for the first replica to claim this occurrence of this schedule. */
export async function claimOccurrence(
  boss: PgBoss,
  schedule: string,
  occurrence: string,
): Promise<boolean> {
  const id = uuidFromText(`${schedule}@${occurrence}`);
  const sent = await boss.send(QUEUES.driftTickClaims, { schedule, occurrence }, { id });
  return sent !== null;
}

/** A UUID (version 8, name-based) from text: the same text always gives the same id. */
function uuidFromText(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
