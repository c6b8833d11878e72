// The analysis of one submission, in the order of analysis/types.ts: original → files → archives
// (PPAP passwords from the mail's text) → facts and scans → samples → indicators, sanitizer,
// correlation and verdict → the AnalysisRecord in details.analysis (core/analysis-record), the
// original's evidence sealed in the vault (analysis/evidence.ts), and status awaiting-triage.
//
// A result that cannot be final yet (an AV scan that failed transiently, a YARA scan that did not
// run) comes back as `retry` for the worker, with the samples stored (idempotent) and the partial
// summary recorded; on the last attempt it is accepted instead, marked `incomplete`, so the
// analyst still sees the submission, and never as "clean". Every write is idempotent: a job re-run
// after a crash ends in the same records.
//
// A submission whose budget (analysis/budget.ts) is spent is final at once: what was not scanned
// is named, `incomplete: budget` leads the verdict's reasons, and nothing is retried.
import type { Clock } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../core/store/port.ts';
import type { Submission } from '../core/types.ts';
import { ANALYSIS_RECORD_VERSION, readIngestRecord, type AnalysisRecord, type ProtectedPeople } from '../core/analysis-record/index.ts';
import { C4Error } from '../core/errors.ts';
import { dedupKey } from '../core/mail/dedup-key.ts';
import { DEFAULT_UNWRAP_LIMITS, unwrapForward, type OriginalItem, type Unwrapped, type UnwrapLimits } from '../core/mail/forward/index.ts';
import { sha256Hex } from '../quarantine/hashes.ts';
import type { Vault } from '../quarantine/vault-port.ts';
import { expandArchives, ppapPasswords, type ArchiveLimits } from './archives/index.ts';
import { archiveNotExamined } from './archives/not-examined.ts';
import { DEFAULT_BUDGET, startBudget, type BudgetSettings } from './budget.ts';
import { findFiles, plainTextOf, type FoundBody } from './files/index.ts';
import { indicatorStep, type IndicatorDeps, type IndicatorStepResult } from './pipeline-indicators.ts';
import { analyseFiles, OVER_BUDGET, retryReasons, scanBodies, storeSamples, type BodyScan, type Scanners } from './pipeline-files.ts';
import type { ArchiveOutcome, FileAnalysis } from './types.ts';
import { originalEvidence, storeEvidence, unwrapFailedEvidence } from './evidence.ts';

export interface PipelineDeps extends Scanners, IndicatorDeps {
  readonly store: Store;
  readonly vault: Vault;
  readonly clock: Clock;
  readonly log: Logger;
  readonly limits: ArchiveLimits;
  readonly unwrapLimits?: UnwrapLimits;
  /** What one submission may cost (config analysis.budget); DEFAULT_BUDGET when absent. */
  readonly budget?: BudgetSettings;
}

export interface AnalyseOptions {
  /** The job's last attempt: results that would be retried are accepted as incomplete. */
  readonly finalAttempt: boolean;
  /** Aborted when the worker lost its lease: stop before writing more. */
  readonly signal?: AbortSignal;
}

/** What an analyst sees first: the typed AnalysisRecord (core/analysis-record), stored in submission.details.analysis. */
export type AnalysisSummary = AnalysisRecord;

export type AnalysisResult =
  { readonly kind: 'analysed'; readonly summary: AnalysisSummary } | { readonly kind: 'retry'; readonly reason: string; readonly summary: AnalysisSummary };

/** Candidate passwords tried last: the sample-exchange convention, for re-submitted samples. */
const CONVENTIONAL_PASSWORDS = ['infected'];

/** The item of this submission among the originals of its message (one submission per original). */
export function itemOfSubmission(unwrapped: Unwrapped, submission: Submission, raw: Buffer): OriginalItem {
  for (const item of unwrapped.items) {
    const sha = item.rawSource === 'message' ? sha256Hex(raw) : sha256Hex(item.raw);
    if (dedupKey(item.headers.messageId, sha) === submission.dedupKey) return item;
  }
  const ingest = readIngestRecord(submission.details);
  const index = ingest && 'item' in ingest ? ingest.item : 1;
  return unwrapped.items[index - 1] ?? unwrapped.items[0]!;
}

/** Texts that may hold a PPAP password: the original, the other mails of the message, the notes. */
function passwordTexts(unwrapped: Unwrapped, item: OriginalItem, bodies: readonly FoundBody[]): string[] {
  const others = unwrapped.items.filter((i) => i !== item).map(plainTextOf);
  const nested = bodies.filter((b) => b.label.includes('/') && b.label.endsWith('/text')).map((b) => b.content);
  return [plainTextOf(item), ...nested, ...others, unwrapped.note ?? '', ...unwrapped.innerNotes];
}

function archiveNotExaminedReason(f: FileAnalysis): string[] {
  const why = archiveNotExamined(f.archive);
  return why ? [`${f.file.path.join('/')}: not examined (${why})`] : [];
}

function countArchives(files: readonly FileAnalysis[]): AnalysisSummary['archives'] {
  const out: Partial<Record<ArchiveOutcome['kind'], number>> = {};
  for (const f of files) if (f.archive) out[f.archive.kind] = (out[f.archive.kind] ?? 0) + 1;
  return out;
}

