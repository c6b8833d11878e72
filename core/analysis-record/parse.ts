// Reading the stage records back from the store (or the vault): what a later stage gets is checked
// against these schemas, never cast. A record that is missing is "not analysed yet", one written
// before the typed record (no version) is "legacy", one that does not have the expected shape is
// "unreadable" with the reason; the readers say so instead of guessing.
import { z } from 'zod';
import { VERDICTS } from '../types.ts';
import {
  ANALYSIS_RECORD_VERSION,
  ORIGINAL_EVIDENCE_VERSION,
  type AnalysisRecord,
  type BodyScan,
  type ClusterLabel,
  type FileAnalysis,
  type IngestRecord,
  type OriginalEvidence,
  type ReceivedCutSummary,
  type Redaction,
  type VerdictSuggestion,
  type YaraOutcome,
  type AvResult,
} from './types.ts';

export const yaraSchema: z.ZodType<YaraOutcome> = z.union([
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

export const avSchema: z.ZodType<AvResult> = z.union([
  z.object({ kind: z.literal('infected'), name: z.string() }),
  z.object({ kind: z.literal('clean') }),
  z.object({
    kind: z.literal('not-scanned'),
    reason: z.string(),
    transient: z.boolean().default(false),
    code: z.enum(['CLAMAV_UNAVAILABLE', 'CLAMAV_STREAM_TOO_LARGE']).optional(),
  }),
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

export const fileSchema: z.ZodType<FileAnalysis> = z.object({
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

export const redactionSchema: z.ZodType<Redaction> = z.object({ field: z.string(), before: z.string(), after: z.string(), reason: z.string() });
export const verdictSchema: z.ZodType<VerdictSuggestion> = z.object({ verdict: z.enum(VERDICTS), score: z.number(), reasons: z.array(z.string()) });
export const bodySchema: z.ZodType<BodyScan> = z.object({ label: z.string(), yara: yaraSchema, av: avSchema });

const hopSchema = z.object({
  header: z.number(),
  part: z.enum(['from', 'by']),
  hosts: z.array(z.object({ value: z.string(), unicode: z.string().optional(), role: z.enum(['helo', 'rdns', 'by']) })),
  ips: z.array(z.object({ value: z.string(), kind: z.enum(['ipv4', 'ipv6']) })),
});
export const receivedSchema: z.ZodType<ReceivedCutSummary> = z.object({
  hops: z.number(),
  entry: z.number().nullable(),
  entryMatched: z.string().nullable(),
  attackerSide: z.array(hopSchema),
});

export const clusterSchema: z.ZodType<ClusterLabel> = z.object({
  label: z.enum(['mass', 'targeted', 'undetermined']),
  members: z
    .array(
      z.object({
        submissionId: z.string(),
        orgId: z.string(),
        sector: z.string().nullable(),
        shared: z
          .array(z.object({ type: z.enum(['sender-ip', 'sender-domain', 'subject-template', 'url-host', 'attachment-sha256']), value: z.string() }))
          .default([]),
      }),
    )
    .default([]),
  organisations: z.number(),
  sectors: z.array(z.string()).default([]),
  evidence: z.array(z.string()).default([]),
});

const ARCHIVE_KINDS = ['expanded', 'bomb', 'too-deep', 'too-many-members', 'encrypted', 'unreadable', 'unsupported'] as const;

const analysisRecordSchema: z.ZodType<AnalysisRecord> = z.object({
  version: z.literal(ANALYSIS_RECORD_VERSION),
  analysedAt: z.string(),
  original: z.union([z.object({ form: z.string(), rawSource: z.string() }), z.object({ unwrapFailed: z.string() })]),
  files: z.array(fileSchema),
  bodies: z.array(bodySchema),
  samples: z.number(),
  archives: z.partialRecord(z.enum(ARCHIVE_KINDS), z.number()),
  indicators: z.number(),
  redactions: z.array(redactionSchema),
  otherRecipients: z.array(z.string()).optional(),
  sanitizedSubject: z.string().nullable(),
  verdict: verdictSchema.nullable(),
  cluster: clusterSchema.nullable(),
  related: z.object({ submissions: z.number(), sharedIndicators: z.number() }).nullable(),
  received: receivedSchema.nullable().optional(),
  incomplete: z.array(z.string()),
  warnings: z.array(z.string()),
  evidence: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).nullable(),
});

/** The stored analysis of a submission, as far as it can be read. */
export type AnalysisRecordRead =
  | { readonly kind: 'none' }
  /** Written before the typed record: parts may be read one by one; there is no sealed evidence. */
  | { readonly kind: 'legacy'; readonly stored: Readonly<Record<string, unknown>> }
  | { readonly kind: 'unreadable'; readonly reason: string; readonly stored: Readonly<Record<string, unknown>> }
  | { readonly kind: 'record'; readonly record: AnalysisRecord };

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  return i ? `${i.path.join('.') || '(record)'}: ${i.message}` : 'unexpected shape';
}

/** submission.details.analysis, checked. */
export function readAnalysisRecord(details: Readonly<Record<string, unknown>>): AnalysisRecordRead {
  const stored = details['analysis'];
  if (stored === undefined || stored === null) return { kind: 'none' };
  if (!isObject(stored)) return { kind: 'unreadable', reason: 'not an object', stored: {} };
  if (stored['version'] === undefined) return { kind: 'legacy', stored };
  const r = analysisRecordSchema.safeParse(stored);
  return r.success ? { kind: 'record', record: r.data } : { kind: 'unreadable', reason: firstIssue(r.error), stored };
}

const addressSchema = z.object({ name: z.string(), address: z.string() });

const evidenceSchema: z.ZodType<OriginalEvidence> = z.discriminatedUnion('kind', [
  z.object({
    version: z.literal(ORIGINAL_EVIDENCE_VERSION),
    kind: z.literal('original'),
    note: z.string().nullable(),
    headers: z.array(z.object({ name: z.string(), value: z.string(), decoded: z.string() })),
    received: z.array(z.string()),
    text: z.string().nullable(),
    html: z.string().nullable(),
    htmlText: z.string().nullable(),
    people: z.object({ victims: z.array(addressSchema), submitters: z.array(addressSchema) }).nullable(),
  }),
  z.object({ version: z.literal(ORIGINAL_EVIDENCE_VERSION), kind: z.literal('unwrap-failed'), reason: z.string(), rawText: z.string() }),
]);

/** The evidence blob as read from the vault: the record, or why it cannot be used. */
export function parseOriginalEvidence(
  bytes: Buffer,
): { readonly ok: true; readonly evidence: OriginalEvidence } | { readonly ok: false; readonly reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message})` };
  }
  const r = evidenceSchema.safeParse(json);
  return r.success ? { ok: true, evidence: r.data } : { ok: false, reason: firstIssue(r.error) };
}

/** The evidence as it is stored: canonical JSON bytes (the same evidence is the same blob). */
export function serializeOriginalEvidence(evidence: OriginalEvidence): Buffer {
  return Buffer.from(JSON.stringify(evidence), 'utf8');
}

const ingestRecordSchema: z.ZodType<IngestRecord> = z.union([
  z.object({
    form: z.string(),
    path: z.array(z.unknown()).optional(),
    rawSource: z.string(),
    item: z.number().int().min(1),
    items: z.number().int().min(1),
    warnings: z.array(z.string()),
    originalMessageId: z.string().nullable(),
  }),
  z.object({ unwrapFailed: z.object({ reason: z.string(), message: z.string() }), originalMessageId: z.null() }),
]);

/** submission.details.ingest, checked; null when absent or not of the expected shape. */
export function readIngestRecord(details: Readonly<Record<string, unknown>>): IngestRecord | null {
  const r = ingestRecordSchema.safeParse(details['ingest']);
  return r.success ? r.data : null;
}
