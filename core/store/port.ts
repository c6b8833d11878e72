// The store port: every query the rest of the system makes. Adapters (SQLite, MongoDB) only
// translate; they pass one contract suite (test/contracts/store.contract.ts).
//
// Rules every adapter keeps:
// - a method resolves only once its write is durable (SQLite: committed with synchronous=FULL;
//   MongoDB: acknowledged with the configured write concern);
// - expected outcomes are values (`null` for not found); broken invariants throw C4Error;
// - no method needs a multi-document transaction for correctness (MongoDB adapter).
import type {
  ApiToken,
  ClusterFeature,
  AuditEvent,
  ClassByKind,
  ClassDecision,
  Envelope,
  FalsePositiveEntry,
  Indicator,
  IndicatorSource,
  IndicatorType,
  InfoKind,
  Job,
  JobType,
  Language,
  Organisation,
  Principal,
  PublicationAction,
  PublicationEntry,
  Sample,
  SharingClass,
  Sighting,
  SubmissionFeature,
  Submission,
  SubmissionStatus,
  Verdict,
} from '../types.ts';

export type NewOrganisation = Omit<Organisation, 'createdAt'>;
export type NewPrincipal = Omit<Principal, 'createdAt'>;
export type PrincipalPatch = Partial<
  Pick<
    Principal,
    | 'displayName'
    | 'email'
    | 'roles'
    | 'status'
    | 'passwordHash'
    | 'mustChangePassword'
    | 'smtpSecretHash'
    | 'allowedSenders'
    | 'totpSecret'
    | 'language'
    | 'timeZone'
  >
>;
export type OrganisationPatch = Partial<Omit<Organisation, 'id' | 'createdAt'>>;

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

export interface NewSample extends Omit<Sample, 'purgedAt'> {}

/** A sample record written together with its submission (the submission id is filled in). */
export type SubmissionSample = Omit<NewSample, 'submissionId'>;

export interface IndicatorInput {
  readonly type: IndicatorType;
  /** Normalised value; the id is derived from type and value. */
  readonly value: string;
  readonly kind: InfoKind;
  readonly class: SharingClass;
  readonly context?: Readonly<Record<string, unknown>>;
}

export interface IndicatorWithSources {
  readonly indicator: Indicator;
  readonly sources: readonly IndicatorSource[];
}

export interface NewPublication {
  readonly idempotencyKey: string;
  readonly action: PublicationAction;
  readonly indicatorId: string;
  readonly submissionId: string;
  readonly kind: InfoKind;
  readonly class: SharingClass;
}

export interface PublicationQuery {
  /** Entries with seq strictly greater than this. */
  readonly afterSeq: number;
  readonly limit: number;
  readonly classes?: readonly SharingClass[];
  readonly indicatorIds?: readonly string[];
}

/** The publication log as one viewer may read it (the pull API, TAXII, feeds). */
export interface PublicationFeedQuery {
  /** Entries with seq strictly greater than this. */
  readonly afterSeq: number;
  readonly limit: number;
  /** Entries published at one of these classes, by any organisation … */
  readonly classes: readonly SharingClass[];
  /** … plus entries of this organisation's own submissions at one of `classes` of this clause. */
  readonly ownOrg?: { readonly orgId: string; readonly classes: readonly SharingClass[] } | null;
  /** Only entries for indicators of these types. */
  readonly types?: readonly IndicatorType[];
  /** Only entries published strictly after this ISO time. */
  readonly publishedAfter?: string;
}

/** A source together with the latest log entry of its (indicator, submission) pair. */
export interface PublishedSource {
  readonly source: IndicatorSource;
  readonly latest: { readonly action: PublicationAction; readonly class: SharingClass };
}

/** One entry of a feed page (listFeedPage). */
export interface FeedPageEntry {
  readonly entry: PublicationEntry;
  /**
   * On the latest entry of each indicator in the page (null on its earlier entries): the indicator
   * as it is now, its sources that have a log entry (each with its latest one, in seen_at,
   * submission order) and all its sightings (in id order). Null too if the indicator is gone.
   */
  readonly current: {
    readonly indicator: Indicator;
    readonly sources: readonly PublishedSource[];
    readonly sightings: readonly Sighting[];
  } | null;
}

