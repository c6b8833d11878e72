// Role port: the job queue (claim with a lease, renew, complete, fail with retry, requeue).
import type { Job, JobType } from '../../types.ts';

export interface NewJob {
  readonly id: string;
  readonly type: JobType;
  readonly submissionId: string;
  readonly runAfter: string;
}

export interface ClaimRequest {
  readonly workerId: string;
  readonly now: string;
  /** Lease end; a running job whose lease ended is claimable again. */
  readonly leaseUntil: string;
  readonly types?: readonly JobType[];
}

export interface JobFailure {
  readonly error: string;
  /** Retry at this time; null marks the job failed for good. */
  readonly retryAt: string | null;
  readonly now: string;
}

export interface JobStore {
  getJob(id: string): Promise<Job | null>;
  getJobForSubmission(submissionId: string, type: JobType): Promise<Job | null>;
  /** Atomically claims one due job (pending with runAfter <= now, or running with an expired lease). */
  claimJob(req: ClaimRequest): Promise<Job | null>;
  /** Extends the lease if still held by workerId; false when the lease was lost. */
  renewLease(jobId: string, workerId: string, leaseUntil: string): Promise<boolean>;
  /** Marks done if still held by workerId; false when the lease was lost (another worker owns it). */
  completeJob(jobId: string, workerId: string, now: string): Promise<boolean>;
  failJob(jobId: string, workerId: string, failure: JobFailure): Promise<boolean>;
  /** Puts a job back to pending now (re-run analysis); creates it if missing. */
  requeueJob(job: NewJob, now: string): Promise<Job>;
  countJobs(status: Job['status']): Promise<number>;
}
