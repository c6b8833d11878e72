// Digest schedules (policies/digests/schedules.json): named cron patterns in an IANA time zone,
// evaluated with croner. A subscription is due when a slot of its schedule passed since the slot
// it last handled (or since it was created); a run handles the latest slot at or before now.
import { z } from 'zod';
import { cronScheduleSchema, latestSlot, nextSlot, type ScheduleSpec } from '../../core/cron-schedule.ts';
import { readDigestPolicy } from './policy-file.ts';

export { latestSlot, nextSlot, type ScheduleSpec };

export const SCHEDULES_FILE = 'schedules.json';

export const schedulesSchema = z.strictObject({
  version: z.literal(1),
  schedules: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'schedule names are lower-case letters, digits and dashes'), cronScheduleSchema),
});

export interface Schedule extends ScheduleSpec {
  readonly name: string;
}

export type Schedules = ReadonlyMap<string, Schedule>;

export function loadSchedules(policiesDir: string): Schedules {
  const policy = readDigestPolicy(policiesDir, SCHEDULES_FILE, schedulesSchema);
  return new Map(Object.entries(policy.schedules).map(([name, spec]) => [name, Object.freeze({ name, ...spec })]));
}

/** A slot passed after the one last handled (or, never run, after the subscription was created). */
export function isDue(schedule: ScheduleSpec, sub: { readonly lastSlotAt: string | null; readonly createdAt: string }, now: Date): boolean {
  const slot = latestSlot(schedule, now);
  return slot !== null && slot.toISOString() > (sub.lastSlotAt ?? sub.createdAt);
}
