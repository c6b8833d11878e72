// Everything the submission page shows, loaded in one place: the record, its organisation and
// submitter, samples, indicator rows with their publication state, the original message as the
// analysis recorded it (sealed evidence, for display only; the raw mail is not read), the
// analysis record, related submissions and the victim-name check.
import type { Logger } from '../../../core/logger.ts';
import type { Store } from '../../../core/store/port.ts';
import type { Job, Organisation, Principal, Sample, Submission, SubmissionNote } from '../../../core/types.ts';
import type { SanitizationRules } from '../../../analysis/sanitize/index.ts';
import type { Vault } from '../../../quarantine/vault-port.ts';
import { readAnalysis, type AnalysisView } from './analysis-summary.ts';
import { indicatorRows, publicationPreview, relatedSubmissions, type IndicatorRow, type KindPreview } from './preview.ts';
import {
  checkVictimNames,
  publishedTexts,
  readOriginal,
  triageState,
  victimCheckBlocks as triageBlocks,
  type OriginalView,
  type TriageState,
  type VictimCheck,
} from '../../../sharing/triage/index.ts';

export interface SubmissionLoadDeps {
  readonly store: Store;
  readonly vault: Vault;
  readonly dropAddress: string;
  readonly hostname: string;
  readonly rules: SanitizationRules;
  readonly log?: Logger | undefined;
}

export type { OriginalView } from '../../../sharing/triage/index.ts';

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
  /** The analysts' internal notes, newest first (staff only: the console is the staff's). */
  readonly notes: readonly SubmissionNote[];
  /** Active analysts and secretariat members by id: assignee and note author names, hand-over choices. */
  readonly staff: ReadonlyMap<string, Principal>;
}

/** Active analysts and secretariat members by id. */
export async function staffById(store: Pick<Store, 'listPrincipals'>): Promise<ReadonlyMap<string, Principal>> {
  const all = await store.listPrincipals();
  return new Map(all.filter((p) => p.status === 'active' && p.roles.some((r) => r === 'analyst' || r === 'secretariat')).map((p) => [p.id, p]));
}

export async function loadSubmissionView(deps: SubmissionLoadDeps, id: string): Promise<SubmissionView | null> {
  const submission = await deps.store.getSubmission(id);
  if (!submission) return null;
  const [org, submitter, samples, items, job, organisations, notes, staff] = await Promise.all([
    deps.store.getOrganisation(submission.orgId),
    deps.store.getPrincipal(submission.principalId),
    deps.store.listSamples(submission.id),
    deps.store.listIndicatorsForSubmission(submission.id),
    deps.store.getJobForSubmission(submission.id, 'analyse'),
    deps.store.listOrganisations(),
    deps.store.listSubmissionNotes(submission.id),
    staffById(deps.store),
  ]);
  const latest = await deps.store.latestPublications(items.map((i) => i.indicator.id));
  const marked = new Set(await deps.store.markedFalsePositives(items.map((i) => i.indicator.id)));
  const rows = indicatorRows(submission, items, latest, marked);
  const original = await readOriginal(deps.vault, submission, deps.log);
  const relatedIds = relatedSubmissions(rows, 20);
  const related = await Promise.all(relatedIds.map(async (r) => ({ ...r, submission: await deps.store.getSubmission(r.submissionId) })));
  const victim = checkVictimNames({ ...deps, submission, organisations, original, published: publishedTexts(submission, items, marked) });
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
    notes,
    staff,
  };
}

/** Approval is blocked while the victim-name check has findings nobody acknowledged (sharing/triage). */
export function victimCheckBlocks(view: Pick<SubmissionView, 'victim' | 'triage'>): boolean {
  return triageBlocks(view.victim, view.triage);
}
