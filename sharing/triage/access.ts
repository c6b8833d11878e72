// Who may take which triage step. Staff (secretariat, analysts: the RED audience of every
// submission) take every step; the submitting organisation's own principals may narrow their
// submission's classes and consent to a proposed wider class; anyone else does not learn that the
// submission exists (NOT_FOUND, like a read).
import { C4Error } from '../../core/errors.ts';
import type { Submission } from '../../core/types.ts';
import { canSee, isRegistered, seesAllClasses } from '../class-policy.ts';
import type { Viewer } from '../viewer.ts';
import type { TriageDeps } from './deps.ts';
import type { Refusal } from './refusals.ts';

/** Who takes a triage step: a principal with its organisation. */
export type Actor = Viewer;

export type Access = 'staff' | 'submitter-org';

/** The submission, or NOT_FOUND when it does not exist or the actor is not in its RED audience. */
export async function loadFor(deps: Pick<TriageDeps, 'store'>, actor: Actor, submissionId: string): Promise<Submission> {
  const sub = await deps.store.getSubmission(submissionId);
  if (!sub || !canSee(actor, { orgId: sub.orgId, class: 'RED' })) throw new C4Error('NOT_FOUND', `no submission ${submissionId}`);
  return sub;
}

/** Null when the actor may take a step that needs `access`, else the refusal. */
export function accessRefusal(actor: Actor, sub: Submission, access: Access): Refusal | null {
  if (seesAllClasses(actor)) return null;
  if (access === 'submitter-org' && isRegistered(actor) && actor.org.id === sub.orgId) return null;
  return { reason: 'forbidden', needs: access };
}
