// One page of a TAXII collection (one class) for one caller. The page position is the publication
// seq: `next` is the seq of the last log entry whose objects the page holds, so entries published
// at the same instant are neither skipped nor repeated (the weakness of `added_after` paging).
//
// Each entry contributes its indicator's objects at the collection's class — the indicator, its
// observable and the sightings reported at that class — added at the entry's publication time. A
// page never splits those objects; the identity and the marking definitions open the collection
// (the first page, asked for without `next`, holds them all, whatever its limit).
import type { SharingClass } from '../../core/types.ts';
import { readFeed, type FeedItem } from '../feed.ts';
import type { IndicatorView } from '../indicator-view.ts';
import { exchangeIdentity, exportContext, latestMap, staticObjects, viewObjects, type ExchangeInfo } from '../stix/index.ts';
import type { Viewer } from '../viewer.ts';
import { entryOf, matches, type TaxiiEntry, type TaxiiFilters } from './filters.ts';
import type { TaxiiStore } from './store.ts';

/** When the identity and the marking definitions count as added to every collection. */
export const STATIC_DATE_ADDED = '2026-01-01T00:00:00.000Z';

/** At most this many log entries are read for one page, however few match the filters. */
const MAX_BATCHES = 10;

export interface CollectionPage {
  readonly entries: readonly TaxiiEntry[];
  readonly more: boolean;
  /** Seq cursor for the next request. */
  readonly next: number;
  /** Views whose objects the page holds (for the audit of RED reads). */
  readonly views: readonly IndicatorView[];
}

export interface CollectionDeps {
  readonly store: TaxiiStore;
  readonly exchange: ExchangeInfo;
}

function staticEntries(exchange: ExchangeInfo, f: TaxiiFilters): TaxiiEntry[] {
  if (f.after !== null || (f.addedAfter !== null && f.addedAfter >= STATIC_DATE_ADDED)) return [];
  return staticObjects(exchange).map((o) => entryOf(o, STATIC_DATE_ADDED)).filter((e) => matches(e, f));
}

/** The objects of one feed item at this class, matching the filters. */
async function groupsOf(deps: CollectionDeps, viewer: Viewer | null, cls: SharingClass, items: readonly FeedItem[], f: TaxiiFilters) {
  const ctx = await exportContext(deps.store, viewer, items.map((i) => i.view.id));
  const latest = latestMap(ctx.latest);
  const creator = exchangeIdentity(deps.exchange).id;
  return items.map((item) => ({
    item,
    entries: viewObjects(item.view, latest, ctx.sightings, creator, cls)
      .map((o) => entryOf(o, item.publishedAt, item.view.id))
      .filter((e) => matches(e, f)),
  }));
}

export async function readCollectionPage(deps: CollectionDeps, viewer: Viewer | null, cls: SharingClass, f: TaxiiFilters): Promise<CollectionPage> {
  const entries = staticEntries(deps.exchange, f);
  const views: IndicatorView[] = [];
  let cursor = f.after ?? 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const page = await readFeed(deps.store, viewer, {
      since: cursor,
      limit: f.limit,
      classes: [cls],
      ...(f.addedAfter ? { updatedAfter: f.addedAfter } : {}),
    });
    for (const { item, entries: group } of await groupsOf(deps, viewer, cls, page.items, f)) {
      if (group.length > 0 && entries.length > 0 && entries.length + group.length > f.limit) {
        return { entries, more: true, next: cursor, views };
      }
      entries.push(...group);
      if (group.length > 0) views.push(item.view);
      cursor = item.seq;
    }
    cursor = Math.max(cursor, page.next);
    if (!page.more) return { entries, more: false, next: cursor, views };
    if (entries.length >= f.limit) break;
  }
  return { entries, more: true, next: cursor, views };
}
