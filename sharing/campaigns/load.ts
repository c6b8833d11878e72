// Campaigns derived from the store, never stored: the clustering features analysis records per
// submission (store cluster_features) are the one truth, so a campaign cannot drift from them —
// a re-analysis, a new report or a removed submission changes the campaign the next time it is
// read. A campaign is named by its earliest member's submission id; any member's id finds it
// (campaignOf), so a link from the queue never goes stale when two campaigns merge.
//
// The list reads, in one query, the binding features two or more submissions share in the window
// (listSharedClusterFeatures) and groups them. One campaign (campaignOf) follows the links to
// closure from its member: the features of the submissions known so far, the store's submissions
// sharing one of their binding features (findClusterFeatures, within the window), the features of
// those, until nothing new turns up or the bound is reached (then `truncated`).
import type { ClusterStore, DirectoryStore, SubmissionStore } from '../../core/store/port.ts';
import type { ClusterFeature, Organisation } from '../../core/types.ts';
import { BINDING_TYPES, groupByBinding, searchFeatures } from './binding.ts';
import { factsOf, memberOf, summarise, type Campaign, type CampaignMember, type MemberFacts } from './summary.ts';

export interface CampaignLimits {
  /** Only features recorded in this many days before now link submissions (analysis/correlate uses 90). */
  readonly windowDays: number;
  /** Submissions read per closure at most (a campaign list or one campaign). */
  readonly maxSubmissions: number;
  /** Matches read per feature at most. */
  readonly matchesPerFeature: number;
  /** The list reads at most this many shared feature rows (newest first). */
  readonly sharedRows: number;
}

export const DEFAULT_CAMPAIGN_LIMITS: CampaignLimits = Object.freeze({ windowDays: 90, maxSubmissions: 3000, matchesPerFeature: 1000, sharedRows: 50_000 });

/** What reading campaigns needs of the store. */
type CampaignReads = ClusterStore & SubmissionStore & DirectoryStore;

const DAY_MS = 24 * 3600_000;
/** Reads in flight at once. */
const READ_BATCH = 100;
const featureKey = (f: ClusterFeature) => `${f.type}\u0000${f.value}`;

interface Closure {
  readonly features: Map<string, readonly ClusterFeature[]>;
  readonly truncated: boolean;
}

async function closure(store: CampaignReads, seeds: readonly string[], seenFrom: string, limits: CampaignLimits): Promise<Closure> {
  const features = new Map<string, readonly ClusterFeature[]>();
  const searched = new Set<string>();
  let pending = [...new Set(seeds)].slice(0, limits.maxSubmissions);
  let truncated = seeds.length > limits.maxSubmissions;
  while (pending.length > 0) {
    // Asked together: a store behind a worker thread or a network answers them as a pipeline.
    for (let i = 0; i < pending.length; i += READ_BATCH) {
      const batch = pending.slice(i, i + READ_BATCH);
      const read = await Promise.all(batch.map((id) => store.listClusterFeatures(id)));
      batch.forEach((id, j) => features.set(id, read[j]!));
    }
    const wanted: ClusterFeature[] = [];
    for (const id of pending)
      for (const f of searchFeatures(features.get(id) ?? [])) {
        if (searched.has(featureKey(f))) continue;
        searched.add(featureKey(f));
        wanted.push({ type: f.type, value: f.value });
      }
    if (wanted.length === 0) break;
    const found = await store.findClusterFeatures({ features: wanted, seenFrom, limitPerFeature: limits.matchesPerFeature });
    const perFeature = new Map<string, number>();
    for (const m of found) perFeature.set(featureKey(m), (perFeature.get(featureKey(m)) ?? 0) + 1);
    if ([...perFeature.values()].some((n) => n >= limits.matchesPerFeature)) truncated = true;
    const next = [...new Set(found.map((m) => m.submissionId))].filter((id) => !features.has(id));
    const room = limits.maxSubmissions - features.size;
    if (next.length > room) truncated = true;
    pending = next.slice(0, Math.max(0, room));
  }
  return { features, truncated };
}

/** Every member in one read: whole submissions for one campaign's page, outlines for the list. */
async function campaignsOf<M extends MemberFacts>(
  store: CampaignReads,
  c: Closure,
  readMembers: (ids: readonly string[]) => Promise<readonly M[]>,
): Promise<Campaign<M>[]> {
  const orgs = new Map<string, Organisation>((await store.listOrganisations()).map((o) => [o.id, o]));
  const out: Campaign<M>[] = [];
  const groups = groupByBinding(c.features);
  const read = new Map((await readMembers([...new Set(groups.flatMap((g) => g.members))])).map((m) => [m.id, m]));
  for (const group of groups) {
    const members = group.members.map((id) => read.get(id)).filter((s): s is M => s !== undefined);
    if (members.length > 1) out.push(summarise(members, [...group.keys.values()], orgs, c.truncated));
  }
  return out;
}

const windowStart = (now: Date, limits: CampaignLimits) => new Date(now.getTime() - limits.windowDays * DAY_MS).toISOString();

/**
 * Every campaign in the window, from one store read: the binding features two or more submissions
 * share there (a feature nobody else has cannot bind), grouped like a closure would group them.
 */
export async function listCampaigns(store: CampaignReads, now: Date, limits: CampaignLimits = DEFAULT_CAMPAIGN_LIMITS): Promise<Campaign<MemberFacts>[]> {
  const rows = await store.listSharedClusterFeatures({ seenFrom: windowStart(now, limits), types: BINDING_TYPES, limit: limits.sharedRows });
  const features = new Map<string, ClusterFeature[]>();
  for (const r of rows) {
    const list = features.get(r.submissionId) ?? [];
    list.push({ type: r.type, value: r.value });
    features.set(r.submissionId, list);
  }
  // Outlines, not whole submissions: the list shows counts, dates, labels and verdicts of ~1000 members.
  return campaignsOf(store, { features, truncated: rows.length >= limits.sharedRows }, async (ids) => (await store.getSubmissionOutlines(ids)).map(factsOf));
}

/** The campaign a submission belongs to (null: it shares no binding feature with another submission in the window). */
export async function campaignOf(
  store: CampaignReads,
  submissionId: string,
  now: Date,
  limits: CampaignLimits = DEFAULT_CAMPAIGN_LIMITS,
): Promise<Campaign<CampaignMember> | null> {
  const c = await closure(store, [submissionId], windowStart(now, limits), limits);
  return (
    (await campaignsOf(store, c, async (ids) => (await store.getSubmissions(ids)).map(memberOf))).find((k) => k.members.some((m) => m.id === submissionId)) ??
    null
  );
}
