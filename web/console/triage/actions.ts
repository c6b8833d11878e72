// The console's triage actions: thin calls into sharing/triage (the one triage module, shared with
// the REST API), whose outcomes are mapped to the notice or the refusal message the page shows,
// both as catalogue keys. Only the verdict and the re-analysis, which the API does not offer, are
// done here.
import type { AuditAppender } from '../../../core/audit.ts';
import { C4Error } from '../../../core/errors.ts';
import type { IdGenerator } from '../../../core/ids.ts';
import { CLASSES, KINDS, type InfoKind, type Principal, type SharingClass } from '../../../core/types.ts';
import * as triage from '../../../sharing/triage/index.ts';
import type { Refusal } from '../../../sharing/triage/index.ts';
import type { MessageKey, MessageParams } from '../i18n/index.ts';
import { VERDICTS } from '../../../core/types.ts';
import type { SubmissionLoadDeps } from '../submission/load.ts';
import type { ConsoleServices } from '../router.ts';
import { loadSanitizationRules } from '../../../analysis/sanitize/index.ts';

export interface TriageDeps extends SubmissionLoadDeps, Omit<triage.TriageDeps, 'vault'> {
  readonly audit: AuditAppender;
  readonly newId: IdGenerator;
}

/** The triage dependencies of the console's routes (the submission page and the queue's bulk actions share them). */
export function consoleTriageDeps(deps: ConsoleServices['deps']): TriageDeps {
  return {
    store: deps.store,
    vault: deps.vault,
    audit: deps.audit,
    clock: deps.clock,
    newId: deps.newId,
    dropAddress: deps.config.exchange.dropAddress,
    hostname: deps.config.exchange.hostname,
    rules: loadSanitizationRules(deps.config.policiesDir),
    events: deps.events,
  };
}

export type ActionOutcome =
  | { readonly kind: 'done'; readonly notice: MessageKey; readonly params?: MessageParams }
  | { readonly kind: 'refused'; readonly message: MessageKey; readonly params?: MessageParams };

const done = (notice: MessageKey, params?: MessageParams): ActionOutcome => ({ kind: 'done', notice, ...(params ? { params } : {}) });
const refused = (message: MessageKey, params?: MessageParams): ActionOutcome => ({ kind: 'refused', message, ...(params ? { params } : {}) });

const INVALID_FIELD: Readonly<Record<string, MessageKey>> = {
  reason: 'triage.reasonRequired',
  campaign: 'triage.invalidCampaign',
  type: 'triage.unknownType',
  value: 'triage.invalidValue',
  note: 'triage.consentIncomplete',
  class: 'triage.noConsentNeeded',
  text: 'triage.invalidNote',
  assignee: 'triage.invalidAssignee',
};

/** The message a refusal shows on the page. */
export function refusalMessage(r: Refusal, input: { type?: string; holder?: string } = {}): ActionOutcome {
  switch (r.reason) {
    case 'not-triageable':
      return refused('triage.notTriageable');
    case 'illegal-transition':
      return r.step === 'approve' && r.status === 'rejected' ? refused('triage.reopenFirst') : refused('triage.illegalTransition');
    case 'victim-check-required':
      return refused('triage.victimCheckBlocks');
    case 'victim-check-changed':
      return refused('triage.victimCheckChanged');
    case 'widening-needs-consent':
      return refused('triage.wideningRefused', { kinds: r.kinds.join(', ') });
    case 'no-proposal':
      return refused('triage.noProposal');
    case 'forbidden':
      return refused(r.needs === 'secretariat' ? 'triage.secretariatOnly' : 'triage.forbidden');
    case 'invalid-input':
      return refused(INVALID_FIELD[r.field] ?? 'triage.consentIncomplete', { type: input.type ?? '', max: triage.NOTE_MAX_CHARS });
    case 'no-such-indicator':
      return refused('triage.noSuchIndicator');
    case 'never-indicator':
      return refused('triage.neverIndicator', { reason: r.detail });
    case 'already-assigned':
      return refused('triage.alreadyAssigned', { holder: input.holder ?? r.holder });
  }
}

function outcome<T>(o: triage.Outcome<T>, ok: (value: T) => ActionOutcome, input?: { type?: string; holder?: string }): ActionOutcome {
  return o.ok ? ok(o.value) : refusalMessage(o.refusal, input);
}

