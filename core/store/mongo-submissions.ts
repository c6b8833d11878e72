// Submissions in MongoDB: unique per (orgId, dedupKey), listed newest first with keyset paging
// (the same opaque cursor as SQLite, core/store/page-cursor.ts).
//
// createSubmission without a transaction. SQLite writes the submission, its job and its first
// samples in one transaction; here they are three writes, in this order:
//   1. insert the submission (the unique dedup index decides who is first);
//   2. insert its job (a new submission has none), or for a duplicate upsert it by
//      (submissionId, type) with `$setOnInsert`, so repeating it changes nothing;
//   3. upsert each sample record by (sha256, submissionId) — replacing it with the same content.
// A crash after 1 leaves a submission whose job or samples are missing. The caller had no answer,
// so nothing was acknowledged (SMTP answers 250 only after createSubmission resolves): the sender
// retries, the retry finds the submission by its dedup key and takes the duplicate path, which
// runs 2 and 3 for the existing submission — the same records a crash-free run writes. Every
// step is idempotent, so any number of retries, also concurrent ones, converge on one submission
// with one job and its samples.
import type { Collection, Db, Filter } from 'mongodb';
import { C4Error } from '../errors.ts';
import { SUBMISSION_STATUSES, type Submission, type SubmissionStatus } from '../types.ts';
import type { CreatedSubmission, NewJob, NewSubmission, Page, PageRequest, SubmissionFilter, SubmissionPatch, SubmissionSample } from './port.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';
import { fromJson, isDuplicateKey, toJson } from './mongo-db.ts';
import type { JobQueries } from './mongo-jobs.ts';
import type { SampleWriter } from './mongo-samples.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { checkLimit, definedOnly, mergeDetails } from './store-values.ts';
import type { SubmissionStore } from './ports/submissions.ts';

/** Documents written before assignment existed have no `assignee`: read as null. */
export type SubmissionDoc = Omit<Submission, 'id' | 'details' | 'assignee'> & { _id: string; details: string; assignee?: Submission['assignee'] };

export function submissionToDoc({ id, details, ...rest }: Submission): SubmissionDoc {
  return { _id: id, ...rest, details: toJson(details) };
}

export function docToSubmission(d: SubmissionDoc): Submission {
  return {
    id: d._id,
    principalId: d.principalId,
    orgId: d.orgId,
    status: d.status,
    receivedAt: d.receivedAt,
    updatedAt: d.updatedAt,
    rawSha256: d.rawSha256,
    rawSize: d.rawSize,
    messageId: d.messageId,
    dedupKey: d.dedupKey,
    envelope: d.envelope,
    classes: d.classes,
    classDecisions: d.classDecisions,
    subject: d.subject,
    verdict: d.verdict,
    campaign: d.campaign,
    assignee: d.assignee ?? null,
    details: fromJson(d.details),
  };
}

