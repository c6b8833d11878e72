// What a campaign is at a glance (pure): its members, the organisations and sectors that reported
// it, first and last seen, the label (mass mailing or targeted), the verdict analysis suggests and
// how many members stand in each status. RED-level: for the staff only.
import { DEFAULT_CLUSTER_THRESHOLDS, type ClusterLabelKind } from '../../analysis/correlate/index.ts';
import type { SubmissionOutline } from '../../core/store/port.ts';
import type { Organisation, Submission, SubmissionStatus, Verdict } from '../../core/types.ts';
import type { BindingKey } from './binding.ts';

export interface CampaignEvidence {
  readonly key: BindingKey;
  /** Member submission ids carrying it. */
  readonly members: readonly string[];
}

/** What the summary needs of a member: the list reads only this, one campaign reads whole submissions. */
export interface MemberFacts {
  readonly id: string;
  readonly orgId: string;
  readonly status: SubmissionStatus;
  readonly receivedAt: string;
  /** The verdict analysis suggested, or null. */
  readonly suggested: Verdict | null;
  /** The cluster label analysis gave, or null. */
  readonly label: ClusterLabelKind | null;
}

/** A member of one campaign's page: the whole submission and its facts. */
export type CampaignMember = Submission & MemberFacts;

export interface Campaign<M extends MemberFacts = CampaignMember> {
  /** The earliest member's submission id (every member's id finds the campaign). */
  readonly id: string;
  /** Oldest first. */
  readonly members: readonly M[];
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

const verdictOf = (v: unknown): Verdict | null => SEVERITY.find((s) => s === v) ?? null;
const labelOf = (l: unknown): ClusterLabelKind | null => (l === 'mass' || l === 'targeted' || l === 'undetermined' ? l : null);

/** A whole submission with the facts the summary reads (details.analysis.verdict.verdict and .cluster.label). */
export function memberOf(sub: Submission): CampaignMember {
  return { ...sub, suggested: verdictOf(analysisPart(sub, 'verdict')?.['verdict']), label: labelOf(analysisPart(sub, 'cluster')?.['label']) };
}

/** The facts from the store's outline (its two analysis values checked like the details are). */
export function factsOf(o: SubmissionOutline): MemberFacts {
  return { id: o.id, orgId: o.orgId, status: o.status, receivedAt: o.receivedAt, suggested: verdictOf(o.analysisVerdict), label: labelOf(o.clusterLabel) };
}

/**
 * Mass when reported across organisations and sectors (the analysis thresholds) or when analysis
 * saw any member sent to many at once; targeted when one organisation reported it and analysis
 * labelled every member targeted; undetermined otherwise.
 */
export function campaignLabel(members: readonly MemberFacts[], orgs: number, sectors: number): ClusterLabelKind {
  const t = DEFAULT_CLUSTER_THRESHOLDS;
  const labels = members.map((m) => m.label);
  if ((orgs >= t.massMinOrganisations && sectors >= t.massMinSectors) || labels.includes('mass')) return 'mass';
  if (orgs === 1 && labels.every((l) => l === 'targeted')) return 'targeted';
  return 'undetermined';
}

export function summarise<M extends MemberFacts>(
  members: readonly M[],
  evidence: readonly CampaignEvidence[],
  orgs: ReadonlyMap<string, Organisation>,
  truncated: boolean,
): Campaign<M> {
  const sorted = [...members].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
  const orgIds = new Set(sorted.map((m) => m.orgId));
  const sectors = [...new Set([...orgIds].map((id) => orgs.get(id)?.sector).filter((s): s is string => Boolean(s)))].sort();
  const statuses: Partial<Record<SubmissionStatus, number>> = {};
  for (const m of sorted) statuses[m.status] = (statuses[m.status] ?? 0) + 1;
  const verdicts = sorted.map((m) => m.suggested);
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
export function sortCampaigns<M extends MemberFacts>(list: readonly Campaign<M>[], sort: CampaignSort): Campaign<M>[] {
  const key: Record<CampaignSort, (c: Campaign<M>) => number> = {
    members: (c) => c.members.length,
    organisations: (c) => c.organisations,
    'last-seen': (c) => Date.parse(c.lastSeen),
  };
  return [...list].sort((a, b) => key[sort](b) - key[sort](a) || b.lastSeen.localeCompare(a.lastSeen) || a.id.localeCompare(b.id));
}
