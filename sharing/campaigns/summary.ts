// What a campaign is at a glance (pure): its members, the organisations and sectors that reported
// it, first and last seen, the label (mass mailing or targeted), the verdict analysis suggests and
// how many members stand in each status. RED-level: for the staff only.
import { DEFAULT_CLUSTER_THRESHOLDS, type ClusterLabelKind } from '../../analysis/correlate/index.ts';
import type { Organisation, Submission, SubmissionStatus, Verdict } from '../../core/types.ts';
import type { BindingKey } from './binding.ts';

export interface CampaignEvidence {
  readonly key: BindingKey;
  /** Member submission ids carrying it. */
  readonly members: readonly string[];
}

export interface Campaign {
  /** The earliest member's submission id (every member's id finds the campaign). */
  readonly id: string;
  /** Oldest first. */
  readonly members: readonly Submission[];
  /** What binds them, most shared first. */
  readonly evidence: readonly CampaignEvidence[];
  readonly organisations: number;
  readonly sectors: readonly string[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly label: ClusterLabelKind;
  /** The most severe verdict analysis suggested for a member, with how many members it was suggested for. */
  readonly suggested: { readonly verdict: Verdict; readonly members: number } | null;
  readonly statuses: Readonly<Partial<Record<SubmissionStatus, number>>>;
  /** Some links were not followed (a bound was reached): the campaign may have more members. */
  readonly truncated: boolean;
}

const SEVERITY: readonly Verdict[] = ['malicious', 'suspicious', 'unknown', 'benign'];

function analysisPart(sub: Submission, part: string): Record<string, unknown> | null {
  const analysis = sub.details['analysis'];
  if (!analysis || typeof analysis !== 'object') return null;
  const value = (analysis as Record<string, unknown>)[part];
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
}

/** The verdict analysis suggested (details.analysis.verdict.verdict), or null. */
export function suggestedVerdict(sub: Submission): Verdict | null {
  const v = analysisPart(sub, 'verdict')?.['verdict'];
  return SEVERITY.find((s) => s === v) ?? null;
}

/** The cluster label analysis gave (details.analysis.cluster.label), or null. */
export function recordedLabel(sub: Submission): ClusterLabelKind | null {
  const l = analysisPart(sub, 'cluster')?.['label'];
  return l === 'mass' || l === 'targeted' || l === 'undetermined' ? l : null;
}

/**
 * Mass when reported across organisations and sectors (the analysis thresholds) or when analysis
 * saw any member sent to many at once; targeted when one organisation reported it and analysis
 * labelled every member targeted; undetermined otherwise.
 */
export function campaignLabel(members: readonly Submission[], orgs: number, sectors: number): ClusterLabelKind {
  const t = DEFAULT_CLUSTER_THRESHOLDS;
  const labels = members.map(recordedLabel);
  if ((orgs >= t.massMinOrganisations && sectors >= t.massMinSectors) || labels.includes('mass')) return 'mass';
  if (orgs === 1 && labels.every((l) => l === 'targeted')) return 'targeted';
  return 'undetermined';
}

export function summarise(
  members: readonly Submission[],
  evidence: readonly CampaignEvidence[],
  orgs: ReadonlyMap<string, Organisation>,
  truncated: boolean,
): Campaign {
  const sorted = [...members].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
  const orgIds = new Set(sorted.map((m) => m.orgId));
  const sectors = [...new Set([...orgIds].map((id) => orgs.get(id)?.sector).filter((s): s is string => Boolean(s)))].sort();
  const statuses: Partial<Record<SubmissionStatus, number>> = {};
  for (const m of sorted) statuses[m.status] = (statuses[m.status] ?? 0) + 1;
  const verdicts = sorted.map(suggestedVerdict);
  const worst = SEVERITY.find((v) => verdicts.includes(v)) ?? null;
  return {
    id: sorted[0]!.id,
    members: sorted,
    evidence: [...evidence].sort(
      (a, b) => b.members.length - a.members.length || a.key.type.localeCompare(b.key.type) || a.key.value.localeCompare(b.key.value),
    ),
    organisations: orgIds.size,
    sectors,
    firstSeen: sorted[0]!.receivedAt,
    lastSeen: sorted[sorted.length - 1]!.receivedAt,
    label: campaignLabel(sorted, orgIds.size, sectors.length),
    suggested: worst ? { verdict: worst, members: verdicts.filter((v) => v === worst).length } : null,
    statuses,
    truncated,
  };
}

export const CAMPAIGN_SORTS = ['members', 'organisations', 'last-seen'] as const;
export type CampaignSort = (typeof CAMPAIGN_SORTS)[number];

/** Campaigns ordered by the chosen column, largest or latest first (ties: latest first, then id). */
export function sortCampaigns(list: readonly Campaign[], sort: CampaignSort): Campaign[] {
  const key: Record<CampaignSort, (c: Campaign) => number> = {
    members: (c) => c.members.length,
    organisations: (c) => c.organisations,
    'last-seen': (c) => Date.parse(c.lastSeen),
  };
  return [...list].sort((a, b) => key[sort](b) - key[sort](a) || b.lastSeen.localeCompare(a.lastSeen) || a.id.localeCompare(b.id));
}
