// One page of a TAXII collection (one class) for one caller.
//
// A collection is a set of object versions. Each indicator contributes its objects at the
// collection's class — the indicator, its observable and the sightings reported at that class —
// once, added at its *latest* log entry at that class: an earlier entry of the same indicator is
// superseded (skipped), so however many submissions share an indicator, a walk returns each
// (id, version) once. The identity and the marking definitions open the collection (seq 0).
//
// Every object has a position (entry seq, index in the entry's group) and a unique `date_added`
// encoding it (date-added.ts). `next` and `added_after` both resume after a position, so a page
// may end inside a group: `limit` bounds every page, and `more` is false on the last page.
import type { SharingClass } from '../../core/types.ts';
import { readFeed, type FeedItem } from '../feed.ts';
import type { IndicatorView } from '../indicator-view.ts';
import { exchangeIdentity, exportContext, latestMap, staticObjects, viewObjects, type ExchangeInfo, type StixObject } from '../stix/index.ts';
import type { Viewer } from '../viewer.ts';
import { START, WHOLE, addedAfter, dateAddedOf, encodeNext, isAfter, millisecondOf, positionOf, type Position } from './date-added.ts';
import { entryOf, matches, type TaxiiEntry, type TaxiiFilters } from './filters.ts';
import { latestAtClass } from './latest-at-class.ts';
import type { TaxiiStore } from './store.ts';

/** When the identity and the marking definitions count as added to every collection. */
export const STATIC_DATE_ADDED = '2026-01-01T00:00:00.000Z';

/** Log entries read per batch, and batches at most per request, however few match the filters. */
const BATCH_MIN = 200;
const BATCH_MAX = 2000;
const MAX_BATCHES = 10;

export interface CollectionPage {
  readonly entries: readonly TaxiiEntry[];
  readonly more: boolean;
  /** Cursor for the next request (`next`). */
  readonly next: string;
  /** Views whose objects the page holds (for the audit of RED reads). */
  readonly views: readonly IndicatorView[];
}

export interface CollectionDeps {
  readonly store: TaxiiStore;
  readonly exchange: ExchangeInfo;
}

/** The objects of one entry's group at this class, in their fixed order, with their dates added. */
export function groupEntries(objects: readonly StixObject[], publishedAt: string, seq: number, indicatorId: string | null): TaxiiEntry[] {
  return objects.map((o, i) => entryOf(o, dateAddedOf(publishedAt, seq, i), indicatorId));
}

export function staticEntries(exchange: ExchangeInfo): TaxiiEntry[] {
  return groupEntries(staticObjects(exchange), STATIC_DATE_ADDED, 0, null);
}

interface Group {
  readonly seq: number;
  readonly view: IndicatorView | null;
  readonly entries: readonly TaxiiEntry[];
}

/** The groups of these feed items at this class, superseded entries left out, in seq order. */
async function groupsOf(deps: CollectionDeps, viewer: Viewer | null, cls: SharingClass, items: readonly FeedItem[]): Promise<Group[]> {
  if (items.length === 0) return [];
  const ids = items.map((i) => i.view.id);
  const minSeq = Math.min(...items.map((i) => i.seq));
  const [latestHere, ctx] = await Promise.all([latestAtClass(deps.store, cls, ids, minSeq - 1), exportContext(deps.store, viewer, ids)]);
  const latest = latestMap(ctx.latest);
  const creator = exchangeIdentity(deps.exchange).id;
  return items
    .filter((item) => latestHere.get(item.view.id)?.seq === item.seq)
    .map((item) => {
      let objects = viewObjects(item.view, latest, ctx.sightings, creator, cls);
      // Retracted from this class while the caller still sees it at another (a narrowing read by
      // the secretariat): the collection still says it is revoked here, as to any reader of it.
      if (objects.length === 0 && latestHere.get(item.view.id)?.action === 'retract') {
        objects = viewObjects(revokedAt(item.view, cls, item.publishedAt), latest, ctx.sightings, creator, cls);
      }
      return { seq: item.seq, view: item.view, entries: groupEntries(versionedAt(objects, item.publishedAt), item.publishedAt, item.seq, item.view.id) };
    });
}

