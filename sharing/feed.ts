// The publication log as one viewer reads it: the pull API, TAXII collections and the feeds all
// page through here. A page holds the entries this viewer may see (never an entry of a source it
// may not see, which would tell it that something happened to the indicator then), each with the
// indicator's view as it is now, computed from the published sources the viewer may see.
import { CLASSES, type IndicatorType, type PublicationAction, type SharingClass } from '../core/types.ts';
import type { FeedPageEntry, IndicatorWithSources, PublicationFeedQuery, PublishedSource, Store } from '../core/store/port.ts';
import type { Indicator, IndicatorSource } from '../core/types.ts';
import { visibleScope } from './class-policy.ts';
import { narrowest } from '../core/class-order.ts';
import { viewOf, type IndicatorView } from './indicator-view.ts';
import { pairKey } from './publication-plan.ts';
import { DEFAULT_VIEW_RULES, type ViewRules } from './sector-privacy.ts';
import type { Viewer } from './viewer.ts';

export type FeedStore = Pick<
  Store,
  'getIndicators' | 'latestPublications' | 'listSightings' | 'listOrganisations' | 'listPublicationFeed' | 'listFeedPage' | 'lastPublicationSeq'
>;

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
export function publishedSources(published: readonly PublishedSource[], classes: readonly SharingClass[]): IndicatorSource[] {
  return published.flatMap(({ source: s, latest: entry }) => {
    const cls = narrowest([s.class, entry.class]);
    if (!classes.includes(cls)) return [];
    return [{ ...s, class: cls, falsePositive: s.falsePositive || entry.action === 'retract' }];
  });
}

function publishedOnly(
  item: IndicatorWithSources,
  latest: ReadonlyMap<string, { action: PublicationAction; class: SharingClass }>,
  classes: readonly SharingClass[],
): IndicatorWithSources {
  const published = item.sources.flatMap((source) => {
    const entry = latest.get(pairKey(source.indicatorId, source.submissionId));
    return entry ? [{ source, latest: entry }] : [];
  });
  return { indicator: item.indicator, sources: publishedSources(published, classes) };
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
  // Read the log's end first: an entry committed after it has a higher seq, so it is either in
  // this page or after the cursor we hand out — never skipped.
  const end = await store.lastPublicationSeq();
  const read = await store.listFeedPage(feedStoreQuery(viewer, q));
  const entries = q.until === undefined ? read : read.filter((e) => e.entry.seq <= q.until!);
  const { next, more } = pageCursor(q, read.length, entries.length, entries[entries.length - 1]?.entry.seq, end);
  const ctx = { viewer, classes: q.viewClasses ?? CLASSES, sectorOf: await sectorLookup(store), rules };
  // One item per indicator: its latest entry in this page, which carries the indicator as it is now.
  const items: FeedItem[] = [];
  for (const e of entries) {
    const item = feedItemOf(e, ctx);
    if (item) items.push(item);
  }
  return { items, next, more };
}

/** The entries of the log this viewer may see that the query asks for. */
export function feedStoreQuery(viewer: Viewer | null, q: FeedQuery): PublicationFeedQuery {
  const scope = visibleScope(viewer);
  const wanted = q.classes ?? CLASSES;
  return {
    afterSeq: q.since,
    limit: q.limit,
    classes: scope.classes.filter((c) => wanted.includes(c)),
    ownOrg: scope.ownOrgId ? { orgId: scope.ownOrgId, classes: wanted } : null,
    ...(q.types ? { types: q.types } : {}),
    ...(q.updatedAfter ? { publishedAfter: q.updatedAfter } : {}),
  };
}

/** What a viewer's page is computed with (readFeed, and the JSON pages for the entries not stored: feed-json.ts). */
export interface ItemContext {
  readonly viewer: Viewer | null;
  readonly classes: readonly SharingClass[];
  readonly sectorOf: (orgId: string) => string | null;
  readonly rules: ViewRules;
}

/** The item of one page entry for this viewer, or null when it shows the viewer nothing. */
export function feedItemOf({ entry: e, current }: FeedPageEntry, ctx: ItemContext): FeedItem | null {
  if (!current) return null;
  const { viewer, classes, sectorOf, rules } = ctx;
  const sightings = current.sightings.filter((g) => classes.includes(g.class));
  const view =
    viewOf(viewer, { indicator: current.indicator, sources: publishedSources(current.sources, classes) }, { sectorOf, sightings, rules }) ??
    (e.action === 'retract' ? retractionTombstone(current.indicator, e) : null);
  return view ? { seq: e.seq, action: e.action, publishedAt: e.publishedAt, view } : null;
}

/**
 * The cursor after a page: `read` entries came back for a limit of q.limit, `kept` of them up to
 * q.until, the last kept at `lastSeq`; `end` is the log's end read before the page.
 */
export function pageCursor(
  q: Pick<FeedQuery, 'since' | 'limit' | 'until'>,
  read: number,
  kept: number,
  lastSeq: number | undefined,
  end: number,
): { next: number; more: boolean } {
  const more = read === q.limit && kept === read;
  const last = lastSeq ?? q.since;
  return { next: more ? last : Math.max(q.since, Math.min(end, q.until ?? end), last), more };
}

export async function sectorLookup(store: FeedStore): Promise<(orgId: string) => string | null> {
  const sectors = new Map((await store.listOrganisations()).map((o) => [o.id, o.sector]));
  return (orgId) => sectors.get(orgId) ?? null;
}

/**
 * A retraction the viewer may see (its entry is at a class the viewer reads) of an indicator the
 * viewer no longer sees at all — narrowed after publication, or its last source withdrawn: the
 * reader still has to learn it is gone. The item carries only what that reader already had (type
 * and value) and nothing derived from sources it may not see: no counts, sectors or sightings.
 */
function retractionTombstone(
  ind: Indicator,
  e: { readonly class: SharingClass; readonly kind: IndicatorView['kinds'][number]; readonly publishedAt: string },
): IndicatorView {
  return {
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
  };
}