export async function analyseSubmission(deps: PipelineDeps, submission: Submission, options: AnalyseOptions): Promise<AnalysisResult> {
  const { signal } = options;
  const log = deps.log.child({ submissionId: submission.id });
  const budget = startBudget(deps.budget ?? DEFAULT_BUDGET);
  const org = await deps.store.getOrganisation(submission.orgId);
  if (!org) throw new C4Error('NOT_FOUND', `organisation ${submission.orgId} of submission ${submission.id} is missing`);
  const raw = await deps.vault.get(submission.rawSha256);

  // 1–3. The original, its files and bodies, archives opened with the mail's PPAP passwords.
  const unwrapped = await unwrapForward(raw, deps.unwrapLimits ?? DEFAULT_UNWRAP_LIMITS, { internalDomains: org.domains });
  const item = unwrapped.kind === 'unwrapped' ? itemOfSubmission(unwrapped, submission, raw) : null;
  const found = item ? await findFiles(item, deps.unwrapLimits) : { files: [], bodies: [], warnings: [], notExamined: [] };
  const passwords = unwrapped.kind === 'unwrapped' && item ? [...ppapPasswords(passwordTexts(unwrapped, item, found.bodies)), ...CONVENTIONAL_PASSWORDS] : [];
  const expanded = await expandArchives(found.files, passwords, deps.limits);

  // 4–5. Scans of the bodies as decoded (a message that could not be unwrapped is scanned whole),
  // first: the mail itself is scanned whatever its archives cost. Then files' facts and scans.
  const bodies = await scanBodies(item ? found.bodies : [{ label: 'raw', content: raw }], deps, signal, budget);
  const files = await analyseFiles(expanded, deps, signal, budget);
  const samples = await storeSamples({ store: deps.store, vault: deps.vault, now: () => deps.clock().toISOString() }, submission, files, signal);
  const overrun = budget.overrun();
  if (overrun) log.warn({ event: 'analysis.budget_spent', reason: overrun }, 'analysis budget spent; the rest is not scanned');
  const unscanned = [
    ...files.flatMap((f) => retryReasons(f.analysis.file.path.join('/'), f.analysis)),
    ...bodies.flatMap((b) => retryReasons(`body ${b.label}`, b)),
  ];
  // Over budget, nothing is retried; the files left unscanned for the budget are counted in its line.
  const retry = overrun ? [] : unscanned;
  // Not examined for good (a retry would not change it): nesting cut, archives not opened.
  const notExamined = [
    ...found.notExamined,
    ...files.flatMap((f) => archiveNotExaminedReason(f.analysis)),
    ...files.flatMap((f) => f.warnings.map((w) => `${f.analysis.file.path.join('/')}: member not examined (${w})`)),
  ];
  const incomplete = [...(overrun ? [overrun] : []), ...unscanned.filter((r) => !r.includes(OVER_BUDGET)), ...notExamined];
  // What the console shows of the original and the victim gate protects, sealed like the raw mail.
  const evidenceOf = (people: ProtectedPeople | null) =>
    storeEvidence(
      { store: deps.store, vault: deps.vault, now: () => deps.clock().toISOString() },
      submission,
      unwrapped.kind === 'failed' ? unwrapFailedEvidence(unwrapped, raw) : originalEvidence(unwrapped, item!, people),
    );
  const base = {
    version: ANALYSIS_RECORD_VERSION,
    analysedAt: deps.clock().toISOString(),
    original: item
      ? { form: item.form, rawSource: item.rawSource }
      : { unwrapFailed: unwrapped.kind === 'failed' ? `${unwrapped.reason}: ${unwrapped.message}` : 'unknown' },
    files: files.map((f) => f.analysis),
    bodies,
    samples,
    archives: countArchives(files.map((f) => f.analysis)),
    incomplete,
    warnings: [...(unwrapped.kind === 'unwrapped' ? unwrapped.warnings : []), ...found.warnings, ...files.flatMap((f) => f.warnings)],
  };

  if (retry.length && !options.finalAttempt) {
    signal?.throwIfAborted();
    const evidence = await evidenceOf(null);
    const summary: AnalysisRecord = { ...base, indicators: 0, redactions: [], sanitizedSubject: null, verdict: null, cluster: null, related: null, evidence };
    signal?.throwIfAborted();
    await deps.store.updateSubmission(submission.id, { detailsMerge: { analysis: summary } }, deps.clock().toISOString());
    log.info({ event: 'analysis.retry', incomplete: incomplete.length }, 'scans incomplete; will retry');
    return { kind: 'retry', reason: retry.join('; '), summary };
  }

  // 6–8. Indicators (sanitized, warning lists) stored, correlation, cluster and verdict suggestion.
  signal?.throwIfAborted();
  const original = unwrapped.kind === 'unwrapped' && item ? { unwrapped, item } : null;
  const step = await indicatorStep(deps, { submission, original, files, bodies: bodies.map((b) => b.yara), now: deps.clock().toISOString() });

  // 9. Ready for triage. The summary is merged into the stored details (what triage or a notice
  // wrote meanwhile stays); it carries every key, so nothing of an earlier attempt's summary remains.
  const { indicators, redactions, otherRecipients, sanitizedSubject, cluster, related, received } = step;
  const verdict = overrun ? { ...step.verdict, reasons: [overrun, ...step.verdict.reasons.filter((r) => !r.includes(OVER_BUDGET))] } : step.verdict;
  signal?.throwIfAborted();
  const evidence = await evidenceOf(step.people);
  const summary: AnalysisRecord = { ...base, indicators, redactions, otherRecipients, sanitizedSubject, verdict, cluster, related, received, evidence };
  signal?.throwIfAborted();
  await deps.store.updateSubmission(submission.id, { status: 'awaiting-triage', detailsMerge: { analysis: summary } }, deps.clock().toISOString());
  log.info({ event: 'analysis.done', files: files.length, samples, indicators, incomplete: incomplete.length }, 'analysed');
  return { kind: 'analysed', summary };
}
