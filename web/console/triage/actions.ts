// Triage actions on one submission. Each checks its input, changes the store through the port or
// the sharing functions (publication.ts for approve/reject/false positives, class-policy.ts for
// narrowing), and writes one audit event with who, what, before and after. Outcomes are values:
// `done` with the notice to show, or `refused` with the reason, both as catalogue keys.
import type { AuditAppender } from '../../../core/audit.ts';
import { C4Error, isC4Error } from '../../../core/errors.ts';
import type { Clock, IdGenerator } from '../../../core/ids.ts';
import type { SubmissionEventSink } from '../../../core/submission-events.ts';
import { CLASSES, KINDS, type InfoKind, type Principal, type SharingClass, type Submission } from '../../../core/types.ts';
import { neverGuard } from '../../../analysis/sanitize/never.ts';
import { narrowClasses } from '../../../sharing/class-policy.ts';
import { markFalsePositive, unmarkFalsePositive } from '../../../sharing/false-positives.ts';
import { publishSubmission, rejectSubmission, retract } from '../../../sharing/publication.ts';
import type { MessageKey, MessageParams } from '../i18n/index.ts';
import { VERDICTS } from '../queue-query.ts';
import { loadSubmissionView, victimCheckBlocks, type SubmissionLoadDeps } from '../submission/load.ts';
import { consentCeiling, triageState } from '../submission/triage-state.ts';
import { sanitizeContextFor } from '../submission/victim-check.ts';
import { parseIndicatorInput } from './indicator-input.ts';

export interface TriageDeps extends SubmissionLoadDeps {
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** Told after approve/reject (submitter notifications). */
  readonly events?: SubmissionEventSink | undefined;
}

export type ActionOutcome =
  | { readonly kind: 'done'; readonly notice: MessageKey; readonly params?: MessageParams }
  | { readonly kind: 'refused'; readonly message: MessageKey; readonly params?: MessageParams };

const done = (notice: MessageKey, params?: MessageParams): ActionOutcome => ({ kind: 'done', notice, ...(params ? { params } : {}) });
const refused = (message: MessageKey, params?: MessageParams): ActionOutcome => ({ kind: 'refused', message, ...(params ? { params } : {}) });

async function load(deps: TriageDeps, id: string): Promise<Submission> {
  const sub = await deps.store.getSubmission(id);
  if (!sub) throw new C4Error('NOT_FOUND', `no submission ${id}`);
  return sub;
}

async function ownSource(deps: TriageDeps, sub: Submission, indicatorId: string) {
  const item = await deps.store.getIndicator(indicatorId);
  const source = item?.sources.find((s) => s.submissionId === sub.id);
  return item && source ? { indicator: item.indicator, source } : null;
}

const now = (deps: TriageDeps) => deps.clock().toISOString();

/** Removes this submission's source of an indicator; a published one is retracted first. */
export async function removeIndicator(deps: TriageDeps, actor: Principal, submissionId: string, indicatorId: string): Promise<ActionOutcome> {
  const sub = await load(deps, submissionId);
  const found = await ownSource(deps, sub, indicatorId);
  if (!found) return refused('triage.noSuchIndicator');
  const [latest] = (await deps.store.latestPublications([indicatorId])).filter((e) => e.submissionId === sub.id);
  if (latest?.action === 'publish') await retract(deps, { indicatorId, submissionId: sub.id }, actor.id, 'removed by an analyst');
  await deps.store.removeIndicatorSource(indicatorId, sub.id);
  const { type, value } = found.indicator;
  const { kind, class: cls, falsePositive } = found.source;
  await deps.audit({ actor: actor.id, action: 'indicator.removed', target: indicatorId, data: { submissionId: sub.id, before: { type, value, kind, class: cls, falsePositive }, after: null } });
  return done('notice.indicatorRemoved');
}

/**
 * Marks an indicator a false positive exchange-wide (sharing/false-positives.ts: withheld from every
 * submission, retracted wherever published) or clears it: the exchange-level entry and this
 * source's own mark (set by earlier versions).
 */
export async function setFalsePositive(deps: TriageDeps, actor: Principal, submissionId: string, indicatorId: string, falsePositive: boolean): Promise<ActionOutcome> {
  const sub = await load(deps, submissionId);
  const found = await ownSource(deps, sub, indicatorId);
  if (!found) return refused('triage.noSuchIndicator');
  if (falsePositive) {
    await markFalsePositive(deps, indicatorId, actor.id, `marked false positive in the console (submission ${sub.id})`);
    return done('notice.falsePositiveMarked');
  }
  await unmarkFalsePositive(deps, indicatorId, actor.id, `cleared in the console (submission ${sub.id})`);
  if (found.source.falsePositive) {
    await deps.store.setSourceFalsePositive(indicatorId, sub.id, false);
    await deps.audit({ actor: actor.id, action: 'indicator.false-positive-cleared', target: indicatorId, data: { submissionId: sub.id, before: { falsePositive: true }, after: { falsePositive: false } } });
  }
  return done('notice.falsePositiveCleared');
}