/** The signed-in principal as a triage actor (with its organisation). */
async function actorOf(deps: TriageDeps, principal: Principal): Promise<triage.Actor> {
  const org = await deps.store.getOrganisation(principal.orgId);
  if (!org) throw new C4Error('FORBIDDEN', 'principal without organisation');
  return { principal, org };
}

const sharingDeps = (deps: TriageDeps): triage.TriageDeps => ({ ...deps, vault: deps.vault });

export async function removeIndicator(deps: TriageDeps, actor: Principal, submissionId: string, indicatorId: string): Promise<ActionOutcome> {
  return outcome(await triage.removeIndicator(sharingDeps(deps), await actorOf(deps, actor), submissionId, indicatorId), () => done('notice.indicatorRemoved'));
}

export async function setFalsePositive(
  deps: TriageDeps,
  actor: Principal,
  submissionId: string,
  indicatorId: string,
  falsePositive: boolean,
): Promise<ActionOutcome> {
  const r = await triage.setFalsePositive(sharingDeps(deps), await actorOf(deps, actor), submissionId, indicatorId, falsePositive);
  return outcome(r, (v) => done(v === 'marked' ? 'notice.falsePositiveMarked' : 'notice.falsePositiveCleared'));
}

export async function addIndicator(
  deps: TriageDeps,
  actor: Principal,
  submissionId: string,
  input: { type: string; value: string; kind: string },
): Promise<ActionOutcome> {
  return outcome(await triage.addIndicator(sharingDeps(deps), await actorOf(deps, actor), submissionId, input), () => done('notice.indicatorAdded'), input);
}

function parseClass(v: unknown): SharingClass | null {
  return typeof v === 'string' && CLASSES.includes(v as SharingClass) ? (v as SharingClass) : null;
}

/** The class form: one select per kind. Narrowing retracts at once; widening up to the consent ceiling. */
export async function changeClasses(
  deps: TriageDeps,
  actor: Principal,
  submissionId: string,
  input: Readonly<Record<string, unknown>>,
): Promise<ActionOutcome> {
  const requested: Partial<Record<InfoKind, SharingClass>> = {};
  for (const kind of KINDS) {
    const c = parseClass(input[kind]);
    if (c) requested[kind] = c;
  }
  const r = await triage.changeClasses(sharingDeps(deps), await actorOf(deps, actor), submissionId, requested);
  return outcome(r, (v) =>
    v.changed.length === 0
      ? done('notice.nothingChanged')
      : v.appended.length > 0
        ? done('notice.classesChangedRetracted', { entries: v.appended.length })
        : done('notice.classesChanged'),
  );
}

/** Records the submitter's consent to a wider class for one kind (secretariat only). */
export async function recordConsent(
  deps: TriageDeps,
  actor: Principal,
  submissionId: string,
  input: { kind: string; class: string; note: string },
): Promise<ActionOutcome> {
  const kind = triage.parseKind(input.kind);
  const cls = parseClass(input.class);
  if (!kind || !cls) return refused('triage.consentIncomplete');
  return outcome(await triage.recordConsent(sharingDeps(deps), await actorOf(deps, actor), submissionId, kind, cls, input.note), () =>
    done('notice.consentRecorded'),
  );
}

/** Proposes a wider class for one kind; the submitting organisation consents on its participant page. */
export async function proposeWidening(
  deps: TriageDeps,
  actor: Principal,
  submissionId: string,
  input: { kind: string; class: string; note: string },
): Promise<ActionOutcome> {
  const kind = triage.parseKind(input.kind);
  const cls = parseClass(input.class);
  if (!kind || !cls) return refused('triage.consentIncomplete');
  return outcome(await triage.proposeWidening(sharingDeps(deps), await actorOf(deps, actor), submissionId, kind, cls, input.note), () =>
    done('notice.wideningProposed'),
  );
}

export async function setCampaign(deps: TriageDeps, actor: Principal, submissionId: string, text: string): Promise<ActionOutcome> {
  return outcome(await triage.setCampaign(sharingDeps(deps), await actorOf(deps, actor), submissionId, text), () => done('notice.campaignSet'));
}

export async function setVerdict(deps: TriageDeps, actor: Principal, submissionId: string, text: string): Promise<ActionOutcome> {
  const sub = await deps.store.getSubmission(submissionId);
  if (!sub) throw new C4Error('NOT_FOUND', `no submission ${submissionId}`);
  const next = text === '' ? null : VERDICTS.find((v) => v === text);
  if (next === undefined) return refused('triage.invalidVerdict');
  await deps.store.updateSubmission(sub.id, { verdict: next }, deps.clock().toISOString());
  await deps.audit({ actor: actor.id, action: 'submission.verdict-set', target: sub.id, data: { before: sub.verdict, after: next } });
  return done('notice.verdictSet');
}

