// The MISP feed one caller reads: every indicator view it may see, read once per audience and
// kept while the publication log has not moved (a MISP instance fetches the manifest, then each
// event, then again on its schedule), with the views behind each event for the RED-read audit.
import { CLASSES } from '../../core/types.ts';
import { visibleScope } from '../class-policy.ts';
import type { ExportCache } from '../export-cache.ts';
import { readFeed, type FeedStore } from '../feed.ts';
import type { IndicatorView } from '../indicator-view.ts';
import { latestMap, type ExchangeInfo } from '../stix/index.ts';
import type { Viewer } from '../viewer.ts';
import { eventUuid, mispFeed, type MispFeed } from './events.ts';
import type { Store } from '../../core/store/port.ts';

export type MispStore = FeedStore & Pick<Store, 'latestPublications'>;

export interface AudienceFeed {
  readonly feed: MispFeed;
  /** Views with a RED source, per event UUID, and all of them. */
  readonly redByEvent: ReadonlyMap<string, readonly IndicatorView[]>;
  readonly red: readonly IndicatorView[];
}

const PAGE = 5000;

async function build(store: MispStore, viewer: Viewer | null, exchange: ExchangeInfo): Promise<AudienceFeed> {
  const views = new Map<string, IndicatorView>();
  for (let since = 0; ;) {
    const page = await readFeed(store, viewer, { since, limit: PAGE });
    for (const item of page.items) views.set(item.view.id, item.view);
    since = page.next;
    if (!page.more) break;
  }
  const all = [...views.values()];
  const latest = [];
  for (let i = 0; i < all.length; i += PAGE) latest.push(...(await store.latestPublications(all.slice(i, i + PAGE).map((v) => v.id))));
  const redByEvent = new Map<string, IndicatorView[]>();
  for (const v of all) {
    for (const s of v.sources) {
      if (s.class !== 'RED') continue;
      const uuid = eventUuid(s.submissionId, 'RED');
      const list = redByEvent.get(uuid) ?? [];
      if (!list.includes(v)) list.push(v);
      redByEvent.set(uuid, list);
    }
  }
  return { feed: mispFeed(all, latestMap(latest), exchange), redByEvent, red: all.filter((v) => v.redData) };
}

/**
 * Viewers with the same visible scope see the same views (class policy: registration, staff role,
 * tier and own organisation decide), so they share one cached feed.
 */
export async function audienceFeed(
  deps: { readonly store: MispStore; readonly exchange: ExchangeInfo; readonly cache: ExportCache<AudienceFeed> },
  viewer: Viewer | null,
): Promise<AudienceFeed> {
  const scope = visibleScope(viewer);
  const key = `${CLASSES.filter((c) => scope.classes.includes(c)).join(',')}|${scope.ownOrgId ?? ''}`;
  return deps.cache.get(key, await deps.store.lastPublicationSeq(), () => build(deps.store, viewer, deps.exchange));
}
