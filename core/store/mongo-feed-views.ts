// Feed views in MongoDB (ports/feed-views.ts): no views are stored yet, so every item of a JSON
// page is computed per request from listFeedPage, which gives the same page as stored views would
// (the port lets any entry be 'compute'). Storing them needs each write that changes an indicator
// to mark its views stale, which MongoDB has no triggers for (left for later; issue 17).
import type { FeedJsonEntry, FeedJsonQuery, FeedViewStore } from './ports/feed-views.ts';
import type { SharingReadStore } from './ports/sharing.ts';

export function mongoFeedViews(sharing: Pick<SharingReadStore, 'listFeedPage'>): FeedViewStore {
  return {
    async listFeedJson(q: FeedJsonQuery) {
      return (await sharing.listFeedPage(q)).map((e): FeedJsonEntry =>
        e.current === null ? { seq: e.entry.seq, kind: 'none' } : { seq: e.entry.seq, kind: 'compute', entry: e, basis: null },
      );
    },
    getFeedBases: async () => [],
    putFeedViews: async () => 0,
  };
}
