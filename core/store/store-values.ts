// Small checks every store adapter applies the same way (SQLite and MongoDB), so both answer the
// same to the same input.
import { C4Error } from '../errors.ts';
import type { Job } from '../types.ts';
import type { NewJob } from './port.ts';

/** The patch without keys whose value is undefined, so spreading it never erases a field. */
export function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** SubmissionPatch.detailsMerge applied to stored details (both adapters use this one function). */
export function mergeDetails(current: Readonly<Record<string, unknown>>, merge: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(merge)) {
    const before = out[key];
    out[key] = isPlainObject(before) && isPlainObject(value) ? { ...before, ...value } : value;
  }
  return out;
}

/** A positive integer page size, or VALIDATION_FAILED. */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new C4Error('VALIDATION_FAILED', `page limit must be a positive integer, got ${limit}`, { limit });
  }
  return limit;
}

/** The record of a newly created job: pending, never attempted, no lease. */
export function pendingJob(job: NewJob, now: string): Job {
  return {
    id: job.id,
    type: job.type,
    submissionId: job.submissionId,
    status: 'pending',
    attempts: 0,
    runAfter: job.runAfter,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** A digest delivery covers at least one seq: fromSeq < toSeq, both whole numbers ≥ 0. */
export function checkDeliveryRange(d: { readonly fromSeq: number; readonly toSeq: number }): void {
  if (!Number.isInteger(d.fromSeq) || !Number.isInteger(d.toSeq) || d.fromSeq < 0 || d.toSeq <= d.fromSeq) {
    throw new C4Error('VALIDATION_FAILED', `digest delivery range must satisfy 0 <= fromSeq < toSeq, got ${d.fromSeq}..${d.toSeq}`, {
      fromSeq: d.fromSeq,
      toSeq: d.toSeq,
    });
  }
}
