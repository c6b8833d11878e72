// The retention policy (policies/retention/retention.json): days a quarantined blob is kept, by
// the class of the `sample` kind of the submission that stored it. Validated strictly at load.
import path from 'node:path';
import { z } from 'zod';
import { cronScheduleSchema } from '../core/cron-schedule.ts';
import { readPolicyJson } from '../core/policy-file.ts';
import { CLASSES, type SharingClass } from '../core/types.ts';

export const RETENTION_POLICY_FILE = path.join('retention', 'retention.json');
const DAY_MS = 24 * 60 * 60 * 1000;

const days = z.number().int().min(1).max(36_500);

export const retentionPolicySchema = z.strictObject({
  version: z.literal(1),
  /** Days to keep a blob, by the `sample` class of the submission that stored it. */
  sampleDays: z.record(z.enum(CLASSES), days),
  /** When the worker role of `c4tap serve` runs retention by itself; absent: only `c4tap retention run`. */
  run: cronScheduleSchema.optional(),
});

export type RetentionPolicy = Readonly<z.infer<typeof retentionPolicySchema>>;

/** Reads and validates <policiesDir>/retention/retention.json; CONFIG_INVALID lists every problem. */
export function loadRetentionPolicy(policiesDir: string): RetentionPolicy {
  const file = path.join(policiesDir, RETENTION_POLICY_FILE);
  const policy = readPolicyJson(file, retentionPolicySchema, 'retention policy');
  return Object.freeze({ ...policy, sampleDays: Object.freeze(policy.sampleDays), ...(policy.run ? { run: Object.freeze(policy.run) } : {}) });
}

/** When a reference stored at `storedAt` with this class expires. */
export function expiresAt(policy: RetentionPolicy, cls: SharingClass, storedAt: string): Date {
  return new Date(Date.parse(storedAt) + policy.sampleDays[cls] * DAY_MS);
}
