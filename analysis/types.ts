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
//   9. submission → awaiting-triage with the AnalysisRecord in details.analysis (core/analysis-record),
//      the original's evidence sealed in the vault
import type { AvOutcome, FileRef, YaraOutcome } from '../core/analysis-record/index.ts';
import type { IndicatorType, InfoKind } from '../core/types.ts';

// The records analysis writes are typed in core (core/analysis-record), where the console, triage
// and exporters read them too.
export type {
  ArchiveOutcome,
  AvErrorCode,
  AvOutcome,
  FileAnalysis,
  FileFacts,
  FileFlags,
  Redaction,
  VerdictSuggestion,
  YaraMatch,
  YaraOutcome,
} from '../core/analysis-record/index.ts';

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

/** One file found in a submission: an attachment, or a member of an archive (nested), with its bytes. */
export interface FoundFile extends FileRef {
  readonly content: Buffer;
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