export interface NewSighting {
  readonly indicatorId: string;
  readonly orgId: string;
  readonly class: SharingClass;
  readonly count: number;
  readonly seenAt: string;
  /** A repeated (orgId, idempotencyKey) returns the sighting already recorded. */
  readonly idempotencyKey: string | null;
}

export interface ClusterFeatureQuery {
  /** Features to look for (type and value equal). */
  readonly features: readonly ClusterFeature[];
  /** Leave this submission's own features out. */
  readonly excludeSubmissionId?: string;
  /** Only features seen at or after this ISO time. */
  readonly seenFrom?: string;
  /** At most this many rows per feature, newest first. */
  readonly limitPerFeature: number;
}

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

export interface SampleRefQuery {
  /** Only records whose blob is still stored (purgedAt null). */
  readonly unpurgedOnly: boolean;
  /** Records stored strictly before this time. */
  readonly storedBefore?: string;
  /** Paging on (sha256, submissionId). */
  readonly after?: { readonly sha256: string; readonly submissionId: string } | null;
  readonly limit: number;
}

export interface StoreCounts {
  readonly organisations: number;
  readonly principals: number;
  readonly submissions: number;
  readonly samples: number;
  readonly indicators: number;
  readonly indicatorSources: number;
  readonly publications: number;
  readonly jobs: number;
  readonly auditEvents: number;
  readonly drills: number;
  readonly drillNotices: number;
  readonly digestSubscriptions: number;
  readonly digestDeliveries: number;
  readonly falsePositives: number;
}

// Console (the analyst web app): server-side sessions, the second factor's state, submission search.

/** Where a console login stands: password checked, then second factor, then (if due) a new password. */
export type ConsoleSessionStage = 'second-factor' | 'enrol' | 'change-password' | 'active';

export interface ConsoleSession {
  /** SHA-256 (hex) of the random session id in the cookie; the id itself is never stored. */
  readonly idHash: string;
  readonly principalId: string;
  readonly stage: ConsoleSessionStage;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly clientAddress: string;
  /** State of a pending login step (e.g. the encrypted TOTP secret being enrolled). */
  readonly data: Readonly<Record<string, unknown>>;
}

export type ConsoleSessionPatch = Partial<Pick<ConsoleSession, 'stage' | 'lastSeenAt' | 'data'>>;

/** A principal's second-factor bookkeeping (the encrypted TOTP secret itself is Principal.totpSecret). */
export interface SecondFactor {
  readonly principalId: string;
  /** Keyed hashes of the unused recovery codes. */
  readonly recoveryCodeHashes: readonly string[];
  /** Last TOTP time step accepted (a code is accepted once), or null. */
  readonly lastTotpStep: number | null;
  readonly updatedAt: string;
}

/** The console's queue search: a SubmissionFilter plus what analysts filter and sort on. */
export interface SubmissionSearch extends SubmissionFilter {
  /** Submissions of one of these organisations (a sector is turned into its organisations). */
  readonly orgIds?: readonly string[];
  readonly verdicts?: readonly Verdict[];
  /** The verdict analysis suggested (details.analysis.verdict.verdict), whatever the analyst set. */
  readonly suggestedVerdicts?: readonly string[];
  /** The cluster label analysis gave (details.analysis.cluster.label: mass, targeted, undetermined). */
  readonly clusterLabels?: readonly string[];
  /** Substring of the subject, id, Message-ID or campaign, ignoring case and width (core/store/search-pattern.ts). */
  readonly text?: string;
  /**
   * Submissions with, for each entry, a source of an indicator of one of its types whose value
   * contains `contains` (ignoring case and width): YARA rule names, AV signature names.
   */
  readonly indicators?: readonly { readonly types: readonly IndicatorType[]; readonly contains: string }[];
  /** newest (default): receivedAt desc, id desc; oldest: the reverse. Cursors carry over only within one order. */
  readonly order?: 'newest' | 'oldest';
}

// Drills (情報連絡訓練): a test notice to every point of contact, acknowledged by reply or link.

export type DrillAckVia = 'reply' | 'link';

export interface Drill {
  readonly id: string;
  readonly title: string;
  /** Principal id, or `cli:<user>`. */
  readonly startedBy: string;
  readonly startedAt: string;
}

