// Finding one object of a collection by its STIX id (TAXII "Get an Object" and "Get Object
// Versions"). Ids are hashes (UUIDv4 from SHA-256, UUIDv5 for observables) and cannot be reversed, so the router remembers the indicator behind
// every id it has served (a bounded cache) and, on a miss, scans the raw publication log of the
// collection's class, computing ids from entries alone. Visibility is then decided as for any
// read: through the caller's view of that indicator.
import type { SharingClass } from '../../core/types.ts';
import { publishedViews } from '../feed.ts';
import type { IndicatorView } from '../indicator-view.ts';
import { exchangeIdentity, exportContext, indicatorStixId, latestMap, observableOf, sightingStixId, viewObjects } from '../stix/index.ts';
import type { Viewer } from '../viewer.ts';
import { groupEntries, revokedAt, staticEntries, versionedAt, type CollectionDeps } from './collection-page.ts';
import type { TaxiiEntry } from './filters.ts';
import { latestAtClass } from './latest-at-class.ts';
import type { TaxiiStore } from './store.ts';

/** STIX id → store indicator id, least recently used dropped first. */
export interface StixIdCache {
  get(stixId: string): string | undefined;
  remember(entries: readonly TaxiiEntry[]): void;
}

export function createStixIdCache(max = 200_000): StixIdCache {
  const map = new Map<string, string>();
  return {
    get(stixId) {
      const v = map.get(stixId);
      if (v !== undefined) {
        map.delete(stixId);
        map.set(stixId, v);
      }
      return v;
    },
    remember(entries) {
      for (const e of entries) {
        if (e.indicatorId === null) continue;
        map.delete(e.object.id);
        map.set(e.object.id, e.indicatorId);
        if (map.size > max) map.delete(map.keys().next().value!);
      }
    },
  };
}

const SCAN_BATCH = 5000;

/** The indicator of the collection's class whose objects would carry this id, by a log scan. */
async function scanFor(store: TaxiiStore, cls: SharingClass, stixId: string): Promise<string | null> {
  const type = stixId.slice(0, stixId.indexOf('--'));
  for (let after = 0; ;) {
    const entries = await store.listPublications({ afterSeq: after, limit: SCAN_BATCH, classes: [cls] });
    const ids = [...new Set(entries.map((e) => e.indicatorId))];
    if (type === 'indicator') {
      const hit = ids.find((id) => indicatorStixId(id) === stixId);
      if (hit) return hit;
    } else if (type === 'sighting') {
      const hit = ids.find((id) => sightingStixId(id, cls) === stixId);
      if (hit) return hit;
    } else {
      const hit = (await store.getIndicators(ids)).find((i) => observableOf(i.indicator.type, i.indicator.value, [])?.id === stixId);
      if (hit) return hit.indicator.id;
    }
    if (entries.length < SCAN_BATCH) return null;
    after = entries[entries.length - 1]!.seq;
  }
}

export interface FoundObject {
  readonly entry: TaxiiEntry;
  /** The view the object was built from (null for identity and markings). */
  readonly view: IndicatorView | null;
}

/** The object with this id in the collection as this caller sees it, or null (404). */
export async function findObject(
  deps: CollectionDeps & { readonly cache: StixIdCache },
  viewer: Viewer | null,
  cls: SharingClass,
  stixId: string,
): Promise<FoundObject | null> {
  const fixed = staticEntries(deps.exchange).find((e) => e.object.id === stixId);
  if (fixed) return { entry: fixed, view: null };
  const indicatorId = deps.cache.get(stixId) ?? (await scanFor(deps.store, cls, stixId));
  if (indicatorId === null) return null;
  const view = (await publishedViews(deps.store, viewer, [indicatorId])).get(indicatorId);
  if (!view) return null;
  const [ctx, latestHere] = await Promise.all([exportContext(deps.store, viewer, [indicatorId]), latestAtClass(deps.store, cls, [indicatorId])]);
  // Added at its latest entry at this class, at its place in that entry's group (as in a page).
  const added = latestHere.get(indicatorId);
  if (!added) return null;
  const build = (v: IndicatorView) => viewObjects(v, latestMap(ctx.latest), ctx.sightings, exchangeIdentity(deps.exchange).id, cls);
  let objects = build(view);
  if (objects.length === 0 && added.action === 'retract') objects = build(revokedAt(view, cls, added.publishedAt));
  const entry = groupEntries(versionedAt(objects, added.publishedAt), added.publishedAt, added.seq, indicatorId).find((e) => e.object.id === stixId);
  return entry ? { entry, view } : null;
}
