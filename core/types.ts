// Domain types shared by every stage. Plain, read-only records; no behaviour here.

export const CLASSES = ['RED', 'AMBER', 'YELLOW', 'GREEN', 'WHITE'] as const;
/** Sharing class, most restrictive first. */
export type SharingClass = (typeof CLASSES)[number];

export const KINDS = ['sample', 'mail', 'network', 'file'] as const;
/** Kind of information a class applies to (DESIGN.md §1). */
export type InfoKind = (typeof KINDS)[number];

export type ClassByKind = Readonly<Record<InfoKind, SharingClass>>;

/** Where a kind's class came from, highest precedence first. */
export const CLASS_SOURCES = ['directive', 'subject-tag', 'drop-address', 'org-default', 'default'] as const;
export type ClassSource = (typeof CLASS_SOURCES)[number];

export interface ClassDecision {
  readonly kind: InfoKind;
  readonly class: SharingClass;
  readonly source: ClassSource;
  /** Human-readable reason, shown in the receipt (e.g. "conflicting directives; most restrictive kept"). */
  readonly reason: string;
}

export const TIERS = ['participant', 'observer', 'affiliate'] as const;
export type Tier = (typeof TIERS)[number];

export const ROLES = ['secretariat', 'analyst', 'submitter', 'reader'] as const;
export type Role = (typeof ROLES)[number];

export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export type ContactMeansKind = 'email' | 'phone' | 'mobile' | 'fax' | 'postal';
export interface ContactMeans {
  readonly kind: ContactMeansKind;
  readonly value: string;
}
/** A point of contact; the council requires at least two means to reach each one. */
export interface PointOfContact {
  readonly name: string;
  readonly means: readonly ContactMeans[];
}

export interface Organisation {
  readonly id: string;
  readonly name: string;
  readonly tier: Tier;
  readonly sector: string;
  /** Registered mail/web domains: never indicators, used by the sanitizer. Lower-case, punycode. */
  readonly domains: readonly string[];
  /** Registered networks in CIDR notation: never indicators. */
  readonly networks: readonly string[];
  readonly contacts: readonly PointOfContact[];
  readonly language: Language;
  /** Organisation's default class profile; kinds left out fall back to RED. */
  readonly defaultClasses: Partial<ClassByKind>;
  readonly rulesAcceptedAt: string | null;
  readonly createdAt: string;
}

export type PrincipalStatus = 'active' | 'disabled';

export interface Principal {
  readonly id: string;
  readonly orgId: string;
  /** Login and SMTP user name; unique, lower-case. */
  readonly name: string;
  readonly displayName: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly status: PrincipalStatus;
  /** scrypt hash (see core/passwords.ts) of the console password, or null. */
  readonly passwordHash: string | null;
  /** The password must be changed at next login (bootstrap, reset). */
  readonly mustChangePassword: boolean;
  /** scrypt hash of the SMTP submission secret, or null when the principal cannot submit by SMTP. */
  readonly smtpSecretHash: string | null;
  /** Envelope senders this principal may use (addresses or `@domain`); empty means any of the org's domains. */
  readonly allowedSenders: readonly string[];
  /** TOTP shared secret (base32), encrypted with the secrets key; null until enrolled. */
  readonly totpSecret: string | null;
  readonly language: Language;
  readonly timeZone: string;
  readonly createdAt: string;
}

