/**
 * Drift-check schedules: a fleet-wide default (scope `*`) and per-property overrides, stored in
 * the database. Cron patterns are parsed by croner, never by hand; the time zone is IANA.
 */
import { Cron } from 'croner';
import { type FieldIssue, invalidInput } from '../errors.ts';
import type { Repository, Schedule } from '../storage/repository.ts';

export const FLEET_SCOPE = '*';

/** Used while no fleet schedule is stored: every six hours, off the hour, in UTC. */
export const DEFAULT_FLEET_SCHEDULE = { cron: '17 */6 * * *', timezone: 'UTC' } as const;

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Region/City names only: Intl also accepts offsets such as "+01:00", which have no DST rules.
const IANA_ZONE = /^(?:UTC|[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+)$/;

/** A compiled schedule: croner computes the next run; its own timers are never started. */
export function compileSchedule(cron: string, timezone: string): Cron {
  return new Cron(cron, { timezone, paused: true });
}

/** Field issues for a schedule, empty when it is valid. */
export function scheduleIssues(scope: string, cron: string, timezone: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (scope !== FLEET_SCOPE && !SLUG.test(scope)) {
    issues.push({ field: 'scope', message: 'use "*" for the fleet or a property slug' });
  }
  const zoneOk = IANA_ZONE.test(timezone) && isKnownZone(timezone);
  if (!zoneOk) {
    issues.push({ field: 'timezone', message: `"${timezone}" is not an IANA time zone` });
  }
  // Five fields only: a seconds field would let one schedule run the engine every second.
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    issues.push({
      field: 'cron',
      message: 'use five fields: minute hour day-of-month month day-of-week',
    });
  } else {
    try {
      compileSchedule(cron, zoneOk ? timezone : 'UTC').stop();
    } catch (error) {
      issues.push({ field: 'cron', message: cronMessage(error) });
    }
  }
  return issues;
}

function isKnownZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function cronMessage(error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  return `not a valid cron pattern: ${detail}`;
}

export interface ScheduleView {
  scope: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  updatedAt: string;
}

/** The shape the REST API (`api/deps.ts` SchedulesApi), the CLI and Slack use. */
export interface SchedulesApi {
  list(): Promise<ScheduleView[]>;
  upsert(scope: string, cron: string, timezone: string): Promise<ScheduleView>;
  remove(scope: string): Promise<boolean>;
}

export interface SchedulesApiOptions {
  repo: Pick<Repository, 'listSchedules' | 'upsertSchedule' | 'deleteSchedule' | 'getProperty'>;
  /** Told after every change, so a running scheduler re-reads its timetable at once. */
  onChange?: () => void;
  now?: () => Date;
}

export function createSchedulesApi(options: SchedulesApiOptions): SchedulesApi {
  const { repo } = options;
  const now = options.now ?? (() => new Date());
  return {
    list: () => repo.listSchedules(),

    async upsert(scope, cron, timezone) {
      const issues = scheduleIssues(scope, cron, timezone);
      if (issues.length === 0 && scope !== FLEET_SCOPE && !(await repo.getProperty(scope))) {
        issues.push({ field: 'scope', message: `there is no property named ${scope}` });
      }
      if (issues.length > 0) throw invalidInput('The schedule is not valid', issues);
      const schedule: Schedule = {
        scope,
        cron: cron.trim(),
        timezone,
        enabled: true,
        updatedAt: now().toISOString(),
      };
      await repo.upsertSchedule(schedule);
      options.onChange?.();
      return schedule;
    },

    async remove(scope) {
      const removed = await repo.deleteSchedule(scope);
      if (removed) options.onChange?.();
      return removed;
    },
  };
}