/** Adds an indicator by hand, normalised like extracted ones; never a value the sanitizer protects. */
export async function addIndicator(deps: TriageDeps, actor: Principal, submissionId: string, input: { type: string; value: string; kind: string }): Promise<ActionOutcome> {
  const sub = await load(deps, submissionId);
  const parsed = parseIndicatorInput(input.type, input.value, input.kind);
  if (!parsed.ok) return refused(parsed.problem === 'unknown-type' ? 'triage.unknownType' : 'triage.invalidValue', { type: input.type });
  const organisations = await deps.store.listOrganisations();
  const guard = neverGuard(sanitizeContextFor({ submission: sub, organisations, unwrapped: null, item: null, dropAddress: deps.dropAddress, hostname: deps.hostname, rules: deps.rules }));
  const never = guard.reason(parsed.type, parsed.value);
  if (never) return refused('triage.neverIndicator', { reason: never });
  const cls = sub.classes[parsed.kind];
  const [indicator] = await deps.store.upsertIndicators(sub.id, sub.orgId, now(deps), [
    { type: parsed.type, value: parsed.value, kind: parsed.kind, class: cls, context: { origins: [{ field: 'manual', detail: actor.name }], warningLists: [], manual: true } },
  ]);
  await deps.audit({ actor: actor.id, action: 'indicator.added', target: indicator?.id ?? null, data: { submissionId: sub.id, before: null, after: { type: parsed.type, value: parsed.value, kind: parsed.kind, class: cls } } });
  return done('notice.indicatorAdded');
}

function parseClass(v: unknown): SharingClass | null {
  return typeof v === 'string' && CLASSES.includes(v as SharingClass) ? (v as SharingClass) : null;
}

/**
 * Changes classes per kind: narrowing always, widening only up to what the submitter chose or
 * consented to (class-policy narrowClasses). The submission's sources of a changed kind take the
 * new class, so publication follows it.
 */
export async function changeClasses(deps: TriageDeps, actor: Principal, submissionId: string, input: Readonly<Record<string, unknown>>): Promise<ActionOutcome> {
  const sub = await load(deps, submissionId);
  const requested: Partial<Record<InfoKind, SharingClass>> = {};
  for (const kind of KINDS) {
    const c = parseClass(input[kind]);
    if (c) requested[kind] = c;
  }
  const outcome = narrowClasses(sub.classes, requested, consentCeiling(sub));
  if (!outcome.ok) return refused('triage.wideningRefused', { kinds: outcome.refused.join(', ') });
  if (outcome.changed.length === 0) return done('notice.nothingChanged');
  const at = now(deps);
  await deps.store.updateSubmission(sub.id, { classes: outcome.classes }, at);
  const own = (await deps.store.listIndicatorsForSubmission(sub.id)).flatMap((i) =>
    i.sources.filter((s) => s.submissionId === sub.id && outcome.changed.includes(s.kind)).map((s) => ({ indicator: i.indicator, source: s })),
  );
  for (const { indicator, source } of own) {
    await deps.store.upsertIndicators(sub.id, sub.orgId, source.seenAt, [{ type: indicator.type, value: indicator.value, kind: source.kind, class: outcome.classes[source.kind], context: source.context }]);
  }
  await deps.audit({ actor: actor.id, action: 'submission.classes-changed', target: sub.id, data: { changed: outcome.changed, before: sub.classes, after: outcome.classes } });
  return done(sub.status === 'published' ? 'notice.classesChangedRepublish' : 'notice.classesChanged');
}

/** Records the submitter's consent to a wider class for one kind (secretariat only). */
export async function recordConsent(deps: TriageDeps, actor: Principal, submissionId: string, input: { kind: string; class: string; note: string }): Promise<ActionOutcome> {
  if (!actor.roles.includes('secretariat')) return refused('triage.secretariatOnly');
  const sub = await load(deps, submissionId);
  const kind = KINDS.find((k) => k === input.kind);
  const cls = parseClass(input.class);
  const note = input.note.trim().slice(0, 500);
  if (!kind || !cls || note === '') return refused('triage.consentIncomplete');
  const state = triageState(sub);
  const after = { class: cls, by: actor.id, at: now(deps), note };
  await deps.store.updateSubmission(sub.id, { detailsMerge: { triage: { consent: { ...state.consent, [kind]: after } } } }, after.at);
  await deps.audit({ actor: actor.id, action: 'submission.consent-recorded', target: sub.id, data: { kind, before: state.consent[kind] ?? null, after } });
  return done('notice.consentRecorded');
}

