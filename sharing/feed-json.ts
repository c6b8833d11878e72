// A JSON pull page from the stored views (feed-views.ts): the store returns, for the newest entry
// of each indicator in the page, the item as the viewer's audience sees it, already serialised, and
// the page is their concatenation. The entries a stored view cannot answer — the viewer's own
// organisation is among the indicator's sources or sighters, a retraction of something the
// audience no longer sees, views made stale by a change — are computed here exactly as readFeed
// computes them, so the body is byte for byte JSON.stringify(feedPageJson(readFeed(…))) in UTF-8.
// The stored items come from the store as bytes already joined, and stay bytes: no string per item.
import type { FeedViewBasis, FeedViewStore } from '../core/store/ports/feed-views.ts';
import { CLASSES } from '../core/types.ts';
import { feedItemJson } from './api/representation.ts';
import { feedItemOf, feedStoreQuery, pageCursor, type FeedQuery, type FeedStore } from './feed.ts';
import { feedAudienceOf, viewsBasis, type ViewsBasis } from './feed-views.ts';
import { DEFAULT_VIEW_RULES, type ViewRules } from './sector-privacy.ts';
import type { Viewer } from './viewer.ts';

const COMMA = Buffer.from(',');

export type FeedJsonStore = FeedStore & Pick<FeedViewStore, 'listFeedJson' | 'putFeedViews'>;

export interface FeedJsonPage {
  /** `{"items":[…],"next_since":…,"more":…}` in UTF-8 */
  readonly body: Buffer;
  readonly next: number;
  readonly more: boolean;
  /** Indicators of the page whose item was built from a RED source (audited). */
  readonly red: readonly string[];
  /** Indicators whose stored views were stale: store them again with storeFeedViews (after answering). */
  readonly stale: readonly FeedViewBasis[];
  readonly basis: ViewsBasis;
}

/** readFeed as JSON text (q.until and q.viewClasses are not for pull pages: use readFeed). */
export async function readFeedJson(
  store: FeedJsonStore,
  viewer: Viewer | null,
  q: Omit<FeedQuery, 'until' | 'viewClasses'>,
  rules: ViewRules = DEFAULT_VIEW_RULES,
): Promise<FeedJsonPage> {
  // The log's end first, as readFeed reads it.
  const end = await store.lastPublicationSeq();
  const basis = viewsBasis(await store.listOrganisations(), rules);
  const read = await store.listFeedJson({ ...feedStoreQuery(viewer, q), audience: feedAudienceOf(viewer), viewsKey: basis.key });
  // A stored entry stands for one log entry per item.
  const rows = read.reduce((n, e) => n + (e.kind === 'stored' ? e.indicatorIds.length : 1), 0);
  const { next, more } = pageCursor(q, rows, rows, read[read.length - 1]?.seq, end);
  const ctx = { viewer, classes: CLASSES, sectorOf: basis.sectorOf, rules };
  const parts: Buffer[] = [];
  const red: string[] = [];
  const stale: FeedViewBasis[] = [];
  for (const e of read) {
    if (e.kind === 'stored') {
      parts.push(e.json);
      for (const id of e.red) red.push(id);
    } else if (e.kind === 'compute') {
      if (e.basis) stale.push(e.basis);
      const item = feedItemOf(e.entry, ctx);
      if (!item) continue;
      parts.push(Buffer.from(JSON.stringify(feedItemJson(item))));
      if (item.view.redData) red.push(item.view.id);
    }
  }
  const body = Buffer.concat([
    Buffer.from('{"items":['),
    ...parts.flatMap((p, i) => (i === 0 ? [p] : [COMMA, p])),
    Buffer.from(`],"next_since":${next},"more":${more}}`),
  ]);
  return { body, next, more, red, stale, basis };
}
