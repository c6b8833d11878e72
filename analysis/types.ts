// Records and ports shared by the analysis stages. Scanners record, policies decide (STYLE.md).
//
// The pipeline (analysis/pipeline.ts) runs, for one submission:
//   1. raw from the vault → unwrapForward (core/mail/forward) → the original item of this submission
//   2. files: the original's attachments (and nested messages' attachments)   analysis/files/
//   3. archives expanded within limits, PPAP passwords tried                    analysis/archives/
//   4. facts per file: hashes, detected type, macro/PDF flags → vault + sample  analysis/files/
//   5. YARA-X and ClamAV on every file and on decoded bodies                    analysis/engines/
//   6. candidate indicators from headers, bodies, files, scan results           analysis/indicators/
//   7. sanitizer (recipients, participants, victim ids) and warning lists       analysis/sanitize/
//   8. indicators stored with their source; correlation, clustering, verdict    analysis/correlate/, analysis/verdict.ts
//   9. submission → awaiting-triage with the analysis summary in details.analysis
import type { ErrorCode } from '../core/errors.ts';
import type { IndicatorType, InfoKind, Verdict } from '../core/types.ts';

/** Closed outcome of the anti-virus scan of one file: never `clean` when the scan failed. */
export type AvOutcome =
  | { readonly kind: 'infected'; readonly name: string }
  | { readonly kind: 'clean' }
  | { readonly kind: 'not-scanned'; readonly reason: string; readonly transient: boolean; readonly code?: AvErrorCode };

/** Why an AV scan failed, when it failed (not for "could not examine" alerts or an empty file). */
export type AvErrorCode = Extract<ErrorCode, 'CLAMAV_UNAVAILABLE' | 'CLAMAV_STREAM_TOO_LARGE'>;

export interface YaraMatch {
  readonly rule: string;
  readonly namespace: string;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string | number | boolean>>;
}

/** Closed outcome of the YARA scan of one buffer; any engine error or "too many matches" is not-scanned. */
export type YaraOutcome = { readonly kind: 'scanned'; readonly matches: readonly YaraMatch[] } | { readonly kind: 'not-scanned'; readonly reason: string };

export interface YaraScanner {
  scan(content: Buffer): Promise<YaraOutcome>;
  /** Rule files loaded, and those that failed to compile with their error. */
  status(): { readonly loaded: readonly string[]; readonly errors: readonly { readonly file: string; readonly error: string }[] };
  close(): Promise<void>;
}

export interface AvScanner {
  /** null when no clamd is configured: the system says "AV not configured" instead of a result. */
  scan(content: Buffer): Promise<AvOutcome>;
  /** Closes kept-open connections; later scans open new ones. */
  close?(): Promise<void>;
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

/** One file found in a submission: an attachment, or a member of an archive (nested). */
export interface FoundFile {
  readonly content: Buffer;
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
  readonly file: Omit<FoundFile, 'content'>;
  readonly facts: FileFacts;
  readonly yara: YaraOutcome;
  readonly av: AvOutcome | { readonly kind: 'not-configured' };
  readonly archive: ArchiveOutcome | null;
}

/** Where an indicator was found, for the analyst (never published as such). */
export interface IndicatorOrigin {
  readonly field: string;
  readonly detail?: string;
}

export interface CandidateIndicator {
  readonly type: IndicatorType;
  /** Normalised value (lower-case host names, punycode, canonical URL…). */
  readonly value: string;
  /** Unicode form of an IDN host, when different from value. */
  readonly unicode?: string;
  readonly kind: InfoKind;
  readonly origins: readonly IndicatorOrigin[];
  /** Warning lists it matched: kept for the analyst, excluded from automatic publication. */
  readonly warningLists: readonly string[];
  /**
   * Warning lists that only advise (a popular host under a URL with a path): shown with the
   * indicator, which is still published.
   */
  readonly advisories?: readonly string[];
}

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
