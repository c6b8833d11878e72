// The status steps of triage (machine.ts): approve, reject, reopen, and the victim-check
// acknowledgement approval waits for. Each checks who asks (access.ts) and the current status,
// and refuses with a value (refusals.ts) or does the step through sharing/publication.ts and
// writes one audit event with actor, before and after.
import type { PublicationResult } from '../publication.ts';
import { loggedEntries, publishSubmission, rejectSubmission, retractSubmission } from '../publication.ts';
import { accessRefusal, loadFor, type Actor } from './access.ts';
import type { TriageDeps } from './deps.ts';
import { allowedFrom, isTriageable, mayTransition, TO, type StatusTransition } from './machine.ts';
import { ok, refuse, type Outcome, type Refusal } from './refusals.ts';
import { triageState } from './state.ts';
import { loadVictimCheck, victimCheckBlocks, type VictimCheck } from './victim-gate.ts';
import type { Submission } from '../../core/types.ts';

function statusRefusal(step: StatusTransition, sub: Submission): Refusal | null {
  if (!isTriageable(sub.status)) return { reason: 'not-triageable', status: sub.status };
  if (!mayTransition(step, sub.status)) return { reason: 'illegal-transition', step, status: sub.status, allowedFrom: allowedFrom(step) };
  return null;
}

/** Approves and publishes; refused after a reject (reopen first) and while the victim check has unacknowledged findings. */
export async function approve(deps: TriageDeps, actor: Actor, submissionId: string): Promise<Outcome<PublicationResult>> {
  const sub = await loadFor(deps, actor, submissionId);
  const refused = accessRefusal(actor, sub, 'staff') ?? statusRefusal('approve', sub);
  if (refused) return refuse(refused);
  const check = await loadVictimCheck(deps, sub);
  if (victimCheckBlocks(check, triageState(sub)))
    return refuse({ reason: 'victim-check-required', fingerprint: check.fingerprint, findings: check.findings.length });
  return ok(await publishSubmission(deps, sub.id, actor.principal.id));
}

/** Rejects with a reason, retracting whatever was published; the submitter is told. */
export async function reject(deps: TriageDeps, actor: Actor, submissionId: string, reasonText: string): Promise<Outcome<PublicationResult>> {
  const sub = await loadFor(deps, actor, submissionId);
  const refused = accessRefusal(actor, sub, 'staff') ?? statusRefusal('reject', sub);
  if (refused) return refuse(refused);
  const reason = reasonText.trim().slice(0, 2000);
  if (reason === '') return refuse({ reason: 'invalid-input', field: 'reason', detail: 'a reason is required' });
  return ok(await rejectSubmission(deps, sub.id, actor.principal.id, reason));
}

export interface ReopenResult {
  readonly submissionId: string;
  readonly status: Submission['status'];
  readonly retracted: PublicationResult['appended'];
}

/**
 * Reopens a rejected or published submission for triage (awaiting-triage), retracting at once what
 * was published of it on every surface. The submitter is not told: they hear of the next decision.
 */
export async function reopen(deps: TriageDeps, actor: Actor, submissionId: string, reasonText: string): Promise<Outcome<ReopenResult>> {
  const sub = await loadFor(deps, actor, submissionId);
  const refused = accessRefusal(actor, sub, 'staff') ?? statusRefusal('reopen', sub);
  if (refused) return refuse(refused);
  const reason = reasonText.trim().slice(0, 2000);
  if (reason === '') return refuse({ reason: 'invalid-input', field: 'reason', detail: 'a reason is required' });
  const now = deps.clock().toISOString();
  const retracted = await retractSubmission(deps.store, sub, now);
  await deps.store.updateSubmission(sub.id, { status: TO.reopen }, now);
  await deps.audit({
    actor: actor.principal.id,
    action: 'submission.reopened',
    target: sub.id,
    data: { before: { status: sub.status }, after: { status: TO.reopen }, reason, retracted: loggedEntries(retracted) },
  });
  return ok({ submissionId: sub.id, status: TO.reopen, retracted });
}

/** The victim check of a submission for staff (what approval would publish that may name the victim). */
export async function victimCheckOf(deps: TriageDeps, actor: Actor, submissionId: string): Promise<Outcome<VictimCheck & { readonly acknowledged: boolean }>> {
  const sub = await loadFor(deps, actor, submissionId);
  const refused = accessRefusal(actor, sub, 'staff');
  if (refused) return refuse(refused);
  const check = await loadVictimCheck(deps, sub);
  return ok({ ...check, acknowledged: !victimCheckBlocks(check, triageState(sub)) });
}

/** Acknowledges exactly the findings shown (`fingerprint`); approval then goes ahead. Audited. */
export async function acknowledgeVictimCheck(deps: TriageDeps, actor: Actor, submissionId: string, fingerprint: string): Promise<Outcome<VictimCheck>> {
  const sub = await loadFor(deps, actor, submissionId);
  const refused = accessRefusal(actor, sub, 'staff');
  if (refused) return refuse(refused);
  const check = await loadVictimCheck(deps, sub);
  if (check.fingerprint !== fingerprint) return refuse({ reason: 'victim-check-changed' });
  const at = deps.clock().toISOString();
  const ack = { fingerprint, by: actor.principal.id, at };
  await deps.store.updateSubmission(sub.id, { detailsMerge: { triage: { victimAck: ack } } }, at);
  await deps.audit({
    actor: actor.principal.id,
    action: 'submission.victim-warning-acknowledged',
    target: sub.id,
    data: { findings: check.findings, before: triageState(sub).victimAck, after: ack },
  });
  return ok(check);
}
