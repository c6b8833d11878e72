// The publication log as one viewer reads it: the pull API, TAXII collections and the feeds all
// page through here. A page holds the entries this viewer may see (never an entry of a source it
// may not see, which would tell it that something happened to the indicator then), each with the
// indicator's view as it is now, computed from the published sources the viewer may see.
import { CLASSES, type IndicatorType, type PublicationAction, type SharingClass } from '../core/types.ts';
import type { IndicatorWithSources, Store } from '../core/store/port.ts';
import { visibleScope } from './class-policy.ts';
import { narrowest } from './class-order.ts';
import { viewOf, type IndicatorView } from './indicator-view.ts';
import { pairKey } from './publication-plan.ts';
import { DEFAULT_VIEW_RULES, type ViewRules } from './sector-privacy.ts';
import type { Viewer } from './viewer.ts';

export type FeedStore = Pick<Store, 'getIndicators' | 'latestPublications' | 'listSightings' | 'listOrganisations' | 'listPublicationFeed' | 'lastPublicationSeq'>;

export interface FeedQuery {
  /** Cursor: entries with a publication seq strictly greater than this. */
  readonly since: number;
  readonly limit: number;
  readonly types?: readonly IndicatorType[];
  /** Only entries published at one of these classes. */
  readonly classes?: readonly SharingClass[];
  /** Only entries published strictly after this ISO time. */
  readonly updatedAfter?: string;
  /** Only entries with a seq up to this one (a range read once, e.g. one digest). */
  readonly until?: number;
  /**
   * Compute each view — its figures, and the sightings counted — from sources and sightings at
   * these classes only: for a channel that may carry only these classes (e-mail digests), so no
   * figure derived from a narrower source the viewer may see travels on it. Default: every class.
   */
  readonly viewClasses?: readonly SharingClass[];
}

export interface FeedItem {
  /** Seq of the latest entry of this page for the indicator. */
  readonly seq: number;
  readonly action: PublicationAction;
  readonly publishedAt: string;
  readonly view: IndicatorView;
}

export interface FeedPage {
  readonly items: readonly FeedItem[];
  /** Pass back as `since` for the next page. */
  readonly next: number;
  /** The page was full: more entries may follow at once. */
  readonly more: boolean;
}

/**
 * Only sources that were published (have a log entry) count; a source whose latest entry is a
 * retraction counts as a false positive, and a source never counts at a class wider than the one
 * it was published under.
 */
function publishedOnly(
  item: IndicatorWithSources,
  latest: ReadonlyMap<string, { action: PublicationAction; class: SharingClass }>,
  classes: readonly SharingClass[],
): IndicatorWithSources {
  const sources = item.sources.flatMap((s) => {
    const entry = latest.get(pairKey(s.indicatorId, s.submissionId));
    if (!entry) return [];
    const cls = narrowest([s.class, entry.class]);
    if (!classes.includes(cls)) return [];
    return [{ ...s, class: cls, falsePositive: s.falsePositive || entry.action === 'retract' }];
  });
  return { indicator: item.indicator, sources };
}

/**
 * The views of these indicators for this viewer; indicators it may not see are absent.
 * `classes` restricts the sources and sightings a view is computed from (see FeedQuery.viewClasses).
 */
export async function publishedViews(
  store: FeedStore,
  viewer: Viewer | null,
  ids: readonly string[],
  classes: readonly SharingClass[] = CLASSES,
  rules: ViewRules = DEFAULT_VIEW_RULES,
): Promise<Map<string, IndicatorView>> {
  const out = new Map<string, IndicatorView>();
  if (ids.length === 0) return out;
  const [items, entries, sightings, orgs] = await Promise.all([
    store.getIndicators(ids),
    store.latestPublications(ids),
    store.listSightings(ids),
    store.listOrganisations(),
  ]);
  const latest = new Map(entries.map((e) => [pairKey(e.indicatorId, e.submissionId), e]));
  const sectors = new Map(orgs.map((o) => [o.id, o.sector]));
  const ctx = { sectorOf: (orgId: string) => sectors.get(orgId) ?? null, sightings: sightings.filter((s) => classes.includes(s.class)), rules };
  for (const item of items) {
    const view = viewOf(viewer, publishedOnly(item, latest, classes), ctx);
    if (view) out.set(item.indicator.id, view);
  }
  return out;
}

