// One decision for every member of a campaign, each member going through the triage state machine
// (sharing/triage: the same steps, checks and audit events as a single decision):
//   approve         acknowledges the victim checks the analyst reviewed (exactly the fingerprints
//                   shown), then approves each member; a member whose victim check has findings
//                   nobody acknowledged is refused (VICTIM_CHECK_REQUIRED) and stays for review;
//   reject          rejects each member with the reason (retracting what was published);
//   false-positive  rejects each member as a false positive and marks the indicators the members
//                   share exchange-wide false positives (sharing/false-positives.ts), so they are
//                   retracted from every surface and withheld from any submission, inside the
//                   campaign or not.
// Refusals are per member (a rejected member is not approved: reopen it first), never fatal to the
// others. The decision applies to the members the analyst saw (`members`), so a report that joined
// the campaign since is left for the next look. One audit event names the decision and outcomes.
import { C4Error } from '../../core/errors.ts';
import type { IndicatorStore } from '../../core/store/port.ts';
import { seesAllClasses } from '../class-policy.ts';
import { warningListsOf } from '../publication-plan.ts';
import * as triage from '../triage/index.ts';
import { ok, refuse, type Outcome, type Refusal } from '../triage/refusals.ts';
import { campaignOf, DEFAULT_CAMPAIGN_LIMITS, type CampaignLimits } from './load.ts';

export const CAMPAIGN_DECISIONS = ['approve', 'reject', 'false-positive'] as const;
export type CampaignDecision = (typeof CAMPAIGN_DECISIONS)[number];

export interface CampaignDecisionRequest {
  readonly decision: CampaignDecision;
  /** Required for reject and false-positive. */
  readonly reason: string;
  /** Victim checks reviewed: member id → the fingerprint of the findings shown. */
  readonly acknowledge: ReadonlyMap<string, string>;
  /** The members the analyst saw; null: every current member. */
  readonly members: readonly string[] | null;
}

export type MemberOutcome =
  { readonly submissionId: string; readonly done: true } | { readonly submissionId: string; readonly done: false; readonly refusal: Refusal };

export interface CampaignDecisionResult {
  readonly campaignId: string;
  readonly decision: CampaignDecision;
  readonly members: readonly MemberOutcome[];
  /** Ids named in `members` that are not (or no longer) members: nothing was done to them. */
  readonly notMembers: readonly string[];
  /** Indicators marked false positive exchange-wide (false-positive only). */
  readonly falsePositives: readonly string[];
}

/** Indicators that at least two of these members carry (what binds them as values), warning-listed ones left out. */
async function sharedIndicators(store: IndicatorStore, memberIds: readonly string[]): Promise<Map<string, string>> {
  const count = new Map<string, { n: number; submissionId: string }>();
  const members = new Set(memberIds);
  for (const id of memberIds)
    for (const { indicator, sources } of await store.listIndicatorsForSubmission(id)) {
      const own = sources.find((s) => s.submissionId === id);
      if (!own || warningListsOf(own).length > 0) continue;
      if (count.has(indicator.id)) continue;
      const n = new Set(sources.filter((s) => members.has(s.submissionId) && warningListsOf(s).length === 0).map((s) => s.submissionId)).size;
      count.set(indicator.id, { n, submissionId: id });
    }
  return new Map([...count].filter(([, v]) => v.n >= 2).map(([k, v]) => [k, v.submissionId]));
}

export async function decideCampaign(
  deps: triage.TriageDeps,
  actor: triage.Actor,
  campaignRef: string,
  req: CampaignDecisionRequest,
  limits: CampaignLimits = DEFAULT_CAMPAIGN_LIMITS,
): Promise<Outcome<CampaignDecisionResult>> {
  if (!seesAllClasses(actor)) return refuse({ reason: 'forbidden', needs: 'staff' });
  const reason = req.reason.trim().slice(0, 2000);
  if (req.decision !== 'approve' && reason === '') return refuse({ reason: 'invalid-input', field: 'reason', detail: 'a reason is required' });
  const campaign = await campaignOf(deps.store, campaignRef, deps.clock(), limits);
  if (!campaign) throw new C4Error('NOT_FOUND', `no campaign with submission ${campaignRef}`);
  const current = new Set(campaign.members.map((m) => m.id));
  const wanted = req.members ? [...new Set(req.members)] : [...current];
  const targets = wanted.filter((id) => current.has(id));
  const notMembers = wanted.filter((id) => !current.has(id));

  const outcomes: MemberOutcome[] = [];
  const record = (id: string, o: Outcome<unknown>) =>
    outcomes.push(o.ok ? { submissionId: id, done: true } : { submissionId: id, done: false, refusal: o.refusal });
  const falsePositives: string[] = [];
  for (const id of targets) {
    if (req.decision === 'approve') {
      const fingerprint = req.acknowledge.get(id);
      if (fingerprint) {
        const acked = await triage.acknowledgeVictimCheck(deps, actor, id, fingerprint);
        if (!acked.ok) {
          record(id, acked);
          continue;
        }
      }
      record(id, await triage.approve(deps, actor, id));
    } else if (req.decision === 'reject') record(id, await triage.reject(deps, actor, id, reason));
    else record(id, await triage.reject(deps, actor, id, `false positive (campaign ${campaign.id}): ${reason}`));
  }
  if (req.decision === 'false-positive') {
    for (const [indicatorId, submissionId] of await sharedIndicators(deps.store, targets)) {
      const marked = await triage.setFalsePositive(deps, actor, submissionId, indicatorId, true);
      if (marked.ok) falsePositives.push(indicatorId);
    }
  }
  await deps.audit({
    actor: actor.principal.id,
    action: 'campaign.decided',
    target: campaign.id,
    data: {
      decision: req.decision,
      reason: reason || null,
      members: outcomes.map((o) => (o.done ? { submissionId: o.submissionId, done: true } : { submissionId: o.submissionId, refused: o.refusal.reason })),
      notMembers,
      acknowledged: [...req.acknowledge.keys()].filter((id) => targets.includes(id)),
      falsePositives,
    },
  });
  return ok({ campaignId: campaign.id, decision: req.decision, members: outcomes, notMembers, falsePositives });
}
