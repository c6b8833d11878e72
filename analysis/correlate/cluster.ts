// Mass mailing or targeted (pure). Most reports to an exchange are mass mailings; the few aimed
// at named people of one organisation are what participants most need to hear about. A
// submission's cluster is the submissions that share at least one feature with it (one hop: the
// evidence is always a shared value an analyst can check).
//   mass        the cluster spans at least `massMinOrganisations` organisations in at least
//               `massMinSectors` sectors, or the mail itself went to `massMinRecipients` or more;
//   targeted    only this organisation reported it, and the mail was addressed openly to at most
//               `targetedMaxRecipients` recipients, at least one of them by name;
//   undetermined otherwise (too little seen yet), with what is known.
import type { ClusterLabel, ClusterMember } from '../../core/analysis-record/index.ts';
import type { RecipientProfile } from './features.ts';

// The label is part of the AnalysisRecord, typed in core.
export type { ClusterLabel, ClusterLabelKind, ClusterMember } from '../../core/analysis-record/index.ts';

export interface ClusterThresholds {
  readonly massMinOrganisations: number;
  readonly massMinSectors: number;
  readonly massMinRecipients: number;
  readonly targetedMaxRecipients: number;
}

export const DEFAULT_CLUSTER_THRESHOLDS: ClusterThresholds = Object.freeze({
  massMinOrganisations: 3,
  massMinSectors: 2,
  massMinRecipients: 10,
  targetedMaxRecipients: 3,
});

export interface ClusterInput {
  readonly orgId: string;
  readonly sector: string | null;
  readonly recipients: RecipientProfile;
  readonly members: readonly ClusterMember[];
}

export function classifyCluster(input: ClusterInput, t: ClusterThresholds = DEFAULT_CLUSTER_THRESHOLDS): ClusterLabel {
  const members = [...input.members].sort((a, b) => b.shared.length - a.shared.length || a.submissionId.localeCompare(b.submissionId));
  const orgs = new Set([input.orgId, ...members.map((m) => m.orgId)]);
  const sectors = [...new Set([input.sector, ...members.map((m) => m.sector)].filter((s): s is string => s !== null))].sort();
  const r = input.recipients;
  const evidence: string[] = [];
  const shared = new Map<string, number>();
  for (const m of members) for (const f of m.shared) shared.set(`${f.type} ${f.value}`, (shared.get(`${f.type} ${f.value}`) ?? 0) + 1);
  for (const [feature, n] of [...shared].sort((a, b) => b[1] - a[1]).slice(0, 10)) evidence.push(`${feature}: shared with ${n} other submission(s)`);
  evidence.push(`reported by ${orgs.size} organisation(s) in ${sectors.length} sector(s)`);
  evidence.push(`addressed to ${r.count} recipient(s), ${r.named} by name${r.undisclosed ? ', undisclosed or Bcc' : ''}`);

  const spread = orgs.size >= t.massMinOrganisations && sectors.length >= t.massMinSectors;
  if (spread || r.count >= t.massMinRecipients) {
    return {
      label: 'mass',
      members,
      organisations: orgs.size,
      sectors,
      evidence: [spread ? 'seen across organisations and sectors' : 'sent to many recipients at once', ...evidence],
    };
  }
  if (orgs.size === 1 && !r.undisclosed && r.count >= 1 && r.count <= t.targetedMaxRecipients && r.named >= 1) {
    return { label: 'targeted', members, organisations: 1, sectors, evidence: ['only this organisation reported it, to a few named recipients', ...evidence] };
  }
  return { label: 'undetermined', members, organisations: orgs.size, sectors, evidence };
}
