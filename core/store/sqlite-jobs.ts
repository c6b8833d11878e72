// Analysis jobs in SQLite: claimed under a lease inside an IMMEDIATE transaction, so two workers
// (threads, processes) never hold the same job; completion and failure only count while the
// caller still owns the lease.
import type { Job, JobType } from '../types.ts';
import type { ClaimRequest, JobFailure, NewJob } from './port.ts';
import { inWriteTransaction, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import { pendingJob } from './store-values.ts';
import type { JobStore } from './ports/jobs.ts';

interface JobRow {
  id: string;
  type: string;
  submission_id: string;
  status: string;
  attempts: number;
  run_after: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

function rowToJob(r: JobRow): Job {
  return {
    id: r.id,
    type: r.type as JobType,
    submissionId: r.submission_id,
    status: r.status as Job['status'],
    attempts: r.attempts,
    runAfter: r.run_after,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Job queries the submissions module shares (a submission and its job are created together). */
export interface JobQueries {
  insert(job: NewJob, now: string): Job;
  forSubmission(submissionId: string, type: JobType): Job | null;
}

export function sqliteJobQueries(db: Db): JobQueries {
  const insert = db.prepare<{ id: string; type: string; submission_id: string; run_after: string; now: string }>(`
    INSERT INTO jobs (id, type, submission_id, status, attempts, run_after, lease_owner, lease_until,
                      last_error, created_at, updated_at)
    VALUES (@id, @type, @submission_id, 'pending', 0, @run_after, NULL, NULL, NULL, @now, @now)`);
  const bySubmission = db.prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE submission_id = ? AND type = ?');
  return {
    insert(job, now) {
      insert.run({ id: job.id, type: job.type, submission_id: job.submissionId, run_after: job.runAfter, now });
      return pendingJob(job, now);
    },
    forSubmission(submissionId, type) {
      const row = bySubmission.get(submissionId, type);
      return row ? rowToJob(row) : null;
    },
  };
}

export function sqliteJobs(db: Db, jobs: JobQueries): SyncRole<JobStore> {
  const byId = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
  // A due job: pending and its time has come, or running under a lease that ended.
  // `types` is a JSON array of job types, or NULL for any type.
  const claim = db.prepare<{ now: string; lease_until: string; worker: string; types: string | null }, JobRow>(`
    UPDATE jobs
       SET status = 'running', lease_owner = @worker, lease_until = @lease_until,
           attempts = attempts + 1, updated_at = @now
     WHERE id = (
       SELECT id FROM jobs
        WHERE ((status = 'pending' AND run_after <= @now) OR (status = 'running' AND lease_until < @now))
          AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
        ORDER BY run_after, id
        LIMIT 1)
    RETURNING *`);
  const renew = db.prepare<{ id: string; worker: string; lease_until: string }>(`
    UPDATE jobs SET lease_until = @lease_until
     WHERE id = @id AND status = 'running' AND lease_owner = @worker`);
  const complete = db.prepare<{ id: string; worker: string; now: string }>(`
    UPDATE jobs SET status = 'done', lease_owner = NULL, lease_until = NULL, updated_at = @now
     WHERE id = @id AND status = 'running' AND lease_owner = @worker`);
  const fail = db.prepare<{ id: string; worker: string; now: string; error: string; retry_at: string | null }>(`
    UPDATE jobs
       SET status = CASE WHEN @retry_at IS NULL THEN 'failed' ELSE 'pending' END,
           run_after = COALESCE(@retry_at, run_after),
           last_error = @error, lease_owner = NULL, lease_until = NULL, updated_at = @now
     WHERE id = @id AND status = 'running' AND lease_owner = @worker`);
  // Re-running analysis gives the job a fresh set of attempts.
  const requeue = db.prepare<{ submission_id: string; type: string; now: string }>(`
    UPDATE jobs
       SET status = 'pending', run_after = @now, attempts = 0, lease_owner = NULL, lease_until = NULL,
           last_error = NULL, updated_at = @now
     WHERE submission_id = @submission_id AND type = @type`);
  const countByStatus = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM jobs WHERE status = ?');

  return {
    getJob(id) {
      const row = byId.get(id);
      return row ? rowToJob(row) : null;
    },
    getJobForSubmission: (submissionId, type) => jobs.forSubmission(submissionId, type),
    claimJob(req: ClaimRequest) {
      return inWriteTransaction(db, () => {
        const row = claim.get({
          now: req.now,
          lease_until: req.leaseUntil,
          worker: req.workerId,
          types: req.types ? toJson(req.types) : null,
        });
        return row ? rowToJob(row) : null;
      });
    },
    renewLease: (id, worker, leaseUntil) => renew.run({ id, worker, lease_until: leaseUntil }).changes === 1,
    completeJob: (id, worker, now) => complete.run({ id, worker, now }).changes === 1,
    failJob: (id, worker, f: JobFailure) => fail.run({ id, worker, now: f.now, error: f.error, retry_at: f.retryAt }).changes === 1,
    requeueJob(job: NewJob, now: string) {
      return inWriteTransaction(db, () => {
        if (requeue.run({ submission_id: job.submissionId, type: job.type, now }).changes === 0) {
          jobs.insert({ ...job, runAfter: now }, now);
        }
        return jobs.forSubmission(job.submissionId, job.type)!;
      });
    },
    countJobs: (status) => countByStatus.get(status)!.n,
  };
}