export async function setCampaign(deps: TriageDeps, actor: Principal, submissionId: string, text: string): Promise<ActionOutcome> {
  const sub = await load(deps, submissionId);
  const campaign = text.normalize('NFC').trim();
  // eslint-disable-next-line no-control-regex
  if (campaign.length > 100 || /[\u0000-\u001f\u007f]/.test(campaign)) return refused('triage.invalidCampaign');
  const next = campaign === '' ? null : campaign;
  await deps.store.updateSubmission(sub.id, { campaign: next }, now(deps));
  await deps.audit({ actor: actor.id, action: 'submission.campaign-set', target: sub.id, data: { before: sub.campaign, after: next } });
  return done('notice.campaignSet');
}

export async function setVerdict(deps: TriageDeps, actor: Principal, submissionId: string, text: string): Promise<ActionOutcome> {
  const sub = await load(deps, submissionId);
  if (text !== '' && !VERDICTS.includes(text as (typeof VERDICTS)[number])) return refused('triage.invalidVerdict');
  const next = text === '' ? null : text;
  await deps.store.updateSubmission(sub.id, { verdict: next }, now(deps));
  await deps.audit({ actor: actor.id, action: 'submission.verdict-set', target: sub.id, data: { before: sub.verdict, after: next } });
  return done('notice.verdictSet');
}

/** Acknowledges the victim-name findings shown on the page (exactly that set: `fingerprint`). */
export async function acknowledgeVictimCheck(deps: TriageDeps, actor: Principal, submissionId: string, fingerprint: string): Promise<ActionOutcome> {
  const view = await loadSubmissionView(deps, submissionId);
  if (!view) throw new C4Error('NOT_FOUND', `no submission ${submissionId}`);
  if (view.victim.fingerprint !== fingerprint) return refused('triage.victimCheckChanged');
  const at = now(deps);
  const ack = { fingerprint, by: actor.id, at };
  await deps.store.updateSubmission(view.submission.id, { detailsMerge: { triage: { victimAck: ack } } }, at);
  await deps.audit({
    actor: actor.id,
    action: 'submission.victim-warning-acknowledged',
    target: view.submission.id,
    data: { findings: view.victim.findings, before: view.triage.victimAck, after: ack },
  });
  return done('notice.victimAcknowledged');
}

/** The result, or null when the sharing step refused because the analysis has not finished (CONFLICT). */
async function notYetTriageable<T>(step: Promise<T>): Promise<T | null> {
  try {
    return await step;
  } catch (err) {
    if (isC4Error(err, 'CONFLICT')) return null;
    throw err;
  }
}

/** Approves and publishes (sharing/publication.ts), unless the victim-name check blocks it. */
export async function approve(deps: TriageDeps, actor: Principal, submissionId: string): Promise<ActionOutcome> {
  const view = await loadSubmissionView(deps, submissionId);
  if (!view) throw new C4Error('NOT_FOUND', `no submission ${submissionId}`);
  if (victimCheckBlocks(view)) return refused('triage.victimCheckBlocks');
  const r = await notYetTriageable(publishSubmission(deps, view.submission.id, actor.id));
  return r ? done('notice.published', { published: r.published, withheld: r.withheld.length }) : refused('triage.notTriageable');
}

export async function reject(deps: TriageDeps, actor: Principal, submissionId: string, reasonText: string): Promise<ActionOutcome> {
  const sub = await load(deps, submissionId);
  const reason = reasonText.trim().slice(0, 2000);
  if (reason === '') return refused('triage.reasonRequired');
  return (await notYetTriageable(rejectSubmission(deps, sub.id, actor.id, reason))) ? done('notice.rejected') : refused('triage.notTriageable');
}

/** Puts the analysis job back in the queue (store.requeueJob); the worker takes it from there. */
export async function rerunAnalysis(deps: TriageDeps, actor: Principal, submissionId: string): Promise<ActionOutcome> {
  const sub = await load(deps, submissionId);
  if (sub.status === 'published') return refused('triage.rerunPublished');
  const job = await deps.store.getJobForSubmission(sub.id, 'analyse');
  if (job && (job.status === 'pending' || job.status === 'running')) return refused('triage.alreadyQueued');
  const at = now(deps);
  const queued = await deps.store.requeueJob({ id: job?.id ?? deps.newId('job'), type: 'analyse', submissionId: sub.id, runAfter: at }, at);
  await deps.store.updateSubmission(sub.id, { status: 'received' }, at);
  await deps.audit({ actor: actor.id, action: 'submission.reanalysis-requested', target: sub.id, data: { jobId: queued.id, before: { status: sub.status, job: job?.status ?? null }, after: { status: 'received', job: queued.status } } });
  return done('notice.requeued');
}

