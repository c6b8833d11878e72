// Reading submission.details.analysis (the AnalysisRecord, core/analysis-record) for display. The
// console must show whatever is there and say "not analysed yet" for what is not. A current record
// is read whole; a legacy one (written before the record had a version) or one that does not have
// the expected shape is read part by part with the record's own schemas: a part that is missing or
// has an unexpected shape is null, never a crash and never a guess.
import type { z } from 'zod';
import {
  bodySchema,
  clusterSchema,
  fileSchema,
  readAnalysisRecord,
  receivedSchema,
  redactionSchema,
  verdictSchema,
  type BodyScan,
  type ClusterLabel,
  type FileAnalysis,
  type ReceivedCutSummary,
  type Redaction,
  type VerdictSuggestion,
} from '../../../core/analysis-record/index.ts';

export type BodyScanView = BodyScan;
export type ClusterView = ClusterLabel;
export type ReceivedCutView = ReceivedCutSummary;

export interface AnalysisView {
  readonly analysedAt: string | null;
  /** null: no file list recorded yet. */
  readonly files: readonly FileAnalysis[] | null;
  /** Entries that did not have the expected shape (shown as a warning). */
  readonly unreadableFiles: number;
  readonly bodies: readonly BodyScanView[] | null;
  readonly redactions: readonly Redaction[] | null;
  readonly verdict: VerdictSuggestion | null;
  readonly received: ReceivedCutView | null;
  readonly cluster: ClusterView | null;
  readonly incomplete: readonly string[];
  readonly warnings: readonly string[];
  readonly unwrapFailed: string | null;
  readonly error: string | null;
  /** The stored analysis predates the typed record (no version): parts are read one by one. */
  readonly legacy: boolean;
}

function part<T>(schema: z.ZodType<T>, value: unknown): T | null {
  const r = schema.safeParse(value);
  return r.success ? r.data : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function analysisError(details: Readonly<Record<string, unknown>>): string | null {
  const e = details['analysisError'];
  return typeof e === 'object' && e !== null && typeof (e as { reason?: unknown }).reason === 'string' ? (e as { reason: string }).reason : null;
}

/** A record that could not be read whole (legacy, or of an unexpected shape), part by part. */
function readParts(a: Readonly<Record<string, unknown>>, legacy: boolean, error: string | null): AnalysisView {
  const rawFiles = Array.isArray(a.files) ? a.files : null;
  const files = rawFiles ? rawFiles.map((f) => part(fileSchema, f)).filter((f): f is FileAnalysis => f !== null) : null;
  const original = a.original as { unwrapFailed?: unknown } | undefined;
  return {
    analysedAt: typeof a.analysedAt === 'string' ? a.analysedAt : null,
    files,
    unreadableFiles: rawFiles && files ? rawFiles.length - files.length : 0,
    bodies: part(bodySchema.array(), a.bodies),
    redactions: part(redactionSchema.array(), a.redactions),
    verdict: part(verdictSchema, a.verdict),
    received: part(receivedSchema, a.received),
    cluster: part(clusterSchema, a.cluster),
    incomplete: strings(a.incomplete),
    warnings: strings(a.warnings),
    unwrapFailed: typeof original?.unwrapFailed === 'string' ? original.unwrapFailed : null,
    error,
    legacy,
  };
}

export function readAnalysis(details: Readonly<Record<string, unknown>>): AnalysisView {
  const read = readAnalysisRecord(details);
  const error = analysisError(details);
  if (read.kind === 'none') return readParts({}, false, error);
  if (read.kind !== 'record') return readParts(read.stored, read.kind === 'legacy', error);
  const r = read.record;
  return {
    analysedAt: r.analysedAt,
    files: r.files,
    unreadableFiles: 0,
    bodies: r.bodies,
    redactions: r.redactions,
    verdict: r.verdict,
    received: r.received ?? null,
    cluster: r.cluster,
    incomplete: r.incomplete,
    warnings: r.warnings,
    unwrapFailed: 'unwrapFailed' in r.original ? r.original.unwrapFailed : null,
    error,
    legacy: false,
  };
}

/** What a queue row shows of the analysis: the triage signal at a glance. */
export interface QueueSignals {
  readonly suggested: VerdictSuggestion | null;
  /** AV detection names and YARA rule names over files and bodies. */
  readonly av: readonly string[];
  readonly yara: readonly string[];
  /** Attachments of the mail (not archive members): how many, and their types (detected extension). */
  readonly attachments: number;
  readonly types: readonly string[];
  /** Files whose contents were not examined (archives not opened, scans not run). */
  readonly notExamined: number;
  readonly cluster: { readonly label: ClusterView['label']; readonly organisations: number; readonly sectors: number } | null;
}

function typeOf(f: FileAnalysis): string {
  const ext = f.facts.detectedExt ?? /\.([A-Za-z0-9]{1,8})$/.exec(f.file.declaredName ?? '')?.[1] ?? null;
  return ext ? ext.toLowerCase() : '?';
}

export function queueSignals(details: Readonly<Record<string, unknown>>): QueueSignals {
  const a = readAnalysis(details);
  const files = a.files ?? [];
  const av = new Set<string>();
  const yara = new Set<string>();
  for (const scan of [...files, ...(a.bodies ?? [])]) {
    if (scan.av.kind === 'infected') av.add(scan.av.name);
    if (scan.yara.kind === 'scanned') for (const m of scan.yara.matches) yara.add(m.rule);
  }
  const attachments = files.filter((f) => f.file.role === 'attachment');
  return {
    suggested: a.verdict,
    av: [...av],
    yara: [...yara],
    attachments: attachments.length,
    types: [...new Set(files.map(typeOf))],
    notExamined: a.incomplete.length,
    cluster: a.cluster ? { label: a.cluster.label, organisations: a.cluster.organisations, sectors: a.cluster.sectors.length } : null,
  };
}