export interface DrillNotice {
  readonly id: string;
  readonly drillId: string;
  readonly orgId: string;
  /** The organisation's name and language when the drill started (the report shows what was sent). */
  readonly orgName: string;
  readonly language: Language;
  readonly contactName: string;
  /** The contact's e-mail address; '' when the contact has none (the notice cannot be sent). */
  readonly address: string;
  /** Keyed hash of the acknowledgement token (core/drills.ts); the token itself is never stored. */
  readonly tokenHash: string;
  readonly sentAt: string | null;
  /** First acknowledgement; later ones change nothing. */
  readonly ackAt: string | null;
  readonly ackVia: DrillAckVia | null;
  /** Why the notice was not sent (last attempt), or null. */
  readonly lastError: string | null;
}

/** A notice as created with its drill: not sent, not acknowledged. */
export type NewDrillNotice = Omit<DrillNotice, 'drillId' | 'sentAt' | 'ackAt' | 'ackVia'>;

export type DrillSendOutcome = { readonly sentAt: string } | { readonly error: string };

export interface DrillAck {
  readonly notice: DrillNotice;
  /** false when the notice had been acknowledged before (its first time and way are kept). */
  readonly first: boolean;
}

// Digests (sharing/digests): a reader's subscription, its cursor on the publication log and the
// messages delivered. The cursor moves only after the relay accepted a message.

export type DigestAttachmentMode = 'zip' | 'link' | 'none';

/** What the subscriber chose; changeable after subscribing. */
export interface DigestSubscriptionSettings {
  readonly attachments: DigestAttachmentMode;
  /** Password of the attachments' zip, sealed with the secrets key (core/sealed-text.ts), or null. */
  readonly zipPasswordSealed: string | null;
  /** PEM certificate that AMBER digests are S/MIME-encrypted to, or null. */
  readonly smimeCertificate: string | null;
  /** A participant opted in to AMBER-and-wider digests (sent only as the channel policy allows). */
  readonly amber: boolean;
  readonly disabled: boolean;
}

export interface NewDigestSubscription extends DigestSubscriptionSettings {
  readonly id: string;
  /** The reader receiving it: its e-mail and language, its organisation's tier. */
  readonly principalId: string;
  /** Name of a schedule in policies/digests/schedules.json. */
  readonly schedule: string;
  /** Entries with a seq greater than this are delivered. */
  readonly cursorSeq: number;
  readonly createdAt: string;
}

export interface DigestSubscription extends NewDigestSubscription {
  /** Last publication seq delivered: entries up to it were sent (or had nothing for this reader). */
  readonly cursorSeq: number;
  /**
   * End of the range of the message being delivered, fixed before it is sent so that a resend
   * after a crash covers the same range (same Message-ID); null when no message is under way.
   */
  readonly pendingToSeq: number | null;
  /** The schedule slot (ISO time) last handled, or null. */
  readonly lastSlotAt: string | null;
  readonly leaseOwner: string | null;
  /** End of the run lease; after a failed run, the time before which it is not retried. */
  readonly leaseUntil: string | null;
  /** Error code of the last failed run; null after a run that succeeded. */
  readonly lastError: string | null;
  readonly updatedAt: string;
}

export type DigestSubscriptionPatch = Partial<DigestSubscriptionSettings>;

export interface DigestSubscriptionFilter {
  readonly principalId?: string;
  readonly schedule?: string;
}

/** One message the relay accepted: publication entries with fromSeq < seq <= toSeq. */
export interface DigestDelivery {
  /** Deterministic per (subscription, fromSeq, toSeq): a resend of the same range has the same id. */
  readonly id: string;
  readonly subscriptionId: string;
  /** The cursor before the message (exclusive). */
  readonly fromSeq: number;
  /** The cursor after it (inclusive). */
  readonly toSeq: number;
  readonly messageId: string;
  readonly sentAt: string;
  /** `relay` or the outbox file. */
  readonly via: string;
}

export interface DigestClaim {
  readonly subscriptionId: string;
  readonly owner: string;
  readonly now: string;
  readonly leaseUntil: string;
  /** The publication log's end read at the start of the run: the pending range ends here unless one is pending already. */
  readonly logEnd: number;
}

export interface DigestRelease {
  readonly subscriptionId: string;
  readonly owner: string;
  readonly now: string;
  /** The schedule slot handled (success or nothing new); omitted after a failure, so it is retried. */
  readonly slotAt?: string;
  /** Not claimable again before this time (after a failure), or null. */
  readonly retryAt: string | null;
  /** Forget the pending range (nothing in it for this reader). */
  readonly clearPending: boolean;
  readonly error: string | null;
}