/** Acknowledges the victim-name findings shown on the page (exactly that set: `fingerprint`). */
export async function acknowledgeVictimCheck(deps: TriageDeps, actor: Principal, submissionId: string, fingerprint: string): Promise<ActionOutcome> {
  return outcome(await triage.acknowledgeVictimCheck(sharingDeps(deps), await actorOf(deps, actor), submissionId, fingerprint), () =>
    done('notice.victimAcknowledged'),
  );
}

/** Approves and publishes, unless rejected (reopen first) or the victim-name check blocks it. */
export async function approve(deps: TriageDeps, actor: Principal, submissionId: string): Promise<ActionOutcome> {
  const r = await triage.approve(sharingDeps(deps), await actorOf(deps, actor), submissionId);
  return outcome(r, (v) => done('notice.published', { published: v.published, withheld: v.withheld.length }));
}

export async function reject(deps: TriageDeps, actor: Principal, submissionId: string, reasonText: string): Promise<ActionOutcome> {
  return outcome(await triage.reject(sharingDeps(deps), await actorOf(deps, actor), submissionId, reasonText), () => done('notice.rejected'));
}

/** Reopens a rejected or published submission for triage, retracting what was published. */
export async function reopen(deps: TriageDeps, actor: Principal, submissionId: string, reasonText: string): Promise<ActionOutcome> {
  return outcome(await triage.reopen(sharingDeps(deps), await actorOf(deps, actor), submissionId, reasonText), (v) =>
    done('notice.reopened', { retracted: v.retracted.length }),
  );
}

/** Puts the analysis job back in the queue (store.requeueJob); the worker takes it from there. */
export async function rerunAnalysis(deps: TriageDeps, actor: Principal, submissionId: string): Promise<ActionOutcome> {
  const sub = await deps.store.getSubmission(submissionId);
  if (!sub) throw new C4Error('NOT_FOUND', `no submission ${submissionId}`);
  if (sub.status === 'published') return refused('triage.rerunPublished');
  const job = await deps.store.getJobForSubmission(sub.id, 'analyse');
  if (job && (job.status === 'pending' || job.status === 'running')) return refused('triage.alreadyQueued');
  const at = deps.clock().toISOString();
  const queued = await deps.store.requeueJob({ id: job?.id ?? deps.newId('job'), type: 'analyse', submissionId: sub.id, runAfter: at }, at);
  await deps.store.updateSubmission(sub.id, { status: 'received' }, at);
  await deps.audit({
    actor: actor.id,
    action: 'submission.reanalysis-requested',
    target: sub.id,
    data: { jobId: queued.id, before: { status: sub.status, job: job?.status ?? null }, after: { status: 'received', job: queued.status } },
  });
  return done('notice.requeued');
}

/** The holder named in an ALREADY_ASSIGNED refusal, by display name. */
async function holderName(deps: TriageDeps, o: triage.Outcome<unknown>): Promise<{ holder?: string }> {
  if (o.ok || o.refusal.reason !== 'already-assigned') return {};
  const p = await deps.store.getPrincipal(o.refusal.holder);
  return { holder: p?.displayName ?? o.refusal.holder };
}

/** Assigns the submission ("assign to me" when `assigneeId` is the actor's own id, else handing over). */
export async function assign(deps: TriageDeps, actor: Principal, submissionId: string, assigneeId: string): Promise<ActionOutcome> {
  const r = await triage.assign(deps, await actorOf(deps, actor), submissionId, assigneeId || actor.id);
  return outcome(r, () => done('notice.assigned'), await holderName(deps, r));
}

/** Releases the submission (its holder or the secretariat). */
export async function unassign(deps: TriageDeps, actor: Principal, submissionId: string): Promise<ActionOutcome> {
  const r = await triage.unassign(deps, await actorOf(deps, actor), submissionId);
  return outcome(r, () => done('notice.unassigned'), await holderName(deps, r));
}

/** Adds an internal note (plain text, at most NOTE_MAX_CHARS characters). */
export async function addNote(deps: TriageDeps, actor: Principal, submissionId: string, text: string): Promise<ActionOutcome> {
  return outcome(await triage.addNote(deps, await actorOf(deps, actor), submissionId, text), () => done('notice.noteAdded'));
}
