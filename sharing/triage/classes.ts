// Class changes per kind of information. Narrowing is always allowed — to the staff and to the
// submitting organisation's own principals — and takes effect at once on every surface: the
// submission's sources of that kind take the narrower class and, when the submission is published,
// the publication log gets a retraction at the old class (readers of the wider class learn the
// indicator is gone) and the narrower entry (publication.ts reconcilePublication). Widening goes
// only up to the submitter's choice or their recorded consent (state.ts consentCeiling): an analyst
// proposes a wider class, the submitting organisation consents (or the secretariat records a
// consent given another way), and only then may the class widen.
import type { IndicatorInput } from '../../core/store/port.ts';
import { KINDS, type ClassByKind, type InfoKind, type SharingClass, type Submission } from '../../core/types.ts';
import { isWider } from '../../core/class-order.ts';
import { narrowClasses } from '../class-policy.ts';
import { loggedEntries, reconcilePublication, type Reconciled } from '../publication.ts';
import { accessRefusal, loadFor, type Actor } from './access.ts';
import type { TriageDeps } from './deps.ts';
import { ok, refuse, type Outcome } from './refusals.ts';
import { consentCeiling, triageState, type ByKindEntry } from './state.ts';

export interface ClassChange {
  readonly submissionId: string;
  readonly classes: ClassByKind;
  readonly changed: readonly InfoKind[];
  /** Log entries appended because the submission is published (retractions first); empty otherwise. */
  readonly appended: Reconciled['appended'];
}

/** Sets the submission's classes and moves its sources of the changed kinds along; republishes at once when published. */
async function applyClasses(
  deps: TriageDeps,
  sub: Submission,
  classes: ClassByKind,
  changed: readonly InfoKind[],
  at: string,
): Promise<Reconciled['appended']> {
  const updated = (await deps.store.updateSubmission(sub.id, { classes }, at)) ?? { ...sub, classes };
  const own = (await deps.store.listIndicatorsForSubmission(sub.id)).flatMap((i) =>
    i.sources.filter((s) => s.submissionId === sub.id && changed.includes(s.kind)).map((s) => ({ indicator: i.indicator, source: s })),
  );
  // One write per first-seen time (usually one for the whole submission), not one per source.
  const bySeenAt = new Map<string, IndicatorInput[]>();
  for (const { indicator, source } of own) {
    const list = bySeenAt.get(source.seenAt) ?? [];
    list.push({ type: indicator.type, value: indicator.value, kind: source.kind, class: classes[source.kind], context: source.context });
    bySeenAt.set(source.seenAt, list);
  }
  for (const [seenAt, inputs] of bySeenAt) await deps.store.upsertIndicators(sub.id, sub.orgId, seenAt, inputs);
  return sub.status === 'published' ? (await reconcilePublication(deps.store, updated, at)).appended : [];
}

/**
 * Changes classes per kind (kinds left out keep theirs): narrowing always, widening only up to the
 * consent ceiling. Audited with before and after and the log entries it appended.
 */
export async function changeClasses(deps: TriageDeps, actor: Actor, submissionId: string, requested: Partial<ClassByKind>): Promise<Outcome<ClassChange>> {
  const sub = await loadFor(deps, actor, submissionId);
  const denied = accessRefusal(actor, sub, 'submitter-org');
  if (denied) return refuse(denied);
  const outcome = narrowClasses(sub.classes, requested, consentCeiling(sub));
  if (!outcome.ok) return refuse({ reason: 'widening-needs-consent', kinds: outcome.refused });
  if (outcome.changed.length === 0) return ok({ submissionId: sub.id, classes: sub.classes, changed: [], appended: [] });
  const at = deps.clock().toISOString();
  const appended = await applyClasses(deps, sub, outcome.classes, outcome.changed, at);
  await deps.audit({
    actor: actor.principal.id,
    action: 'submission.classes-changed',
    target: sub.id,
    data: { changed: outcome.changed, before: sub.classes, after: outcome.classes, status: sub.status, appended: loggedEntries(appended) },
  });
  return ok({ submissionId: sub.id, classes: outcome.classes, changed: outcome.changed, appended });
}

/**
 * Narrows one kind's class of a submission, retracting at once what the narrower class no longer
 * reaches. For the staff and the submitting organisation's own principals (the participant page).
 * A wider class than the current one is refused unless within the consent ceiling.
 */
export function narrowClass(deps: TriageDeps, actor: Actor, submissionId: string, kind: InfoKind, cls: SharingClass): Promise<Outcome<ClassChange>> {
  return changeClasses(deps, actor, submissionId, { [kind]: cls });
}