/**
 * Exchange-level false positives (sharing/false-positives.ts), one entry per indicator: a role
 * port of the Store, with its own contract suite (test/contracts/store-false-positives.contract.ts).
 */
export interface FalsePositiveStore {
  /**
   * Records the entry; when the indicator is marked already, the first entry stays and is
   * returned with `created: false` (two analysts marking at once: one entry, one winner).
   */
  markFalsePositive(entry: FalsePositiveEntry): Promise<{ readonly entry: FalsePositiveEntry; readonly created: boolean }>;
  /** Removes the entry and returns it; null when the indicator was not marked. */
  unmarkFalsePositive(indicatorId: string): Promise<FalsePositiveEntry | null>;
  getFalsePositive(indicatorId: string): Promise<FalsePositiveEntry | null>;
  /** The ids among these that are marked (the publication's batch "is marked?"). */
  markedFalsePositives(indicatorIds: readonly string[]): Promise<readonly string[]>;
  /** Entries in indicator id order after `afterId` (null: from the first). */
  listFalsePositives(afterId: string | null, limit: number): Promise<readonly FalsePositiveEntry[]>;
}

export interface Store extends FalsePositiveStore {
  readonly backend: 'sqlite' | 'mongodb';

  // Organisations
  createOrganisation(org: NewOrganisation, now: string): Promise<Organisation>;
  getOrganisation(id: string): Promise<Organisation | null>;
  getOrganisationByName(name: string): Promise<Organisation | null>;
  listOrganisations(): Promise<readonly Organisation[]>;
  updateOrganisation(id: string, patch: OrganisationPatch): Promise<Organisation | null>;
  /** Deletes the organisation record only (callers check it has no principals or submissions); false when unknown. */
  deleteOrganisation(id: string): Promise<boolean>;

  // Principals
  createPrincipal(p: NewPrincipal, now: string): Promise<Principal>;
  getPrincipal(id: string): Promise<Principal | null>;
  getPrincipalByName(name: string): Promise<Principal | null>;
  listPrincipals(filter?: { readonly orgId?: string }): Promise<readonly Principal[]>;
  updatePrincipal(id: string, patch: PrincipalPatch): Promise<Principal | null>;

  // API tokens (the JWT itself is never stored; its jti is)
  createToken(token: Omit<ApiToken, 'revokedAt'>): Promise<ApiToken>;
  getToken(jti: string): Promise<ApiToken | null>;
  listTokens(principalId?: string): Promise<readonly ApiToken[]>;
  /** Returns the token with revokedAt set; revoking twice keeps the first time. Null if unknown. */
  revokeToken(jti: string, at: string): Promise<ApiToken | null>;

  // Submissions and their analysis job, created together and idempotently.
  /**
   * Creates the submission with its job and first sample records in one atomic step (one durable
   * write on SQLite). For a duplicate, the existing submission is returned, its job ensured, and
   * the samples attached to it. Without transactions (MongoDB) each write is an idempotent upsert,
   * so a retry after a crash between them completes the same records.
   */
  createSubmission(sub: NewSubmission, job: NewJob, samples?: readonly SubmissionSample[]): Promise<CreatedSubmission>;
  getSubmission(id: string): Promise<Submission | null>;
  findSubmissionByDedupKey(orgId: string, dedupKey: string): Promise<Submission | null>;
  listSubmissions(filter: SubmissionFilter, page: PageRequest): Promise<Page<Submission>>;
  countSubmissionsByStatus(filter?: Omit<SubmissionFilter, 'status'>): Promise<Readonly<Record<SubmissionStatus, number>>>;
  updateSubmission(id: string, patch: SubmissionPatch, now: string): Promise<Submission | null>;

  // Samples (blob references; tombstones after purge)
  putSample(sample: NewSample): Promise<Sample>;
  listSamples(submissionId: string): Promise<readonly Sample[]>;
  listSampleRefs(query: SampleRefQuery): Promise<readonly Sample[]>;
  /**
   * Marks the blob's unpurged references purged and returns how many changed; with
   * `submissionIds`, only those (the ones retention judged), so a reference recorded since stays live.
   */
  markBlobPurged(sha256: string, at: string, submissionIds?: readonly string[]): Promise<number>;

