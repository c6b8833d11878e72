// The public shape of an indicator view in API responses (JSON, CSV). Built only from the view's
// figures: sources, submission ids and organisations never leave, only what is derived from the
// sources this reader may see.
import type { FeedItem, FeedPage } from '../feed.ts';
import type { IndicatorView } from '../indicator-view.ts';

export interface IndicatorJson {
  readonly id: string;
  readonly type: string;
  readonly value: string;
  readonly class: string;
  readonly kinds: readonly string[];
  readonly first_seen: string;
  readonly last_seen: string;
  readonly submissions: number;
  readonly sectors: readonly string[];
  readonly sightings: number;
  readonly false_positive: boolean;
}

export interface FeedItemJson extends IndicatorJson {
  /** Publication seq of the entry that put this indicator in the page. */
  readonly seq: number;
  readonly action: 'publish' | 'retract';
  readonly published_at: string;
}

export function indicatorJson(v: IndicatorView): IndicatorJson {
  return {
    id: v.id,
    type: v.type,
    value: v.value,
    class: v.class,
    kinds: v.kinds,
    first_seen: v.firstSeen,
    last_seen: v.lastSeen,
    submissions: v.submissionCount,
    sectors: v.sectors,
    sightings: v.sightingCount,
    false_positive: v.falsePositive,
  };
}

export function feedItemJson(item: FeedItem): FeedItemJson {
  return { seq: item.seq, action: item.action, published_at: item.publishedAt, ...indicatorJson(item.view) };
}

export interface FeedPageJson {
  readonly items: readonly FeedItemJson[];
  readonly next_since: number;
  readonly more: boolean;
}

export function feedPageJson(page: FeedPage): FeedPageJson {
  return { items: page.items.map(feedItemJson), next_since: page.next, more: page.more };
}
