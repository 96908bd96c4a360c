/**
 * Which properties missed a scheduled drift run while no service was up: those whose schedule
 * (their override, or the fleet's) came due after their newest finished drift check, or after
 * they were added when never checked. Several missed runs count once: drift is a state, not a
 * series of events, so one check now answers them all. The fleet list already carries each
 * property's last check, so this costs no query per property.
 */
import type { SchedulerControlPlane } from './scheduler.ts';
import { type compileSchedule, FLEET_SCOPE } from './schedules.ts';

export interface TimetableEntry {
  scope: string;
  enabled: boolean;
  cron: ReturnType<typeof compileSchedule>;
}

/** The slugs (sorted) of the properties that missed a run before `now`. */
export async function propertiesThatMissedARun(
  controlPlane: Pick<SchedulerControlPlane, 'listProperties'>,
  timetable: TimetableEntry[],
  now: Date,
): Promise<string[]> {
  const byScope = new Map(timetable.map((entry) => [entry.scope, entry]));
  const missed: string[] = [];
  for (const property of await controlPlane.listProperties()) {
    const slug = property.spec.slug;
    const entry = byScope.get(slug) ?? byScope.get(FLEET_SCOPE);
    const [due] = entry?.enabled ? entry.cron.previousRuns(1, now) : [];
    const since = Date.parse(property.drift.checkedAt ?? property.createdAt);
    if (due && due.getTime() > since) missed.push(slug);
  }
  return missed.sort();
}