  // Indicators with their sources
  /** Upserts each indicator and this submission's source for it (one source per indicator and submission). */
  upsertIndicators(submissionId: string, orgId: string, seenAt: string, inputs: readonly IndicatorInput[]): Promise<readonly Indicator[]>;
  getIndicator(id: string): Promise<IndicatorWithSources | null>;
  listIndicatorsForSubmission(submissionId: string): Promise<readonly IndicatorWithSources[]>;
  setSourceFalsePositive(indicatorId: string, submissionId: string, falsePositive: boolean): Promise<boolean>;
  removeIndicatorSource(indicatorId: string, submissionId: string): Promise<boolean>;

  // Publication log
  /** Appends entries in order with strictly increasing seq; an existing idempotencyKey returns its entry. */
  appendPublications(entries: readonly NewPublication[], now: string): Promise<readonly PublicationEntry[]>;
  listPublications(query: PublicationQuery): Promise<readonly PublicationEntry[]>;
  lastPublicationSeq(): Promise<number>;

  // Sharing reads (pull API, TAXII, feeds) and sightings
  /** The indicators with these ids that exist, each with all its sources. */
  getIndicators(ids: readonly string[]): Promise<readonly IndicatorWithSources[]>;
  /** The latest log entry of each (indicator, submission) pair of these indicators. */
  latestPublications(indicatorIds: readonly string[]): Promise<readonly PublicationEntry[]>;
  /** Log entries in seq order matching the query (see PublicationFeedQuery). */
  listPublicationFeed(query: PublicationFeedQuery): Promise<readonly PublicationEntry[]>;
  /** listPublicationFeed with what a view of each indicator is computed from, in one read. */
  listFeedPage(query: PublicationFeedQuery): Promise<readonly FeedPageEntry[]>;
  addSighting(sighting: NewSighting, now: string): Promise<{ readonly sighting: Sighting; readonly created: boolean }>;
  listSightings(indicatorIds: readonly string[]): Promise<readonly Sighting[]>;

  // Export: reading every record back (c4tap migrate, copy verification)
  /** Indicators in id order after `afterId` (null: from the first), also those without sources. */
  listIndicators(afterId: string | null, limit: number): Promise<readonly Indicator[]>;
  /** The clustering features recorded for one submission, by type and value. */
  listClusterFeatures(submissionId: string): Promise<readonly SubmissionFeature[]>;
  /** Drills in id order after `afterId` (null: from the first); their notices come from listDrillNotices. */
  listDrillsAfter(afterId: string | null, limit: number): Promise<readonly Drill[]>;
  /** The deliveries of every subscription in id order after `afterId` (null: from the first). */
  listDigestDeliveriesAfter(afterId: string | null, limit: number): Promise<readonly DigestDelivery[]>;

  // Clustering features (analysis/correlate: mass mailing vs targeted)
  /** Replaces the clustering features of a submission (idempotent). */
  putClusterFeatures(submissionId: string, orgId: string, seenAt: string, features: readonly ClusterFeature[]): Promise<void>;
  /** Features of submissions equal to any of the query's, newest first, bounded per feature. */
  findClusterFeatures(query: ClusterFeatureQuery): Promise<readonly SubmissionFeature[]>;

  // Jobs
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

  // Audit (append-only hash chain; the chain logic lives in core/audit.ts)
  /**
   * Appends one event. `make` receives the current last event (or null) and returns the new one;
   * the adapter guarantees `make` sees the true last event (transaction or retry on seq conflict).
   */
  appendAudit(make: (prev: AuditEvent | null) => AuditEvent): Promise<AuditEvent>;
  listAudit(afterSeq: number, limit: number): Promise<readonly AuditEvent[]>;
  /** The head record (seq and hash of the last appended event), written with each append. */
  auditHead(): Promise<{ readonly seq: number; readonly hash: string } | null>;

