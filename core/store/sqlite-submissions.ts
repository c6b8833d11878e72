// Submissions in SQLite: created together with their analysis job in one transaction, unique per
// (orgId, dedupKey), listed newest first with keyset paging.
import { C4Error } from '../errors.ts';
import { SUBMISSION_STATUSES, type Submission, type SubmissionStatus, type Verdict } from '../types.ts';
import type { NewJob, NewSubmission, Page, PageRequest, SubmissionFilter, SubmissionPatch, SubmissionSample } from './port.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';
import { checkLimit, definedOnly, fromJson, inWriteTransaction, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import { mergeDetails } from './store-values.ts';
import type { JobQueries } from './sqlite-jobs.ts';
import type { SampleQueries } from './sqlite-samples.ts';
import type { SubmissionStore } from './ports/submissions.ts';

export interface SubmissionRow {
  id: string;
  principal_id: string;
  org_id: string;
  status: string;
  received_at: string;
  updated_at: string;
  raw_sha256: string;
  raw_size: number;
  message_id: string | null;
  dedup_key: string;
  envelope: string;
  classes: string;
  class_decisions: string;
  subject: string | null;
  verdict: Verdict | null;
  campaign: string | null;
  details: string;
  assignee: string | null;
  assigned_at: string | null;
  assigned_by: string | null;
}

interface OutlineRow {
  id: string;
  org_id: string;
  status: string;
  received_at: string;
  analysis_verdict: unknown;
  cluster_label: unknown;
}

/** A JSON value read with json_extract, kept only when it is a string. */
const textOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function submissionToRow(s: Submission): SubmissionRow {
  return {
    id: s.id,
    principal_id: s.principalId,
    org_id: s.orgId,
    status: s.status,
    received_at: s.receivedAt,
    updated_at: s.updatedAt,
    raw_sha256: s.rawSha256,
    raw_size: s.rawSize,
    message_id: s.messageId,
    dedup_key: s.dedupKey,
    envelope: toJson(s.envelope),
    classes: toJson(s.classes),
    class_decisions: toJson(s.classDecisions),
    subject: s.subject,
    verdict: s.verdict,
    campaign: s.campaign,
    details: toJson(s.details),
    assignee: s.assignee?.principalId ?? null,
    assigned_at: s.assignee?.assignedAt ?? null,
    assigned_by: s.assignee?.assignedBy ?? null,
  };
}

export function rowToSubmission(r: SubmissionRow): Submission {
  return {
    id: r.id,
    principalId: r.principal_id,
    orgId: r.org_id,
    status: r.status as SubmissionStatus,
    receivedAt: r.received_at,
    updatedAt: r.updated_at,
    rawSha256: r.raw_sha256,
    rawSize: r.raw_size,
    messageId: r.message_id,
    dedupKey: r.dedup_key,
    envelope: fromJson(r.envelope),
    classes: fromJson(r.classes),
    classDecisions: fromJson(r.class_decisions),
    subject: r.subject,
    verdict: r.verdict,
    campaign: r.campaign,
    assignee: r.assignee === null ? null : { principalId: r.assignee, assignedAt: r.assigned_at ?? '', assignedBy: r.assigned_by ?? r.assignee },
    details: fromJson(r.details),
  };
}

/** WHERE clause and named parameters for a filter; lists travel as JSON arrays through json_each. */
export function filterSql(filter: SubmissionFilter): { where: string; params: Record<string, string> } {
  const conditions: string[] = [];
  const params: Record<string, string> = {};
  if (filter.status) {
    conditions.push('status IN (SELECT value FROM json_each(@statuses))');
    params.statuses = toJson(filter.status);
  }
  if (filter.orgId !== undefined) {
    conditions.push('org_id = @orgId');
    params.orgId = filter.orgId;
  }
  if (filter.principalId !== undefined) {
    conditions.push('principal_id = @principalId');
    params.principalId = filter.principalId;
  }
  if (filter.receivedFrom !== undefined) {
    conditions.push('received_at >= @receivedFrom');
    params.receivedFrom = filter.receivedFrom;
  }
  if (filter.receivedBefore !== undefined) {
    conditions.push('received_at < @receivedBefore');
    params.receivedBefore = filter.receivedBefore;
  }
  if (filter.classOf) {
    conditions.push('json_extract(classes, @classPath) IN (SELECT value FROM json_each(@classOfClasses))');
    params.classPath = `$.${filter.classOf.kind}`;
    params.classOfClasses = toJson(filter.classOf.classes);
  }
  return { where: conditions.length ? conditions.join(' AND ') : '1 = 1', params };
}

export function sqliteSubmissions(db: Db, jobs: JobQueries, samples: SampleQueries): SyncRole<SubmissionStore> {
  const insert = db.prepare<SubmissionRow>(`
    INSERT INTO submissions (id, principal_id, org_id, status, received_at, updated_at, raw_sha256,
                             raw_size, message_id, dedup_key, envelope, classes, class_decisions,
                             subject, verdict, campaign, details, assignee, assigned_at, assigned_by)
    VALUES (@id, @principal_id, @org_id, @status, @received_at, @updated_at, @raw_sha256,
            @raw_size, @message_id, @dedup_key, @envelope, @classes, @class_decisions,
            @subject, @verdict, @campaign, @details, @assignee, @assigned_at, @assigned_by)`);
  const update = db.prepare<SubmissionRow>(`
    UPDATE submissions
       SET status = @status, classes = @classes, class_decisions = @class_decisions, subject = @subject,
           verdict = @verdict, campaign = @campaign, details = @details, updated_at = @updated_at
     WHERE id = @id`);
  const byId = db.prepare<[string], SubmissionRow>('SELECT * FROM submissions WHERE id = ?');
  const byIds = db.prepare<[string], SubmissionRow>('SELECT * FROM submissions WHERE id IN (SELECT value FROM json_each(?))');
  // json_extract reads the two facts inside SQLite: the details JSON never crosses into JavaScript.
  const outlinesByIds = db.prepare<[string], OutlineRow>(`
    SELECT id, org_id, status, received_at,
           json_extract(details, '$.analysis.verdict.verdict') AS analysis_verdict,
           json_extract(details, '$.analysis.cluster.label') AS cluster_label
      FROM submissions WHERE id IN (SELECT value FROM json_each(?))`);
  const byDedup = db.prepare<[string, string], SubmissionRow>('SELECT * FROM submissions WHERE org_id = ? AND dedup_key = ?');

  const getSubmission = (id: string): Submission | null => {
    const row = byId.get(id);
    return row ? rowToSubmission(row) : null;
  };
  const findSubmissionByDedupKey = (orgId: string, dedupKey: string): Submission | null => {
    const row = byDedup.get(orgId, dedupKey);
    return row ? rowToSubmission(row) : null;
  };

  return {
    createSubmission(sub: NewSubmission, job: NewJob, firstSamples: readonly SubmissionSample[] = []) {
      if (job.submissionId !== sub.id) {
        throw new C4Error('VALIDATION_FAILED', 'the job must belong to the submission it is created with', {
          submissionId: sub.id,
          jobSubmissionId: job.submissionId,
        });
      }
      return inWriteTransaction(db, () => {
        const existing = findSubmissionByDedupKey(sub.orgId, sub.dedupKey);
        if (existing) {
          // A duplicate: hand back the first submission and make sure its job exists.
          const existingJob = jobs.forSubmission(existing.id, job.type) ?? jobs.insert({ ...job, submissionId: existing.id }, sub.receivedAt);
          for (const s of firstSamples) samples.put({ ...s, submissionId: existing.id });
          return { submission: existing, created: false, job: existingJob };
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
        insert.run(submissionToRow(submission));
        const created = { submission, created: true, job: jobs.insert(job, sub.receivedAt) };
        for (const s of firstSamples) samples.put({ ...s, submissionId: submission.id });
        return created;
      });
    },
    getSubmission,
    getSubmissions: (ids) => (ids.length === 0 ? [] : byIds.all(JSON.stringify(ids)).map(rowToSubmission)),
    getSubmissionOutlines: (ids) =>
      ids.length === 0
        ? []
        : outlinesByIds.all(JSON.stringify(ids)).map((r) => ({
            id: r.id,
            orgId: r.org_id,
            status: r.status as SubmissionStatus,
            receivedAt: r.received_at,
            analysisVerdict: textOrNull(r.analysis_verdict),
            clusterLabel: textOrNull(r.cluster_label),
          })),
    findSubmissionByDedupKey,
    listSubmissions(filter: SubmissionFilter, page: PageRequest): Page<Submission> {
      const limit = checkLimit(page.limit);
      const { where, params } = filterSql(filter);
      let after = '';
      const cursorParams: Record<string, string> = {};
      if (page.cursor) {
        const position = decodeCursor(page.cursor);
        after = 'AND (received_at < @cursorAt OR (received_at = @cursorAt AND id < @cursorId))';
        cursorParams.cursorAt = position.receivedAt;
        cursorParams.cursorId = position.id;
      }
      // One row more than asked tells whether another page follows.
      const rows = db
        .prepare<Record<string, string | number>, SubmissionRow>(
          `SELECT * FROM submissions WHERE ${where} ${after} ORDER BY received_at DESC, id DESC LIMIT @limit`,
        )
        .all({ ...params, ...cursorParams, limit: limit + 1 });
      const items = rows.slice(0, limit).map(rowToSubmission);
      const last = items[items.length - 1];
      const nextCursor = rows.length > limit && last ? encodeCursor({ receivedAt: last.receivedAt, id: last.id }) : null;
      return { items, nextCursor };
    },
    countSubmissionsByStatus(filter = {}) {
      const { where, params } = filterSql(filter);
      const rows = db
        .prepare<Record<string, string>, { status: string; n: number }>(`SELECT status, COUNT(*) AS n FROM submissions WHERE ${where} GROUP BY status`)
        .all(params);
      const counts = Object.fromEntries(SUBMISSION_STATUSES.map((s) => [s, 0])) as Record<SubmissionStatus, number>;
      for (const row of rows) if (row.status in counts) counts[row.status as SubmissionStatus] = row.n;
      return counts;
    },
    updateSubmission(id: string, patch: SubmissionPatch, now: string) {
      return inWriteTransaction(db, () => {
        const current = getSubmission(id);
        if (!current) return null;
        const { detailsMerge, ...fields } = definedOnly(patch);
        const { status, classes, classDecisions, subject, verdict, campaign, details } = { ...current, ...fields };
        const merged = detailsMerge ? mergeDetails(details, detailsMerge) : details;
        const next: Submission = { ...current, status, classes, classDecisions, subject, verdict, campaign, details: merged, updatedAt: now };
        update.run(submissionToRow(next));
        return next;
      });
    },
  };
}
