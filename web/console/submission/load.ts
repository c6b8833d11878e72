// Everything the submission page shows, loaded in one place: the record, its organisation and
// submitter, samples, indicator rows with their publication state, the original message re-read
// from the vault (as text, for display only), the analysis summary, related submissions and the
// victim-name check.
import { isC4Error } from '../../../core/errors.ts';
import type { Store } from '../../../core/store/port.ts';
import type { Job, Organisation, Principal, Sample, Submission } from '../../../core/types.ts';
import { itemOfSubmission } from '../../../analysis/pipeline.ts';
import type { SanitizationRules } from '../../../analysis/sanitize/index.ts';
import { DEFAULT_UNWRAP_LIMITS, unwrapForward, type OriginalItem, type Unwrapped } from '../../../ingest/unwrap/index.ts';
import type { Vault } from '../../../quarantine/vault-port.ts';
import { readAnalysis, type AnalysisView } from './analysis-summary.ts';
import { indicatorRows, publicationPreview, relatedSubmissions, type IndicatorRow, type KindPreview } from './preview.ts';
import { triageState, type TriageState } from './triage-state.ts';
import { checkVictimNames, type VictimCheck } from './victim-check.ts';

export interface SubmissionLoadDeps {
  readonly store: Store;
  readonly vault: Vault;
  readonly dropAddress: string;
  readonly hostname: string;
  readonly rules: SanitizationRules;
}

export type OriginalView =
  | { readonly kind: 'ok'; readonly unwrapped: Unwrapped; readonly item: OriginalItem }
  | { readonly kind: 'unwrap-failed'; readonly reason: string; readonly rawText: string }
  | { readonly kind: 'unavailable'; readonly code: string };

export interface SubmissionView {
  readonly submission: Submission;
  readonly org: Organisation | null;
  readonly submitter: Principal | null;
  readonly samples: readonly Sample[];
  readonly rows: readonly IndicatorRow[];
  readonly preview: readonly KindPreview[];
  readonly analysis: AnalysisView;
  readonly original: OriginalView;
  readonly related: readonly { readonly submission: Submission | null; readonly submissionId: string; readonly shared: number }[];
  readonly victim: VictimCheck;
  readonly triage: TriageState;
  readonly job: Job | null;
}

/** Shown as text: the first bytes of a message that could not be unwrapped. */
const RAW_TEXT_MAX = 256 * 1024;

async function readOriginal(deps: SubmissionLoadDeps, sub: Submission, org: Organisation | null): Promise<OriginalView> {
  let raw: Buffer;
  try {
    raw = await deps.vault.get(sub.rawSha256);
  } catch (err) {
    if (isC4Error(err)) return { kind: 'unavailable', code: err.code };
    throw err;
  }
  const unwrapped = await unwrapForward(raw, DEFAULT_UNWRAP_LIMITS, { internalDomains: org?.domains ?? [] });
  if (unwrapped.kind === 'failed') return { kind: 'unwrap-failed', reason: `${unwrapped.reason}: ${unwrapped.message}`, rawText: raw.subarray(0, RAW_TEXT_MAX).toString('latin1') };
  return { kind: 'ok', unwrapped, item: itemOfSubmission(unwrapped, sub, raw) };
}

export async function loadSubmissionView(deps: SubmissionLoadDeps, id: string): Promise<SubmissionView | null> {
  const submission = await deps.store.getSubmission(id);
  if (!submission) return null;
  const [org, submitter, samples, items, job, organisations] = await Promise.all([
    deps.store.getOrganisation(submission.orgId),
    deps.store.getPrincipal(submission.principalId),
    deps.store.listSamples(submission.id),
    deps.store.listIndicatorsForSubmission(submission.id),
    deps.store.getJobForSubmission(submission.id, 'analyse'),
    deps.store.listOrganisations(),
  ]);
  const latest = await deps.store.latestPublications(items.map((i) => i.indicator.id));
  const marked = new Set(await deps.store.markedFalsePositives(items.map((i) => i.indicator.id)));
  const rows = indicatorRows(submission, items, latest, marked);
  const original = await readOriginal(deps, submission, org);
  const relatedIds = relatedSubmissions(rows, 20);
  const related = await Promise.all(relatedIds.map(async (r) => ({ ...r, submission: await deps.store.getSubmission(r.submissionId) })));
  const published = rows.filter((r) => r.decision.kind === 'publish').map((r) => ({ field: r.indicator.type, value: r.indicator.value }));
  const victim = checkVictimNames({
    submission,
    organisations,
    unwrapped: original.kind === 'ok' ? original.unwrapped : null,
    item: original.kind === 'ok' ? original.item : null,
    dropAddress: deps.dropAddress,
    hostname: deps.hostname,
    rules: deps.rules,
    published: [...published, ...(submission.campaign ? [{ field: 'campaign', value: submission.campaign }] : [])],
  });
  return {
    submission,
    org,
    submitter,
    samples,
    rows,
    preview: publicationPreview(submission, rows),
    analysis: readAnalysis(submission.details),
    original,
    related,
    victim,
    triage: triageState(submission),
    job,
  };
}

/** Approval is blocked while the victim-name check has findings nobody acknowledged. */
export function victimCheckBlocks(view: Pick<SubmissionView, 'victim' | 'triage'>): boolean {
  return view.victim.findings.length > 0 && view.triage.victimAck?.fingerprint !== view.victim.fingerprint;
}
