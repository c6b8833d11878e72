// Council dashboard figures over a period: submissions per sector and class, time from receipt to
// first publication (median and 90th percentile), mass versus targeted mail, top campaigns.
// Pure functions over records; the route loads them.
import { CLASSES, KINDS, type Organisation, type SharingClass, type Submission } from '../../../core/types.ts';
import { widest } from '../../../core/class-order.ts';
import { queueSignals } from '../submission/analysis-summary.ts';

export interface SectorRow {
  readonly sector: string;
  readonly total: number;
  readonly byClass: Readonly<Record<SharingClass, number>>;
}

export interface DashboardStats {
  readonly total: number;
  readonly bySector: readonly SectorRow[];
  /** Receipt to first publication, over published submissions; null when none. */
  readonly latency: { readonly count: number; readonly medianMs: number; readonly p90Ms: number } | null;
  /** Analysis's cluster label (correlate/cluster.ts); unknown: not analysed yet. */
  readonly reach: { readonly mass: number; readonly targeted: number; readonly undetermined: number; readonly unknown: number };
  readonly campaigns: readonly { readonly campaign: string; readonly count: number }[];
}

/** Nearest-rank quantile of sorted numbers. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Mass or targeted as analysis labelled the submission's cluster (never guessed from counts here). */
function reachOf(sub: Submission): 'mass' | 'targeted' | 'undetermined' | 'unknown' {
  return queueSignals(sub.details).cluster?.label ?? 'unknown';
}

/** The class a submission was shared at overall: the widest of its kinds' classes. */
export function submissionClass(sub: Submission): SharingClass {
  return widest(KINDS.map((k) => sub.classes[k])) ?? 'RED';
}

export function dashboardStats(
  subs: readonly Submission[],
  orgs: ReadonlyMap<string, Organisation>,
  firstPublished: ReadonlyMap<string, string>,
): DashboardStats {
  const sectors = new Map<string, Record<SharingClass, number>>();
  const reach = { mass: 0, targeted: 0, undetermined: 0, unknown: 0 };
  const campaigns = new Map<string, number>();
  const latencies: number[] = [];
  for (const s of subs) {
    const sector = orgs.get(s.orgId)?.sector ?? '?';
    const row = sectors.get(sector) ?? (Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<SharingClass, number>);
    row[submissionClass(s)]++;
    sectors.set(sector, row);
    reach[reachOf(s)]++;
    if (s.campaign) campaigns.set(s.campaign, (campaigns.get(s.campaign) ?? 0) + 1);
    const published = firstPublished.get(s.id);
    if (published) latencies.push(Math.max(0, Date.parse(published) - Date.parse(s.receivedAt)));
  }
  latencies.sort((a, b) => a - b);
  return {
    total: subs.length,
    bySector: [...sectors.entries()]
      .map(([sector, byClass]) => ({ sector, byClass, total: CLASSES.reduce((n, c) => n + byClass[c], 0) }))
      .sort((a, b) => b.total - a.total || a.sector.localeCompare(b.sector)),
    latency: latencies.length ? { count: latencies.length, medianMs: quantile(latencies, 0.5), p90Ms: quantile(latencies, 0.9) } : null,
    reach,
    campaigns: [...campaigns.entries()]
      .map(([campaign, count]) => ({ campaign, count }))
      .sort((a, b) => b.count - a.count || a.campaign.localeCompare(b.campaign))
      .slice(0, 10),
  };
}
