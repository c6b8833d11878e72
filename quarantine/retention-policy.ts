// The retention policy (policies/retention/retention.json): days a quarantined blob is kept, by
// the class of the `sample` kind of the submission that stored it. Validated strictly at load.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { cronScheduleSchema } from '../core/cron-schedule.ts';
import { C4Error } from '../core/errors.ts';
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
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new C4Error('CONFIG_INVALID', `cannot read retention policy ${file}: ${(err as Error).message}`, { file });
  }
  const parsed = retentionPolicySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new C4Error('CONFIG_INVALID', `invalid retention policy ${file}:\n  ${problems.join('\n  ')}`, { file, problems });
  }
  return Object.freeze({ ...parsed.data, sampleDays: Object.freeze(parsed.data.sampleDays), ...(parsed.data.run ? { run: Object.freeze(parsed.data.run) } : {}) });
}

/** When a reference stored at `storedAt` with this class expires. */
export function expiresAt(policy: RetentionPolicy, cls: SharingClass, storedAt: string): Date {
  return new Date(Date.parse(storedAt) + policy.sampleDays[cls] * DAY_MS);
}