/** An analyst proposes a class wider than the submitter agreed to, for one kind; the submitter consents (or not) later. */
export async function proposeWidening(
  deps: TriageDeps,
  actor: Actor,
  submissionId: string,
  kind: InfoKind,
  cls: SharingClass,
  noteText: string,
): Promise<Outcome<ByKindEntry>> {
  const sub = await loadFor(deps, actor, submissionId);
  const denied = accessRefusal(actor, sub, 'staff');
  if (denied) return refuse(denied);
  const ceiling = consentCeiling(sub)[kind] ?? sub.classes[kind];
  if (!isWider(cls, ceiling) || !isWider(cls, sub.classes[kind])) {
    return refuse({
      reason: 'invalid-input',
      field: 'class',
      detail: `${cls} needs no consent for ${kind} (the submitter agreed to ${ceiling}): change the class directly`,
    });
  }
  const state = triageState(sub);
  const proposal: ByKindEntry = { class: cls, by: actor.principal.id, at: deps.clock().toISOString(), note: noteText.trim().slice(0, 500) };
  await deps.store.updateSubmission(sub.id, { detailsMerge: { triage: { proposals: { ...state.proposals, [kind]: proposal } } } }, proposal.at);
  await deps.audit({
    actor: actor.principal.id,
    action: 'submission.widening-proposed',
    target: sub.id,
    data: { kind, current: sub.classes[kind], before: state.proposals[kind] ?? null, after: proposal },
  });
  return ok(proposal);
}

/**
 * The submitting organisation consents to the class an analyst proposed for one kind: the consent
 * is recorded (raising the ceiling) and the kind takes the proposed class at once (published
 * submissions publish at it). Audited.
 */
export async function consentToWidening(deps: TriageDeps, actor: Actor, submissionId: string, kind: InfoKind): Promise<Outcome<ClassChange>> {
  const sub = await loadFor(deps, actor, submissionId);
  const denied = accessRefusal(actor, sub, 'submitter-org');
  if (denied) return refuse(denied);
  const state = triageState(sub);
  const proposal = state.proposals[kind];
  if (!proposal) return refuse({ reason: 'no-proposal', kind });
  const at = deps.clock().toISOString();
  const consent: ByKindEntry = { class: proposal.class, by: actor.principal.id, at, note: `consented to the proposal of ${proposal.by} (${proposal.at})` };
  const { [kind]: _taken, ...proposals } = state.proposals;
  await deps.store.updateSubmission(sub.id, { detailsMerge: { triage: { consent: { ...state.consent, [kind]: consent }, proposals } } }, at);
  await deps.audit({
    actor: actor.principal.id,
    action: 'submission.consent-recorded',
    target: sub.id,
    data: { kind, before: state.consent[kind] ?? null, after: consent, proposal },
  });
  const fresh = (await deps.store.getSubmission(sub.id)) ?? sub;
  const classes = { ...fresh.classes, [kind]: proposal.class };
  const appended = isWider(proposal.class, fresh.classes[kind]) ? await applyClasses(deps, fresh, classes, [kind], at) : [];
  await deps.audit({
    actor: actor.principal.id,
    action: 'submission.classes-changed',
    target: sub.id,
    data: { changed: [kind], before: fresh.classes, after: classes, status: fresh.status, appended: loggedEntries(appended), consented: true },
  });
  return ok({ submissionId: sub.id, classes, changed: [kind], appended });
}

/** The secretariat records a consent the submitter gave another way (phone, letter), with a note. Raises the ceiling only. */
export async function recordConsent(
  deps: TriageDeps,
  actor: Actor,
  submissionId: string,
  kind: InfoKind,
  cls: SharingClass,
  noteText: string,
): Promise<Outcome<ByKindEntry>> {
  const sub = await loadFor(deps, actor, submissionId);
  if (!actor.principal.roles.includes('secretariat')) return refuse({ reason: 'forbidden', needs: 'secretariat' });
  const note = noteText.trim().slice(0, 500);
  if (note === '') return refuse({ reason: 'invalid-input', field: 'note', detail: 'say how the submitter consented' });
  const state = triageState(sub);
  const after: ByKindEntry = { class: cls, by: actor.principal.id, at: deps.clock().toISOString(), note };
  await deps.store.updateSubmission(sub.id, { detailsMerge: { triage: { consent: { ...state.consent, [kind]: after } } } }, after.at);
  await deps.audit({
    actor: actor.principal.id,
    action: 'submission.consent-recorded',
    target: sub.id,
    data: { kind, before: state.consent[kind] ?? null, after },
  });
  return ok(after);
}

/** Parses a kind name (forms, JSON bodies). */
export function parseKind(v: unknown): InfoKind | null {
  return KINDS.find((k) => k === v) ?? null;
}
