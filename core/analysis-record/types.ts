// The typed hand-off between stages (issue 13). Ingest records what it found (IngestRecord, in
// submission.details.ingest); analysis records what it found and decided (AnalysisRecord, in
// submission.details.analysis) and seals what of the original the console and the victim gate
// need (OriginalEvidence, a vault blob named by AnalysisRecord.evidence). Triage, the console and
// the exporters read these records; none of them reads or parses the raw mail again.
// Types only: the parsers for what comes back from the store are in parse.ts.
import type { ErrorCode } from '../errors.ts';
import type { MailAddress } from '../mail/forward/types.ts';
import type { ClusterFeature, Verdict } from '../types.ts';

// ---- scan outcomes (analysers record, policies decide: STYLE.md) ----

/** Closed outcome of the anti-virus scan of one file: never `clean` when the scan failed. */
export type AvOutcome =
  | { readonly kind: 'infected'; readonly name: string }
  | { readonly kind: 'clean' }
  | { readonly kind: 'not-scanned'; readonly reason: string; readonly transient: boolean; readonly code?: AvErrorCode };

/** Why an AV scan failed, when it failed (not for "could not examine" alerts or an empty file). */
export type AvErrorCode = Extract<ErrorCode, 'CLAMAV_UNAVAILABLE' | 'CLAMAV_STREAM_TOO_LARGE'>;

/** The AV part of a result: an outcome, or no clamd configured ("AV not configured"). */
export type AvResult = AvOutcome | { readonly kind: 'not-configured' };

export interface YaraMatch {
  readonly rule: string;
  readonly namespace: string;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string | number | boolean>>;
}

/** Closed outcome of the YARA scan of one buffer; any engine error or "too many matches" is not-scanned. */
export type YaraOutcome = { readonly kind: 'scanned'; readonly matches: readonly YaraMatch[] } | { readonly kind: 'not-scanned'; readonly reason: string };

// ---- files ----

export interface FileFlags {
  /** Office document with a VBA project. */
  readonly macros?: boolean;
  /** External template / OLE link targets found in an Office document. */
  readonly externalLinks?: readonly string[];
  readonly pdfJavaScript?: boolean;
  readonly pdfOpenAction?: boolean;
  /** Encrypted archive or document. */
  readonly encrypted?: boolean;
  /** Declared extension or type disagrees with the detected type. */
  readonly typeMismatch?: boolean;
}

/** Static facts about a file, from its bytes only. */
export interface FileFacts {
  readonly sha256: string;
  readonly sha1: string;
  readonly md5: string;
  readonly size: number;
  /** MIME type detected from content (magic numbers), or null when unknown. */
  readonly detectedType: string | null;
  readonly detectedExt: string | null;
  readonly flags: FileFlags;
}

/** Where a file was found: an attachment, or a member of an archive (nested). */
export interface FileRef {
  readonly role: 'attachment' | 'member';
  readonly declaredName: string | null;
  readonly declaredType: string | null;
  /** Names from the outermost attachment down to this file, e.g. ['a.zip', 'b.zip', 'c.lnk']. */
  readonly path: readonly string[];
  /** SHA-256 of the archive this file came out of, or null for attachments. */
  readonly parentSha256: string | null;
}

/** What happened when an archive was opened. */
export type ArchiveOutcome =
  | { readonly kind: 'expanded'; readonly members: number; readonly password: string | null }
  | { readonly kind: 'bomb'; readonly reason: string }
  | { readonly kind: 'too-deep'; readonly depth: number }
  | { readonly kind: 'too-many-members'; readonly members: number }
  | { readonly kind: 'encrypted'; readonly triedPasswords: number }
  | { readonly kind: 'unreadable'; readonly reason: string }
  /** A format we recognise (ACE, zstd…) but cannot open. */
  | { readonly kind: 'unsupported'; readonly format: string };

/** The analysis of one file, as stored in the sample's details and shown to analysts. */
export interface FileAnalysis {
  readonly file: FileRef;
  readonly facts: FileFacts;
  readonly yara: YaraOutcome;
  readonly av: AvResult;
  readonly archive: ArchiveOutcome | null;
}

/** The scans of one decoded body of the mail (`text`, `html`, `a.eml/text`…). */
export interface BodyScan {
  readonly label: string;
  readonly yara: YaraOutcome;
  readonly av: AvResult;
}

// ---- sanitizer, Received cut, cluster, verdict ----

/** A replacement the sanitizer made; recorded for the analyst, never published. */
export interface Redaction {
  readonly field: string;
  readonly before: string;
  readonly after: string;
  readonly reason: string;
}

export interface VerdictSuggestion {
  readonly verdict: Verdict;
  readonly score: number;
  readonly reasons: readonly string[];
}

/** One side of a Received field: the sending (`from`) or receiving (`by`) server. */
export interface HopNode {
  /** Index of the Received field, 0 = top (last hop). */
  readonly header: number;
  readonly part: 'from' | 'by';
  /** Host names in normal form: HELO name and reverse-DNS name for `from`, the server for `by`. */
  readonly hosts: readonly { readonly value: string; readonly unicode?: string; readonly role: 'helo' | 'rdns' | 'by' }[];
  /** IP addresses in normal form. */
  readonly ips: readonly { readonly value: string; readonly kind: 'ipv4' | 'ipv6' }[];
}

