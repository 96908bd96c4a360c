/**
 * Which properties missed a scheduled drift run while no service was up: those whose schedule
 * (their override, or the fleet's) came due after their newest drift check, or after they were
 * added when never checked. Several missed runs count once: drift is a state, not a series of
 * events, so one check now answers them all.
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
  controlPlane: Pick<SchedulerControlPlane, 'listProperties' | 'listOperations'>,
  timetable: TimetableEntry[],
  now: Date,
): Promise<string[]> {
  const byScope = new Map(timetable.map((entry) => [entry.scope, entry]));
  const missed: string[] = [];
  for (const property of await controlPlane.listProperties()) {
    const slug = property.spec.slug;
    const entry = byScope.get(slug) ?? byScope.get(FLEET_SCOPE);
    if (!entry?.enabled) continue;
    const [due] = entry.cron.previousRuns(1, now);
    if (!due) continue;
    const [last] = await controlPlane.listOperations({
      property: slug,
      kind: 'drift-check',
      limit: 1,
    });
    if (due.getTime() > Date.parse(last?.createdAt ?? property.createdAt)) missed.push(slug);
  }
  return missed.sort();
}
