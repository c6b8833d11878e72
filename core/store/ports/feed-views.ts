// Role port: the feed with what was decided at publication. Each feed row can carry, per audience
// (FEED_AUDIENCES), the indicator's item as that audience sees it, already serialised (written by
// sharing/feed-views.ts when an entry is published and again whenever the indicator changed), so a
// pull page is one range read whose texts are concatenated. A change to the indicator (a log entry,
// a source, a sighting) makes its stored views stale in the same transaction: they are never
// returned again until views computed from the new state are stored.
import type { FeedPageEntry, PublicationFeedQuery } from './sharing.ts';

/**
 * Who reads, as far as a stored view is concerned: the secretariat and analysts (every class), a
 * registered principal of a participant, observer or affiliate organisation that is not itself
 * among the indicator's sources or sighters, and anyone else (WHITE only).
 */
export const FEED_AUDIENCES = ['staff', 'participant', 'observer', 'affiliate', 'public'] as const;
export type FeedAudience = (typeof FEED_AUDIENCES)[number];

export interface FeedJsonQuery extends PublicationFeedQuery {
  readonly audience: FeedAudience;
  /** Views stored under another key (other view rules, other sectors of organisations) are stale. */
  readonly viewsKey: string;
}

/** The indicator as a view is computed from it, and the token its stored views are tied to. */
export interface FeedViewBasis {
  readonly indicatorId: string;
  /** Opaque: storing views succeeds only while the indicator is still in this state. */
  readonly basis: string;
  readonly current: NonNullable<FeedPageEntry['current']>;
}

/** One entry of a JSON feed page, in seq order. */
export type FeedJsonEntry =
  /** Earlier entry of an indicator that has a later one in this page, or one that shows nothing to this audience. */
  | { readonly seq: number; readonly kind: 'none' }
  /**
   * Consecutive stored items for this audience, each `{"seq":…,"action":…,"published_at":…,<view>}`,
   * joined by commas as UTF-8 bytes (the page leaves the store as bytes, not one string per item):
   * one entry of the log per indicator of `indicatorIds`, in order, the last at `seq`; `red`: those
   * whose item is built from a RED source.
   */
  | {
      readonly seq: number;
      readonly kind: 'stored';
      readonly indicatorIds: readonly string[];
      readonly json: Buffer;
      readonly red: readonly string[];
    }
  /**
   * To be computed for this viewer: its organisation is among the indicator's sources or sighters,
   * the entry is a retraction of something this audience no longer sees, or the stored views are
   * stale (then `basis` is set, to store the views computed from it).
   */
  | { readonly seq: number; readonly kind: 'compute'; readonly entry: FeedPageEntry; readonly basis: FeedViewBasis | null };

/** The views of one indicator for every audience: item JSON without the entry fields, '' where it shows nothing. */
export interface FeedViews {
  readonly indicatorId: string;
  readonly basis: string;
  readonly viewsKey: string;
  readonly views: Readonly<Record<FeedAudience, string>>;
  /**
   * The audiences whose view is built from a RED source (its reads are audited): the staff's when
   * the indicator has one; another audience's only if its rules ever let it see RED.
   */
  readonly red: readonly FeedAudience[];
  /** Organisations among the sources and sighters: their own principals' views may differ from their audience's. */
  readonly orgs: readonly string[];
}

export interface FeedViewStore {
  /** listFeedPage for one audience, with the stored views where they are current. */
  listFeedJson(query: FeedJsonQuery): Promise<readonly FeedJsonEntry[]>;
  /** The current state of these published indicators (absent: not in the feed). */
  getFeedBases(indicatorIds: readonly string[]): Promise<readonly FeedViewBasis[]>;
  /** Stores the views of each indicator still in the state of its basis; returns how many indicators were stored. */
  putFeedViews(views: readonly FeedViews[]): Promise<number>;
}
