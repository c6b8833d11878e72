// The content of one digest, read from the publication log as the subscriber: the entries of one
// range (fromSeq < seq <= toSeq) that the viewer may see at the classes the channel carries, each
// view computed from those sources only (readFeed with `classes` and `viewClasses`), the campaigns
// of the visible sources' submissions, and the STIX context for the same viewer and classes. The
// run and the authenticated link both build it here, so a link regenerates exactly what was sent.
import type { Store } from '../../core/store/port.ts';
import type { SharingClass } from '../../core/types.ts';
import { readFeed, type FeedItem } from '../feed.ts';
import type { ViewRules } from '../sector-privacy.ts';
import { exportContext, type ExchangeInfo } from '../stix/index.ts';
import type { Viewer } from '../viewer.ts';
import type { DigestEntry, DigestInput, DigestRecipient } from './content/types.ts';
import type { DigestRange } from './delivery-id.ts';

const PAGE = 1000;

export type DigestStore = Pick<
  Store,
  | 'getIndicators'
  | 'latestPublications'
  | 'listSightings'
  | 'listOrganisations'
  | 'listPublicationFeed'
  | 'listFeedPage'
  | 'lastPublicationSeq'
  | 'getSubmission'
>;

/** The latest visible item of each indicator in the range, in seq order. */
async function rangeItems(
  store: DigestStore,
  viewer: Viewer,
  classes: readonly SharingClass[],
  range: DigestRange,
  rules: ViewRules | undefined,
): Promise<FeedItem[]> {
  const byIndicator = new Map<string, FeedItem>();
  let since = range.fromSeq;
  for (;;) {
    const page = await readFeed(store, viewer, { since, limit: PAGE, classes, viewClasses: classes, until: range.toSeq }, rules);
    for (const item of page.items) {
      byIndicator.delete(item.view.id);
      byIndicator.set(item.view.id, item);
    }
    if (!page.more || page.next <= since) break;
    since = page.next;
  }
  return [...byIndicator.values()].sort((a, b) => a.seq - b.seq);
}

/** Campaign names of the submissions behind the sources each view holds (visible ones only). */
async function withCampaigns(store: DigestStore, items: readonly FeedItem[]): Promise<DigestEntry[]> {
  const campaignOf = new Map<string, string | null>();
  for (const id of new Set(items.flatMap((i) => i.view.sources.map((s) => s.submissionId)))) {
    campaignOf.set(id, (await store.getSubmission(id))?.campaign ?? null);
  }
  return items.map((item) => {
    const names = item.view.sources.flatMap((s) => {
      const c = campaignOf.get(s.submissionId);
      return c ? [c] : [];
    });
    return { ...item, campaigns: [...new Set(names)].sort() };
  });
}

export interface DigestRequest {
  readonly viewer: Viewer;
  readonly classes: readonly SharingClass[];
  readonly range: DigestRange;
  readonly recipient: DigestRecipient;
  readonly scheduleName: string;
  readonly exchange: ExchangeInfo;
  /** Thresholds against singling out an organisation (config `sharing.*`; default DEFAULT_VIEW_RULES). */
  readonly viewRules?: ViewRules | undefined;
}

/** The digest input for this range, or null when nothing in it reaches this subscriber. */
export async function assembleDigest(store: DigestStore, req: DigestRequest): Promise<DigestInput | null> {
  const entries = await withCampaigns(store, await rangeItems(store, req.viewer, req.classes, req.range, req.viewRules));
  if (entries.length === 0) return null;
  const context = await exportContext(
    store,
    req.viewer,
    entries.map((e) => e.view.id),
  );
  const times = entries.map((e) => e.publishedAt).sort();
  return {
    recipient: req.recipient,
    scheduleName: req.scheduleName,
    classes: req.classes,
    period: { from: times[0]!, to: times[times.length - 1]! },
    entries,
    exchange: req.exchange,
    // Sightings the viewer may see, and only at classes this channel carries.
    stixContext: { latest: context.latest, sightings: context.sightings.filter((s) => req.classes.includes(s.class)) },
  };
}
