// The victim checks an approval of a campaign waits for: for each member approval may publish,
// the findings of the triage victim-name check (sharing/triage/victim-gate.ts) that nobody
// acknowledged yet. The analyst reviews them on the campaign page (or GET …/campaigns/{id}) and
// acknowledges each member's findings by their fingerprint with the decision.
import * as triage from '../triage/index.ts';
import type { Campaign } from './summary.ts';

export interface MemberVictimCheck {
  readonly submissionId: string;
  readonly fingerprint: string;
  readonly findings: readonly triage.VictimFinding[];
}

/** Members whose approval the victim check blocks, with what it found. */
export async function victimChecksOf(deps: triage.TriageDeps, actor: triage.Actor, campaign: Campaign): Promise<MemberVictimCheck[]> {
  const out: MemberVictimCheck[] = [];
  for (const m of campaign.members.filter((x) => triage.mayTransition('approve', x.status))) {
    const check = await triage.victimCheckOf(deps, actor, m.id);
    if (check.ok && !check.value.acknowledged) out.push({ submissionId: m.id, fingerprint: check.value.fingerprint, findings: check.value.findings });
  }
  return out;
}