  // Console sessions, second factor, queue search
  createConsoleSession(session: ConsoleSession): Promise<ConsoleSession>;
  getConsoleSession(idHash: string): Promise<ConsoleSession | null>;
  updateConsoleSession(idHash: string, patch: ConsoleSessionPatch): Promise<ConsoleSession | null>;
  deleteConsoleSession(idHash: string): Promise<boolean>;
  /** Ends every session of a principal, or every session last seen before a time; returns how many. */
  deleteConsoleSessions(filter: { readonly principalId?: string; readonly lastSeenBefore?: string }): Promise<number>;
  getSecondFactor(principalId: string): Promise<SecondFactor | null>;
  /** Replaces the principal's second-factor record (enrolment, new recovery codes). */
  putSecondFactor(factor: SecondFactor): Promise<SecondFactor>;
  deleteSecondFactor(principalId: string): Promise<boolean>;
  /** Removes one unused recovery code; true when it was there (each code works once, also under races). */
  consumeRecoveryCode(principalId: string, codeHash: string, now: string): Promise<boolean>;
  /** Records a TOTP time step when it is later than the last one accepted; false for a replayed code. */
  acceptTotpStep(principalId: string, step: number, now: string): Promise<boolean>;
  searchSubmissions(search: SubmissionSearch, page: PageRequest): Promise<Page<Submission>>;
  countSubmissionSearch(search: Omit<SubmissionSearch, 'status' | 'order'>): Promise<Readonly<Record<SubmissionStatus, number>>>;

  // Drills (情報連絡訓練)
  /** Creates the drill with its notices; notice ids and token hashes are unique (CONFLICT otherwise). */
  createDrill(drill: Drill, notices: readonly NewDrillNotice[]): Promise<Drill>;
  getDrill(id: string): Promise<Drill | null>;
  /** Newest first (startedAt desc, id desc). */
  listDrills(limit: number): Promise<readonly Drill[]>;
  /** The drill's notices ordered by organisation name, contact name, address, id. */
  listDrillNotices(drillId: string): Promise<readonly DrillNotice[]>;
  getDrillNoticeByTokenHash(tokenHash: string): Promise<DrillNotice | null>;
  /** Records one send attempt: sentAt (clearing lastError) or the error. Null for an unknown notice. */
  markDrillNoticeSent(noticeId: string, outcome: DrillSendOutcome): Promise<DrillNotice | null>;
  /**
   * Gives a notice that was never sent nor acknowledged a new token hash (its old token never
   * reached anyone), for sending it again. Null when the notice is unknown, was sent or acknowledged.
   */
  reissueDrillNotice(noticeId: string, tokenHash: string): Promise<DrillNotice | null>;
  /** Records the acknowledgement once: a later one keeps the first time and way. Null for an unknown hash. */
  acknowledgeDrillNotice(tokenHash: string, at: string, via: DrillAckVia): Promise<DrillAck | null>;

  // Digests (sharing/digests)
  /** CONFLICT when the principal already has a subscription on this schedule. */
  createDigestSubscription(sub: NewDigestSubscription): Promise<DigestSubscription>;
  getDigestSubscription(id: string): Promise<DigestSubscription | null>;
  /** Subscriptions (disabled ones too) in createdAt, id order. */
  listDigestSubscriptions(filter?: DigestSubscriptionFilter): Promise<readonly DigestSubscription[]>;
  updateDigestSubscription(id: string, patch: DigestSubscriptionPatch, now: string): Promise<DigestSubscription | null>;
  /**
   * Takes the run lease of an enabled subscription whose lease is free or ended, and fixes the
   * pending range: kept when one is pending, else ending at `logEnd` when that is past the cursor.
   * Null when disabled, unknown or leased to another run.
   */
  claimDigestRun(claim: DigestClaim): Promise<DigestSubscription | null>;
  /**
   * Records the delivery (idempotent by id: the first record stays) and, only when the cursor is at
   * its fromSeq, moves the cursor to its toSeq and clears the pending range (compare-and-set).
   * `advanced` says whether the cursor moved. A retry after a crash completes what is missing.
   */
  recordDigestDelivery(delivery: DigestDelivery): Promise<{ readonly advanced: boolean }>;
  /** Ends the run lease held by `owner`; false when another run holds it. */
  releaseDigestRun(release: DigestRelease): Promise<boolean>;
  getDigestDelivery(id: string): Promise<DigestDelivery | null>;
  /** The subscription's deliveries, newest (highest toSeq) first. */
  listDigestDeliveries(subscriptionId: string, limit: number): Promise<readonly DigestDelivery[]>;

  counts(): Promise<StoreCounts>;
  close(): Promise<void>;
}
