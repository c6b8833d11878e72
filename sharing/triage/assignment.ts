// Who works on a submission: an analyst takes it ("mine" in the queue), hands it to another
// analyst, or releases it. Staff only. A submission someone else holds is theirs: taking, handing
// over or releasing it is refused (ALREADY_ASSIGNED, 409) unless the actor is the secretariat, who
// may reassign anything. The store's compare-and-set (TriageWorkStore.assignSubmission) makes the
// check and the write one step, so of two analysts taking the same submission at once the second
// is refused, never silently overwrites. Every change is audited with before and after.
import type { Submission, SubmissionAssignment } from '../../core/types.ts';
import { seesAllClasses } from '../class-policy.ts';
import { accessRefusal, loadFor, type Actor } from './access.ts';
import type { WorkDeps } from './deps.ts';
import { ok, refuse, type Outcome } from './refusals.ts';

export interface AssignmentChange {
  readonly submissionId: string;
  readonly assignee: SubmissionAssignment | null;
  /** false when the submission already stood so (taking one's own again, releasing an unassigned one). */
  readonly changed: boolean;
}

const holderOf = (sub: Submission): string | null => sub.assignee?.principalId ?? null;

function isSecretariat(actor: Actor): boolean {
  return actor.principal.roles.includes('secretariat');
}

/** The principal may be assigned submissions: an active, registered analyst or secretariat member. */
async function assignable(deps: Pick<WorkDeps, 'store'>, principalId: string): Promise<boolean> {
  const principal = await deps.store.getPrincipal(principalId);
  const org = principal ? await deps.store.getOrganisation(principal.orgId) : null;
  return principal !== null && org !== null && seesAllClasses({ principal, org });
}

/** Writes `next` if the submission is still held by `expected`; a lost race is refused with the new holder. */
async function swap(
  deps: WorkDeps,
  actor: Actor,
  sub: Submission,
  next: SubmissionAssignment | null,
  action: 'submission.assigned' | 'submission.unassigned',
): Promise<Outcome<AssignmentChange>> {
  const expected = holderOf(sub);
  const r = await deps.store.assignSubmission(sub.id, expected, next);
  const now = r?.submission ?? sub;
  if (!r?.changed) {
    const holder = holderOf(now);
    // Someone else did the same thing first (took it for the same analyst, released it): nothing to refuse.
    if (holder === (next?.principalId ?? null)) return ok({ submissionId: sub.id, assignee: now.assignee, changed: false });
    return refuse({ reason: 'already-assigned', holder: holder ?? 'nobody' });
  }
  await deps.audit({ actor: actor.principal.id, action, target: sub.id, data: { before: sub.assignee, after: next, status: sub.status } });
  return ok({ submissionId: sub.id, assignee: next, changed: true });
}

/**
 * Assigns the submission to `assigneeId` (the actor's own id: "assign to me"). Allowed when nobody
 * holds it, when the actor holds it (handing over), or for the secretariat. The assignee must be an
 * analyst or secretariat member (VALIDATION_FAILED otherwise).
 */
export async function assign(deps: WorkDeps, actor: Actor, submissionId: string, assigneeId: string): Promise<Outcome<AssignmentChange>> {
  const sub = await loadFor(deps, actor, submissionId);
  const denied = accessRefusal(actor, sub, 'staff');
  if (denied) return refuse(denied);
  const holder = holderOf(sub);
  if (holder === assigneeId) return ok({ submissionId: sub.id, assignee: sub.assignee, changed: false });
  if (holder !== null && holder !== actor.principal.id && !isSecretariat(actor)) return refuse({ reason: 'already-assigned', holder });
  if (assigneeId !== actor.principal.id && !(await assignable(deps, assigneeId))) {
    return refuse({ reason: 'invalid-input', field: 'assignee', detail: 'assign to an active analyst or secretariat member' });
  }
  const next: SubmissionAssignment = { principalId: assigneeId, assignedAt: deps.clock().toISOString(), assignedBy: actor.principal.id };
  return swap(deps, actor, sub, next, 'submission.assigned');
}

/** Releases the submission (nobody holds it afterwards): the holder or the secretariat. */
export async function unassign(deps: WorkDeps, actor: Actor, submissionId: string): Promise<Outcome<AssignmentChange>> {
  const sub = await loadFor(deps, actor, submissionId);
  const denied = accessRefusal(actor, sub, 'staff');
  if (denied) return refuse(denied);
  const holder = holderOf(sub);
  if (holder === null) return ok({ submissionId: sub.id, assignee: null, changed: false });
  if (holder !== actor.principal.id && !isSecretariat(actor)) return refuse({ reason: 'already-assigned', holder });
  return swap(deps, actor, sub, null, 'submission.unassigned');
}