export interface ApiToken {
  readonly jti: string;
  readonly principalId: string;
  readonly label: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

export const SUBMISSION_STATUSES = ['received', 'analysing', 'awaiting-triage', 'published', 'rejected', 'failed'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export interface Envelope {
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  readonly remoteAddress: string;
  readonly heloName: string;
  readonly transport: 'smtp' | 'import';
}

export interface Submission {
  readonly id: string;
  readonly principalId: string;
  readonly orgId: string;
  readonly status: SubmissionStatus;
  readonly receivedAt: string;
  readonly updatedAt: string;
  /** SHA-256 of the raw message as received (vault key). */
  readonly rawSha256: string;
  readonly rawSize: number;
  /** Message-ID of the received (outer) message, or null. */
  readonly messageId: string | null;
  /** Duplicate key: one submission per (orgId, dedupKey). */
  readonly dedupKey: string;
  readonly envelope: Envelope;
  readonly classes: ClassByKind;
  readonly classDecisions: readonly ClassDecision[];
  /** Subject of the original suspicious message, as decoded (RED-level data). */
  readonly subject: string | null;
  /** The analyst's verdict (analysis suggests one in details.analysis.verdict). */
  readonly verdict: Verdict | null;
  readonly campaign: string | null;
  /** The analyst working on it ("mine" in the queue), or null (sharing/triage/assignment.ts). */
  readonly assignee: SubmissionAssignment | null;
  /** Free-form analysis/triage results as JSON, owned by later stages. */
  readonly details: Readonly<Record<string, unknown>>;
}

/** Who took a submission, when, and who assigned it (the same principal when they took it themselves). */
export interface SubmissionAssignment {
  readonly principalId: string;
  readonly assignedAt: string;
  readonly assignedBy: string;
}

/** An analyst's internal note on a submission: never published, exported or shown to participants. */
export interface SubmissionNote {
  readonly id: string;
  readonly submissionId: string;
  readonly authorId: string;
  readonly createdAt: string;
  /** Plain text (rendered escaped). */
  readonly text: string;
}

/** Role of a stored blob in a submission; `evidence` is the sealed OriginalEvidence of an analysis (core/analysis-record). */
export type SampleRole = 'raw' | 'original' | 'attachment' | 'member' | 'evidence';

/** A blob referenced by a submission. The record stays as a tombstone after retention purges the blob. */
export interface Sample {
  readonly submissionId: string;
  readonly sha256: string;
  readonly sha1: string;
  readonly md5: string;
  readonly size: number;
  readonly role: SampleRole;
  readonly declaredName: string | null;
  readonly declaredType: string | null;
  readonly detectedType: string | null;
  /** Class of the `sample` kind of the submission when stored (retention period depends on it). */
  readonly class: SharingClass;
  readonly storedAt: string;
  readonly purgedAt: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** STIX-like observable types used for indicators. */
/** What a submission is judged to be: suggested by analysis (analysis/verdict.ts), set by an analyst. */
export const VERDICTS = ['malicious', 'suspicious', 'benign', 'unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const INDICATOR_TYPES = [
  'email-addr',
  'domain-name',
  'ipv4-addr',
  'ipv6-addr',
  'url',
  'email-subject',
  'email-message-id-domain',
  'x-mailer',
  'file-sha256',
  'file-sha1',
  'file-md5',
  'file-name',
  'yara-rule',
  'av-signature',
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export interface Indicator {
  /** Deterministic id derived from type and normalised value (see core/ids.ts). */
  readonly id: string;
  readonly type: IndicatorType;
  readonly value: string;
  readonly createdAt: string;
}

/** One submission's contribution to an indicator; every derived figure is computed from these. */
export interface IndicatorSource {
  readonly indicatorId: string;
  readonly submissionId: string;
  readonly orgId: string;
  readonly kind: InfoKind;
  readonly class: SharingClass;
  readonly seenAt: string;
  readonly falsePositive: boolean;
  readonly context: Readonly<Record<string, unknown>>;
}

/**
 * An exchange-level false positive: an analyst judged this indicator (type and value) not
 * malicious. While the entry exists no source of it is published, from any submission, and what
 * was published of it is retracted (sharing/false-positives.ts). Unmarking removes the entry; the
 * audit log keeps who marked and unmarked it, when and why.
 */
export interface FalsePositiveEntry {
  readonly indicatorId: string;
  readonly type: IndicatorType;
  readonly value: string;
  /** Principal id of the analyst or secretariat member who marked it. */
  readonly markedBy: string;
  readonly markedAt: string;
  readonly reason: string;
}

export type PublicationAction = 'publish' | 'retract';

export interface PublicationEntry {
  /** Strictly increasing across the whole log. */
  readonly seq: number;
  /** Republishing with the same key returns the existing entry. */
  readonly idempotencyKey: string;
  readonly action: PublicationAction;
  readonly indicatorId: string;
  readonly submissionId: string;
  readonly kind: InfoKind;
  readonly class: SharingClass;
  readonly publishedAt: string;
}

/**
 * A participant saw an indicator in its own infrastructure. Counted in indicator views under the
 * class rules; the organisation is kept only to decide visibility and is never shown.
 */
export interface Sighting {
  readonly id: number;
  readonly indicatorId: string;
  readonly orgId: string;
  readonly class: SharingClass;
  /** How many times it was seen in this report (at least 1). */
  readonly count: number;
  readonly seenAt: string;
  readonly reportedAt: string;
}

/** What submissions are clustered by (mass mailing vs targeted): shared sender infrastructure, subject template, URL host, attachment. */
export const CLUSTER_FEATURE_TYPES = ['sender-ip', 'sender-domain', 'subject-template', 'url-host', 'attachment-sha256'] as const;
export type ClusterFeatureType = (typeof CLUSTER_FEATURE_TYPES)[number];

export interface ClusterFeature {
  readonly type: ClusterFeatureType;
  /** Normalised value (registrable domain, IP, template text, SHA-256). */
  readonly value: string;
}

/** A clustering feature as recorded for one submission. */
export interface SubmissionFeature extends ClusterFeature {
  readonly submissionId: string;
  readonly orgId: string;
  readonly seenAt: string;
}

export const JOB_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type JobType = 'analyse';

export interface Job {
  readonly id: string;
  readonly type: JobType;
  readonly submissionId: string;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly runAfter: string;
  readonly leaseOwner: string | null;
  readonly leaseUntil: string | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AuditEvent {
  /** 1, 2, 3, … without gaps. */
  readonly seq: number;
  readonly at: string;
  /** Principal id, or `system`, or `cli:<user>`. */
  readonly actor: string;
  /** Stable action name, e.g. `principal.created`, `retention.purged`. */
  readonly action: string;
  readonly target: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  /** Hash of the previous event (64 zeros for the first). */
  readonly prevHash: string;
  /** SHA-256 over prevHash and this event's canonical content. */
  readonly hash: string;
}