export async function readIndicator(store: FeedStore, viewer: Viewer | null, id: string, rules: ViewRules = DEFAULT_VIEW_RULES): Promise<IndicatorView | null> {
  return (await publishedViews(store, viewer, [id], CLASSES, rules)).get(id) ?? null;
}

export async function readFeed(store: FeedStore, viewer: Viewer | null, q: FeedQuery, rules: ViewRules = DEFAULT_VIEW_RULES): Promise<FeedPage> {
  const scope = visibleScope(viewer);
  const wanted = q.classes ?? CLASSES;
  // Read the log's end first: an entry committed after it has a higher seq, so it is either in
  // this page or after the cursor we hand out — never skipped.
  const end = await store.lastPublicationSeq();
  const read = await store.listPublicationFeed({
    afterSeq: q.since,
    limit: q.limit,
    classes: scope.classes.filter((c) => wanted.includes(c)),
    ownOrg: scope.ownOrgId ? { orgId: scope.ownOrgId, classes: wanted } : null,
    ...(q.types ? { types: q.types } : {}),
    ...(q.updatedAfter ? { publishedAfter: q.updatedAfter } : {}),
  });
  const entries = q.until === undefined ? read : read.filter((e) => e.seq <= q.until!);
  const more = read.length === q.limit && entries.length === read.length;
  const lastSeq = entries[entries.length - 1]?.seq ?? q.since;
  const next = more ? lastSeq : Math.max(q.since, Math.min(end, q.until ?? end), lastSeq);
  // One item per indicator: its latest entry in this page.
  const byIndicator = new Map<string, (typeof entries)[number]>();
  for (const e of entries) {
    byIndicator.delete(e.indicatorId);
    byIndicator.set(e.indicatorId, e);
  }
  const views = await publishedViews(store, viewer, [...byIndicator.keys()], q.viewClasses, rules);
  const tombstones = await retractionTombstones(store, [...byIndicator.values()].filter((e) => e.action === 'retract' && !views.has(e.indicatorId)));
  const items: FeedItem[] = [];
  for (const e of byIndicator.values()) {
    const view = views.get(e.indicatorId) ?? tombstones.get(e.indicatorId);
    if (view) items.push({ seq: e.seq, action: e.action, publishedAt: e.publishedAt, view });
  }
  return { items, next, more };
}

/**
 * A retraction the viewer may see (its entry is at a class the viewer reads) of an indicator the
 * viewer no longer sees at all — narrowed after publication, or its last source withdrawn: the
 * reader still has to learn it is gone. The item carries only what that reader already had (type
 * and value) and nothing derived from sources it may not see: no counts, sectors or sightings.
 */
async function retractionTombstones(
  store: FeedStore,
  entries: readonly { readonly indicatorId: string; readonly class: SharingClass; readonly kind: IndicatorView['kinds'][number]; readonly publishedAt: string }[],
): Promise<Map<string, IndicatorView>> {
  const out = new Map<string, IndicatorView>();
  if (entries.length === 0) return out;
  const byId = new Map((await store.getIndicators(entries.map((e) => e.indicatorId))).map((i) => [i.indicator.id, i.indicator]));
  for (const e of entries) {
    const ind = byId.get(e.indicatorId);
    if (!ind) continue;
    out.set(e.indicatorId, {
      id: ind.id,
      type: ind.type,
      value: ind.value,
      class: e.class,
      kinds: [e.kind],
      sources: [],
      submissionCount: 0,
      firstSeen: e.publishedAt,
      lastSeen: e.publishedAt,
      sectors: [],
      sightingCount: 0,
      falsePositive: true,
      redData: false,
    });
  }
  return out;
}