/** The string at a path of nested objects, or null. */
function stringAt(value: unknown, ...path: readonly string[]): string | null {
  let at = value;
  for (const key of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return typeof at === 'string' ? at : null;
}

export function submissionFilter(filter: SubmissionFilter): Filter<SubmissionDoc> {
  const conditions: Filter<SubmissionDoc>[] = [];
  if (filter.status) conditions.push({ status: { $in: [...filter.status] } });
  if (filter.orgId !== undefined) conditions.push({ orgId: filter.orgId });
  if (filter.principalId !== undefined) conditions.push({ principalId: filter.principalId });
  if (filter.receivedFrom !== undefined) conditions.push({ receivedAt: { $gte: filter.receivedFrom } });
  if (filter.receivedBefore !== undefined) conditions.push({ receivedAt: { $lt: filter.receivedBefore } });
  if (filter.classOf) conditions.push({ [`classes.${filter.classOf.kind}`]: { $in: [...filter.classOf.classes] } });
  return conditions.length ? { $and: conditions } : {};
}

/**
 * One page of the submissions matching `filter`, newest (receivedAt desc, id desc) or oldest first,
 * continuing after the cursor's position.
 */
export async function pageSubmissions(
  submissions: Collection<SubmissionDoc>,
  filter: Filter<SubmissionDoc>,
  page: PageRequest,
  order: 'newest' | 'oldest',
): Promise<Page<Submission>> {
  const limit = checkLimit(page.limit);
  const conditions: Filter<SubmissionDoc>[] = [filter];
  const op = order === 'oldest' ? '$gt' : '$lt';
  if (page.cursor) {
    const position = decodeCursor(page.cursor);
    conditions.push({ $or: [{ receivedAt: { [op]: position.receivedAt } }, { receivedAt: position.receivedAt, _id: { [op]: position.id } }] });
  }
  const dir = order === 'oldest' ? 1 : -1;
  // One document more than asked tells whether another page follows.
  const docs = await submissions
    .find({ $and: conditions })
    .sort({ receivedAt: dir, _id: dir })
    .limit(limit + 1)
    .toArray();
  const items = docs.slice(0, limit).map(docToSubmission);
  const last = items[items.length - 1];
  const nextCursor = docs.length > limit && last ? encodeCursor({ receivedAt: last.receivedAt, id: last.id }) : null;
  return { items, nextCursor };
}

/** How many submissions matching `filter` are in each status (every status present). */
export async function countByStatus(submissions: Collection<SubmissionDoc>, filter: Filter<SubmissionDoc>): Promise<Record<SubmissionStatus, number>> {
  const rows = await submissions.aggregate<{ _id: string; n: number }>([{ $match: filter }, { $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
  const counts = Object.fromEntries(SUBMISSION_STATUSES.map((s) => [s, 0])) as Record<SubmissionStatus, number>;
  for (const row of rows) if (row._id in counts) counts[row._id as SubmissionStatus] = row.n;
  return counts;
}

/** Compare-and-set rounds of a details merge before giving up with CONFLICT. */
const MERGE_ATTEMPTS = 20;

const PATCH_KEYS = ['status', 'classes', 'classDecisions', 'subject', 'verdict', 'campaign', 'details'] as const satisfies readonly (keyof SubmissionPatch)[];

export function mongoSubmissions(db: Db, jobs: JobQueries, samples: SampleWriter): SubmissionStore {
  const submissions = db.collection<SubmissionDoc>(COLLECTIONS.submissions);

  const getSubmission = async (id: string) => {
    const d = await submissions.findOne({ _id: id });
    return d ? docToSubmission(d) : null;
  };
  const findSubmissionByDedupKey = async (orgId: string, dedupKey: string) => {
    const d = await submissions.findOne({ orgId, dedupKey });
    return d ? docToSubmission(d) : null;
  };

  /** Steps 2 and 3 (see the file comment) for a submission that exists. */
  async function complete(
    submission: Submission,
    created: boolean,
    job: NewJob,
    firstSamples: readonly SubmissionSample[],
    now: string,
  ): Promise<CreatedSubmission> {
    const forSubmission = { ...job, submissionId: submission.id };
    const ensured = created ? await jobs.insertNew(forSubmission, now) : await jobs.ensure(forSubmission, now);
    for (const s of firstSamples) await samples.put({ ...s, submissionId: submission.id });
    return { submission, created, job: ensured };
  }

  return {
    async createSubmission(sub: NewSubmission, job: NewJob, firstSamples: readonly SubmissionSample[] = []) {
      if (job.submissionId !== sub.id) {
        throw new C4Error('VALIDATION_FAILED', 'the job must belong to the submission it is created with', {
          submissionId: sub.id,
          jobSubmissionId: job.submissionId,
        });
      }
      const submission: Submission = {
        ...sub,
        status: 'received',
        updatedAt: sub.receivedAt,
        verdict: null,
        campaign: null,
        assignee: null,
        details: sub.details ?? {},
      };
      try {
        // The unique dedup index answers "is it new?" in the same step as writing it.
        await submissions.insertOne(submissionToDoc(submission));
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // A duplicate (a retry, or the same message arriving concurrently): the first one wins.
        const first = await findSubmissionByDedupKey(sub.orgId, sub.dedupKey);
        if (!first) throw err; // the id itself is taken by another submission: CONFLICT
        return complete(first, false, job, firstSamples, sub.receivedAt);
      }
      return complete(submission, true, job, firstSamples, sub.receivedAt);
    },
    getSubmission,
    getSubmissions: async (ids) => (ids.length === 0 ? [] : (await submissions.find({ _id: { $in: [...ids] } }).toArray()).map(docToSubmission)),
    async getSubmissionOutlines(ids) {
      if (ids.length === 0) return [];
      const docs = await submissions.find({ _id: { $in: [...ids] } }, { projection: { _id: 1, orgId: 1, status: 1, receivedAt: 1, details: 1 } }).toArray();
      // The details are stored as one JSON string (their keys are free-form): only the two facts are kept.
      return docs.map((d) => {
        const details = fromJson<Record<string, unknown>>(d.details);
        return {
          id: d._id,
          orgId: d.orgId,
          status: d.status,
          receivedAt: d.receivedAt,
          analysisVerdict: stringAt(details, 'analysis', 'verdict', 'verdict'),
          clusterLabel: stringAt(details, 'analysis', 'cluster', 'label'),
        };
      });
    },
    findSubmissionByDedupKey,
    listSubmissions: (filter: SubmissionFilter, page: PageRequest) => pageSubmissions(submissions, submissionFilter(filter), page, 'newest'),
    countSubmissionsByStatus: (filter = {}) => countByStatus(submissions, submissionFilter(filter)),
    async updateSubmission(id: string, patch: SubmissionPatch, now: string) {
      const { detailsMerge, ...defined } = definedOnly(patch);
      const fields: Record<string, unknown> = { updatedAt: now };
      for (const key of PATCH_KEYS) {
        if (!(key in defined)) continue;
        fields[key] = key === 'details' ? toJson(defined.details) : defined[key];
      }
      if (!detailsMerge) {
        const d = await submissions.findOneAndUpdate({ _id: id }, { $set: fields }, { returnDocument: 'after' });
        return d ? docToSubmission(d) : null;
      }
      // Details are stored as one JSON string: merge into the stored one and write it back only if
      // nobody changed it meanwhile (compare-and-set), else read again.
      for (let attempt = 0; attempt < MERGE_ATTEMPTS; attempt++) {
        const current = await submissions.findOne({ _id: id }, { projection: { details: 1 } });
        if (!current) return null;
        const base = defined.details ?? fromJson(current.details);
        const details = toJson(mergeDetails(base as Record<string, unknown>, detailsMerge));
        const d = await submissions.findOneAndUpdate({ _id: id, details: current.details }, { $set: { ...fields, details } }, { returnDocument: 'after' });
        if (d) return docToSubmission(d);
      }
      throw new C4Error('CONFLICT', `submission ${id} kept changing while its details were merged`, { submissionId: id });
    },
  };
}
