// Analysis jobs in MongoDB. A claim is one atomic findOneAndUpdate: the filter says "due" (pending
// and its time has come, or running under an ended lease), the update takes the lease, so two
// workers (processes, machines) never both get the job. Renewal, completion and failure are
// updateOne calls whose filter requires the caller to still hold the lease; the answer is whether
// one document matched. One job per (submission, type) is kept by a unique index.
import type { Db, Filter } from 'mongodb';
import type { Job, JobType } from '../types.ts';
import type { ClaimRequest, JobFailure, NewJob } from './port.ts';
import { isDuplicateKey } from './mongo-db.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { pendingJob } from './store-values.ts';
import type { JobStore } from './ports/jobs.ts';

export type JobDoc = Omit<Job, 'id'> & { _id: string };

export function jobToDoc({ id, ...rest }: Job): JobDoc {
  return { _id: id, ...rest };
}

export function docToJob(d: JobDoc): Job {
  return {
    id: d._id,
    type: d.type,
    submissionId: d.submissionId,
    status: d.status,
    attempts: d.attempts,
    runAfter: d.runAfter,
    leaseOwner: d.leaseOwner,
    leaseUntil: d.leaseUntil,
    lastError: d.lastError,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** Job queries the submissions module shares. */
export interface JobQueries {
  /** The submission's job of this type, created (pending) if missing; idempotent. */
  ensure(job: NewJob, now: string): Promise<Job>;
  /** Creates the job of a submission just created (one insert); falls back to `ensure` if it exists. */
  insertNew(job: NewJob, now: string): Promise<Job>;
  forSubmission(submissionId: string, type: JobType): Promise<Job | null>;
}

export function mongoJobQueries(db: Db): JobQueries {
  const jobs = db.collection<JobDoc>(COLLECTIONS.jobs);
  const forSubmission = async (submissionId: string, type: JobType) => {
    const d = await jobs.findOne({ submissionId, type });
    return d ? docToJob(d) : null;
  };
  const queries: JobQueries = {
    async insertNew(job, now) {
      const created = pendingJob(job, now);
      try {
        await jobs.insertOne(jobToDoc(created));
        return created;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return queries.ensure(job, now);
      }
    },
    async ensure(job, now) {
      const { _id, submissionId, type, ...fields } = jobToDoc(pendingJob(job, now));
      try {
        const d = await jobs.findOneAndUpdate({ submissionId, type }, { $setOnInsert: { _id, ...fields } }, { upsert: true, returnDocument: 'after' });
        if (d) return docToJob(d);
      } catch (err) {
        // Two writers upserted the same job at once: the other one created it.
        if (!isDuplicateKey(err)) throw err;
      }
      const existing = await forSubmission(submissionId, type);
      if (!existing) throw new Error(`job ${job.id} for submission ${submissionId} could not be created`);
      return existing;
    },
    forSubmission,
  };
  return queries;
}

export function mongoJobs(db: Db, queries: JobQueries): JobStore {
  const jobs = db.collection<JobDoc>(COLLECTIONS.jobs);
  const held = (id: string, workerId: string): Filter<JobDoc> => ({ _id: id, status: 'running', leaseOwner: workerId });

  return {
    async getJob(id) {
      const d = await jobs.findOne({ _id: id });
      return d ? docToJob(d) : null;
    },
    getJobForSubmission: (submissionId, type) => queries.forSubmission(submissionId, type),
    async claimJob(req: ClaimRequest) {
      const due: Filter<JobDoc> = {
        $or: [
          { status: 'pending', runAfter: { $lte: req.now } },
          { status: 'running', leaseUntil: { $lt: req.now } },
        ],
      };
      const filter: Filter<JobDoc> = req.types ? { $and: [due, { type: { $in: [...req.types] } }] } : due;
      const d = await jobs.findOneAndUpdate(
        filter,
        { $set: { status: 'running', leaseOwner: req.workerId, leaseUntil: req.leaseUntil, updatedAt: req.now }, $inc: { attempts: 1 } },
        { sort: { runAfter: 1, _id: 1 }, returnDocument: 'after' },
      );
      return d ? docToJob(d) : null;
    },
    async renewLease(id, workerId, leaseUntil) {
      return (await jobs.updateOne(held(id, workerId), { $set: { leaseUntil } })).matchedCount === 1;
    },
    async completeJob(id, workerId, now) {
      const done = { status: 'done' as const, leaseOwner: null, leaseUntil: null, updatedAt: now };
      return (await jobs.updateOne(held(id, workerId), { $set: done })).matchedCount === 1;
    },
    async failJob(id, workerId, f: JobFailure) {
      const next = {
        status: f.retryAt === null ? ('failed' as const) : ('pending' as const),
        ...(f.retryAt === null ? {} : { runAfter: f.retryAt }),
        lastError: f.error,
        leaseOwner: null,
        leaseUntil: null,
        updatedAt: f.now,
      };
      return (await jobs.updateOne(held(id, workerId), { $set: next })).matchedCount === 1;
    },
    async requeueJob(job: NewJob, now: string) {
      // Re-running analysis gives the job a fresh set of attempts.
      const reset = { status: 'pending' as const, runAfter: now, attempts: 0, leaseOwner: null, leaseUntil: null, lastError: null, updatedAt: now };
      const d = await jobs.findOneAndUpdate({ submissionId: job.submissionId, type: job.type }, { $set: reset }, { returnDocument: 'after' });
      return d ? docToJob(d) : queries.ensure({ ...job, runAfter: now }, now);
    },
    async countJobs(status) {
      return jobs.countDocuments({ status });
    },
  };
}
