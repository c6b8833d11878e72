// Digest schedules (policies/digests/schedules.json): named cron patterns in an IANA time zone,
// evaluated with croner. A subscription is due when a slot of its schedule passed since the slot
// it last handled (or since it was created); a run handles the latest slot at or before now.
import { Cron } from 'croner';
import { z } from 'zod';
import { readDigestPolicy } from './policy-file.ts';

export const SCHEDULES_FILE = 'schedules.json';

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function validCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true });
    return true;
  } catch {
    return false;
  }
}

const scheduleSchema = z.strictObject({
  /** Five fields (minute hour day-of-month month day-of-week), croner syntax. */
  cron: z.string().refine(validCron, 'expected a cron pattern such as "0 9 * * MON"'),
  timeZone: z.string().refine(validTimeZone, 'expected an IANA time zone such as Asia/Tokyo'),
  description: z.string().optional(),
});

export const schedulesSchema = z.strictObject({
  version: z.literal(1),
  schedules: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'schedule names are lower-case letters, digits and dashes'), scheduleSchema),
});

export type ScheduleSpec = Readonly<z.infer<typeof scheduleSchema>>;

export interface Schedule extends ScheduleSpec {
  readonly name: string;
}

export type Schedules = ReadonlyMap<string, Schedule>;

export function loadSchedules(policiesDir: string): Schedules {
  const policy = readDigestPolicy(policiesDir, SCHEDULES_FILE, schedulesSchema);
  return new Map(Object.entries(policy.schedules).map(([name, spec]) => [name, Object.freeze({ name, ...spec })]));
}

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

/** A slot passed after the one last handled (or, never run, after the subscription was created). */
export function isDue(schedule: ScheduleSpec, sub: { readonly lastSlotAt: string | null; readonly createdAt: string }, now: Date): boolean {
  const slot = latestSlot(schedule, now);
  return slot !== null && slot.toISOString() > (sub.lastSlotAt ?? sub.createdAt);
}