/**
 * The indicator's version in a collection is at least its latest entry at that class: a source
 * that left the class (narrowed, withdrawn) changes what the collection says of the indicator, so
 * the object gets a new `modified` even when the sources that remain are older.
 */
export function versionedAt(objects: readonly StixObject[], at: string): StixObject[] {
  return objects.map((o) => {
    const modified = (o as { modified?: string }).modified;
    return o.type === 'indicator' && modified !== undefined && modified < at ? ({ ...o, modified: at } as StixObject) : o;
  });
}

/** The view a reader of the class only would get of an indicator retracted from it (feed.ts tombstones). */
export function revokedAt(view: IndicatorView, cls: SharingClass, at: string): IndicatorView {
  return {
    ...view,
    class: cls,
    sources: [],
    submissionCount: 0,
    firstSeen: at,
    lastSeen: at,
    sectors: [],
    sightingCount: 0,
    falsePositive: true,
    redData: false,
  };
}

/** Where a request resumes: after its `next`, or after the position its `added_after` encodes. */
function startOf(f: TaxiiFilters): Position {
  const fromAdded = f.addedAfter === null ? null : positionOf(f.addedAfter);
  const candidates = [START, f.after, fromAdded].filter((p): p is Position => p !== null);
  return candidates.reduce((a, b) => (isAfter(b, a) ? b : a));
}

export async function readCollectionPage(deps: CollectionDeps, viewer: Viewer | null, cls: SharingClass, f: TaxiiFilters): Promise<CollectionPage> {
  const start = startOf(f);
  // No object of this server is of another spec version.
  if (f.specVersions && !f.specVersions.includes('2.1'))
    return { entries: [], more: false, next: encodeNext(start.seq < 0 ? { seq: 0, index: WHOLE } : start), views: [] };
  const out: TaxiiEntry[] = [];
  const views: IndicatorView[] = [];
  let consumed = start;
  let lastServed: Position | null = null;

  /** Takes a group's objects after the position read; true when the page is full and more follows. */
  const take = (g: Group): boolean => {
    let served = false;
    for (let i = 0; i < g.entries.length; i++) {
      const pos = { seq: g.seq, index: i };
      if (!isAfter(pos, consumed)) continue;
      const e = g.entries[i]!;
      if (!matches(e, f) || !addedAfter(e.dateAdded, f.addedAfter)) {
        consumed = pos;
        continue;
      }
      if (out.length >= f.limit) return true;
      out.push(e);
      consumed = lastServed = pos;
      served = true;
    }
    if (served && g.view) views.push(g.view);
    consumed = { seq: g.seq, index: WHOLE };
    return false;
  };
  const full = (): CollectionPage => ({ entries: out, more: true, next: encodeNext(lastServed!), views });

  if (consumed.seq <= 0 && take({ seq: 0, view: null, entries: staticEntries(deps.exchange) })) return full();

  const publishedAfter = f.addedAfter === null ? null : new Date(Date.parse(millisecondOf(f.addedAfter)) - 1).toISOString();
  const batch = Math.min(Math.max(f.limit, BATCH_MIN), BATCH_MAX);
  for (let n = 0; n < MAX_BATCHES; n++) {
    // Re-read the entry of a group read only in part.
    const since = consumed.index === WHOLE ? consumed.seq : consumed.seq - 1;
    const page = await readFeed(deps.store, viewer, {
      since,
      limit: batch,
      classes: [cls],
      ...(publishedAfter ? { updatedAfter: publishedAfter } : {}),
    });
    for (const g of await groupsOf(deps, viewer, cls, page.items)) {
      if (take(g)) return full();
    }
    if (page.next > consumed.seq) consumed = { seq: page.next, index: WHOLE };
    if (!page.more) return { entries: out, more: false, next: encodeNext(consumed), views };
  }
  return { entries: out, more: true, next: encodeNext(consumed), views };
}
