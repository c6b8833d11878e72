// Reading submission.details.analysis (written by analysis/pipeline.ts) for display. The console
// must show whatever is there and say "not analysed yet" for what is not, so each part is
// checked on its own with a schema mirroring analysis/types.ts: a part that is missing or has an
// unexpected shape is null, never a crash and never a guess.
import { z } from 'zod';
import type { FileAnalysis, Redaction, VerdictSuggestion } from '../../../analysis/types.ts';

const yaraSchema = z.union([
  z.object({
    kind: z.literal('scanned'),
    matches: z.array(
      z.object({
        rule: z.string(),
        namespace: z.string().default(''),
        tags: z.array(z.string()).default([]),
        meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
      }),
    ),
  }),
  z.object({ kind: z.literal('not-scanned'), reason: z.string() }),
]);

const avSchema = z.union([
  z.object({ kind: z.literal('infected'), name: z.string() }),
  z.object({ kind: z.literal('clean') }),
  z.object({ kind: z.literal('not-scanned'), reason: z.string(), transient: z.boolean().default(false) }),
  z.object({ kind: z.literal('not-configured') }),
]);

const archiveSchema = z.union([
  z.object({ kind: z.literal('expanded'), members: z.number(), password: z.string().nullable() }),
  z.object({ kind: z.literal('bomb'), reason: z.string() }),
  z.object({ kind: z.literal('too-deep'), depth: z.number() }),
  z.object({ kind: z.literal('too-many-members'), members: z.number() }),
  z.object({ kind: z.literal('encrypted'), triedPasswords: z.number() }),
  z.object({ kind: z.literal('unreadable'), reason: z.string() }),
  z.object({ kind: z.literal('unsupported'), format: z.string() }),
]);

const fileSchema: z.ZodType<FileAnalysis> = z.object({
  file: z.object({
    role: z.enum(['attachment', 'member']),
    declaredName: z.string().nullable(),
    declaredType: z.string().nullable(),
    path: z.array(z.string()),
    parentSha256: z.string().nullable(),
  }),
  facts: z.object({
    sha256: z.string(),
    sha1: z.string(),
    md5: z.string(),
    size: z.number(),
    detectedType: z.string().nullable(),
    detectedExt: z.string().nullable(),
    flags: z
      .object({
        macros: z.boolean().optional(),
        externalLinks: z.array(z.string()).optional(),
        pdfJavaScript: z.boolean().optional(),
        pdfOpenAction: z.boolean().optional(),
        encrypted: z.boolean().optional(),
        typeMismatch: z.boolean().optional(),
      })
      .default({}),
  }),
  yara: yaraSchema,
  av: avSchema,
  archive: archiveSchema.nullable(),
});

const redactionSchema = z.object({ field: z.string(), before: z.string(), after: z.string(), reason: z.string() });
const verdictSchema = z.object({
  verdict: z.enum(['malicious', 'suspicious', 'benign', 'unknown']),
  score: z.number(),
  reasons: z.array(z.string()),
});
const bodySchema = z.object({ label: z.string(), yara: yaraSchema, av: avSchema });

const hopSchema = z.object({
  header: z.number(),
  part: z.enum(['from', 'by']),
  hosts: z.array(z.object({ value: z.string(), role: z.string() })),
  ips: z.array(z.object({ value: z.string(), kind: z.string() })),
});
const receivedSchema = z.object({
  hops: z.number(),
  entry: z.number().nullable(),
  entryMatched: z.string().nullable(),
  attackerSide: z.array(hopSchema),
});

const clusterSchema = z.object({
  label: z.enum(['mass', 'targeted', 'undetermined']),
  members: z
    .array(
      z.object({
        submissionId: z.string(),
        orgId: z.string(),
        sector: z.string().nullable(),
        shared: z.array(z.object({ type: z.string(), value: z.string() })).default([]),
      }),
    )
    .default([]),
  organisations: z.number(),
  sectors: z.array(z.string()).default([]),
  evidence: z.array(z.string()).default([]),
});

export type BodyScanView = z.infer<typeof bodySchema>;
export type ClusterView = z.infer<typeof clusterSchema>;
export type ReceivedCutView = z.infer<typeof receivedSchema>;

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
}

function part<T>(schema: z.ZodType<T>, value: unknown): T | null {
  const r = schema.safeParse(value);
  return r.success ? r.data : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function readAnalysis(details: Readonly<Record<string, unknown>>): AnalysisView {
  const a = (typeof details.analysis === 'object' && details.analysis !== null ? details.analysis : {}) as Record<string, unknown>;
  const rawFiles = Array.isArray(a.files) ? a.files : null;
  const files = rawFiles ? rawFiles.map((f) => part(fileSchema, f)).filter((f): f is FileAnalysis => f !== null) : null;
  const original = part(z.object({ unwrapFailed: z.string() }), a.original);
  const error = part(z.object({ reason: z.string() }), details.analysisError);
  return {
    analysedAt: typeof a.analysedAt === 'string' ? a.analysedAt : null,
    files,
    unreadableFiles: rawFiles && files ? rawFiles.length - files.length : 0,
    bodies: part(z.array(bodySchema), a.bodies),
    redactions: part(z.array(redactionSchema), a.redactions),
    verdict: part(verdictSchema, a.verdict),
    received: part(receivedSchema, a.received),
    cluster: part(clusterSchema, a.cluster),
    incomplete: strings(a.incomplete),
    warnings: strings(a.warnings),
    unwrapFailed: original?.unwrapFailed ?? null,
    error: error?.reason ?? null,
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