/** Where the Received chain was cut (analysis/indicators/received.ts): what the console shows. */
export interface ReceivedCutSummary {
  readonly hops: number;
  /** Index (0 = top) of the lowest hop inside participants' infrastructure, or null when none is. */
  readonly entry: number | null;
  readonly entryMatched: string | null;
  readonly attackerSide: readonly HopNode[];
}

export type ClusterLabelKind = 'mass' | 'targeted' | 'undetermined';

export interface ClusterMember {
  readonly submissionId: string;
  readonly orgId: string;
  readonly sector: string | null;
  /** The features it shares with this submission. */
  readonly shared: readonly ClusterFeature[];
}

export interface ClusterLabel {
  readonly label: ClusterLabelKind;
  /** Other submissions of the cluster, most shared features first. */
  readonly members: readonly ClusterMember[];
  /** Organisations and sectors of the cluster, this submission's included. */
  readonly organisations: number;
  readonly sectors: readonly string[];
  /** Human-readable reasons for the label (RED-level: for analysts). */
  readonly evidence: readonly string[];
}

// ---- the records ----

/** What ingest found for one submission (submission.details.ingest). Class decisions are on the row (Submission.classDecisions). */
export type IngestRecord =
  | {
      readonly form: string;
      /** Part path of the original in the received message. */
      readonly path?: readonly unknown[];
      readonly rawSource: string;
      /** This original's place among the originals of the message (1-based) and their number. */
      readonly item: number;
      readonly items: number;
      readonly warnings: readonly string[];
      readonly originalMessageId: string | null;
    }
  | { readonly unwrapFailed: { readonly reason: string; readonly message: string }; readonly originalMessageId: null };

export const ANALYSIS_RECORD_VERSION = 1 as const;

/** The sealed evidence blob of an analysis: its vault id (SHA-256 of the plaintext). */
export interface EvidenceRef {
  readonly sha256: string;
}

/** What analysis recorded for one submission (submission.details.analysis). */
export interface AnalysisRecord {
  /** ANALYSIS_RECORD_VERSION; a stored analysis without it was written before the typed record (legacy). */
  readonly version: typeof ANALYSIS_RECORD_VERSION;
  readonly analysedAt: string;
  readonly original: { readonly form: string; readonly rawSource: string } | { readonly unwrapFailed: string };
  readonly files: readonly FileAnalysis[];
  readonly bodies: readonly BodyScan[];
  readonly samples: number;
  readonly archives: Readonly<Partial<Record<ArchiveOutcome['kind'], number>>>;
  /** Indicators stored for this submission (sanitized, warning-listed ones flagged); their origins are in their sources' context. */
  readonly indicators: number;
  /** What the sanitizer removed or replaced: for the analyst, never published. */
  readonly redactions: readonly Redaction[];
  /** Recipients at no registered domain (not protected: an attacker may name anyone in To:). */
  readonly otherRecipients?: readonly string[];
  readonly sanitizedSubject: string | null;
  readonly verdict: VerdictSuggestion | null;
  readonly cluster: ClusterLabel | null;
  readonly related: { readonly submissions: number; readonly sharedIndicators: number } | null;
  /** Where the Received chain was cut; null when the original could not be read. */
  readonly received?: ReceivedCutSummary | null;
  /** What was not examined: never read as clean. */
  readonly incomplete: readonly string[];
  readonly warnings: readonly string[];
  /** The sealed OriginalEvidence of this analysis (vault blob, sample role `evidence`). */
  readonly evidence: EvidenceRef | null;
}

export const ORIGINAL_EVIDENCE_VERSION = 1 as const;

/** A header field of the original: as written, and decoded (RFC 2047, Japanese charsets) for display. */
export interface HeaderField {
  readonly name: string;
  readonly value: string;
  readonly decoded: string;
}

/**
 * Who the sanitizer protected for this submission (analysis/sanitize buildSanitizeContext, with the
 * original's headers, bodies, attachments and archive members searched): the victim gate protects
 * the same people, together with the registry's identifiers as they are at the time of the check.
 */
export interface ProtectedPeople {
  readonly victims: readonly MailAddress[];
  readonly submitters: readonly MailAddress[];
}

/**
 * What of the original the console shows and the victim gate needs, written once by analysis and
 * sealed in the vault like the raw mail (SECURITY.md): it holds recipients and the mail's text.
 */
export type OriginalEvidence =
  | {
      readonly version: typeof ORIGINAL_EVIDENCE_VERSION;
      readonly kind: 'original';
      /** The submitter's note of the forward, or null when the message was not a forward. */
      readonly note: string | null;
      readonly headers: readonly HeaderField[];
      /** Received fields of the original, top first. */
      readonly received: readonly string[];
      readonly text: string | null;
      readonly html: string | null;
      /** The HTML body as the text a reader would see (script and style dropped). */
      readonly htmlText: string | null;
      /** null while the analysis had not reached the sanitizer (a retried attempt). */
      readonly people: ProtectedPeople | null;
    }
  | {
      readonly version: typeof ORIGINAL_EVIDENCE_VERSION;
      readonly kind: 'unwrap-failed';
      readonly reason: string;
      /** The first bytes of the message, as text. */
      readonly rawText: string;
    };
