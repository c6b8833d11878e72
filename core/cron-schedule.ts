// Cron patterns in an IANA time zone (croner), as the policies write them: digest schedules
// (policies/digests) and the retention run (policies/retention). "09:00 Asia/Tokyo" stays 09:00 in
// Tokyo whatever the server's zone.
import { Cron } from 'croner';
import { z } from 'zod';
import { isTimeZone } from './time-zones.ts';

function validCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true });
    return true;
  } catch {
    return false;
  }
}

export const cronScheduleSchema = z.strictObject({
  /** Five fields (minute hour day-of-month month day-of-week), croner syntax. */
  cron: z.string().refine(validCron, 'expected a cron pattern such as "0 9 * * MON"'),
  timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone such as Asia/Tokyo'),
  description: z.string().optional(),
});

export type ScheduleSpec = Readonly<z.infer<typeof cronScheduleSchema>>;

function cronOf(schedule: ScheduleSpec): Cron {
  return new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
}

/** The latest slot at or before `now`, or null when the pattern has none. */
export function latestSlot(schedule: ScheduleSpec, now: Date): Date | null {
  return cronOf(schedule).previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

/** The first slot after `now`, or null. */
export function nextSlot(schedule: ScheduleSpec, now: Date): Date | null {
  return cronOf(schedule).nextRun(now);
}
