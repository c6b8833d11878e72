// Role port: submissions and their analysis job, created together and idempotently (ingest,
// analysis, triage, the REST API).
import type { ClassByKind, ClassDecision, Envelope, InfoKind, Job, SharingClass, Submission, SubmissionStatus } from '../../types.ts';
import type { NewJob } from './jobs.ts';
import type { SubmissionSample } from './samples.ts';

export interface NewSubmission {
  readonly id: string;
  readonly principalId: string;
  readonly orgId: string;
  readonly receivedAt: string;
  readonly rawSha256: string;
  readonly rawSize: number;
  readonly messageId: string | null;
  readonly dedupKey: string;
  readonly envelope: Envelope;
  readonly classes: ClassByKind;
  readonly classDecisions: readonly ClassDecision[];
  readonly subject: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type SubmissionPatch = Partial<Pick<Submission, 'status' | 'classes' | 'classDecisions' | 'subject' | 'verdict' | 'campaign' | 'details'>> & {
  /**
   * Merged into the details as they are in the store at the moment of the write (after `details`,
   * if both are given): each key replaces the stored one, except that two plain objects are merged
   * one level deep. Stages that own different keys (analysis, triage, notifications) then never
   * erase each other's writes, as a read-modify-write of the whole details could.
   */
  readonly detailsMerge?: Readonly<Record<string, unknown>>;
};

export interface SubmissionFilter {
  readonly status?: readonly SubmissionStatus[];
  readonly orgId?: string;
  readonly principalId?: string;
  /** ISO timestamps, inclusive lower / exclusive upper bound on receivedAt. */
  readonly receivedFrom?: string;
  readonly receivedBefore?: string;
  /** Submissions whose class for this kind is one of these. */
  readonly classOf?: { readonly kind: InfoKind; readonly classes: readonly SharingClass[] };
}

/** Newest first (receivedAt desc, id desc). `cursor` is opaque: pass back `nextCursor`. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | null;
}

export interface CreatedSubmission {
  readonly submission: Submission;
  /** false when a submission with the same (orgId, dedupKey) already existed: it is returned instead. */
  readonly created: boolean;
  readonly job: Job;
}

/**
 * What a list of many submissions needs of each (the campaign list): no envelope, classes or
 * details, only the two facts analysis recorded in the details, as stored (the reader checks them).
 */
export interface SubmissionOutline {
  readonly id: string;
  readonly orgId: string;
  readonly status: SubmissionStatus;
  readonly receivedAt: string;
  /** details.analysis.verdict.verdict */
  readonly analysisVerdict: string | null;
  /** details.analysis.cluster.label */
  readonly clusterLabel: string | null;
}

export interface SubmissionStore {
  /**
   * Creates the submission with its job and first sample records in one atomic step (one durable
   * write on SQLite). For a duplicate, the existing submission is returned, its job ensured, and
   * the samples attached to it. Without transactions (MongoDB) each write is an idempotent upsert,
   * so a retry after a crash between them completes the same records.
   */
  createSubmission(sub: NewSubmission, job: NewJob, samples?: readonly SubmissionSample[]): Promise<CreatedSubmission>;
  getSubmission(id: string): Promise<Submission | null>;
  /** The submissions of these ids in one read, in no particular order; unknown ids are left out. */
  getSubmissions(ids: readonly string[]): Promise<readonly Submission[]>;
  /** The outlines of these ids in one read, in no particular order; unknown ids are left out. */
  getSubmissionOutlines(ids: readonly string[]): Promise<readonly SubmissionOutline[]>;
  findSubmissionByDedupKey(orgId: string, dedupKey: string): Promise<Submission | null>;
  listSubmissions(filter: SubmissionFilter, page: PageRequest): Promise<Page<Submission>>;
  countSubmissionsByStatus(filter?: Omit<SubmissionFilter, 'status'>): Promise<Readonly<Record<SubmissionStatus, number>>>;
  updateSubmission(id: string, patch: SubmissionPatch, now: string): Promise<Submission | null>;
}
