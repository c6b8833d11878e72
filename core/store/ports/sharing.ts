// Role port: what the sharing channels read (pull API, TAXII, feeds, MISP, digests) and the
// sightings participants report.
import type { Indicator, IndicatorSource, IndicatorType, PublicationAction, PublicationEntry, SharingClass, Sighting } from '../../types.ts';
import type { IndicatorWithSources } from './indicators.ts';

/** The publication log as one viewer may read it (the pull API, TAXII, feeds). */
export interface PublicationFeedQuery {
  /** Entries with seq strictly greater than this. */
  readonly afterSeq: number;
  readonly limit: number;
  /** Entries published at one of these classes, by any organisation … */
  readonly classes: readonly SharingClass[];
  /** … plus entries of this organisation's own submissions at one of `classes` of this clause. */
  readonly ownOrg?: { readonly orgId: string; readonly classes: readonly SharingClass[] } | null;
  /** Only entries for indicators of these types. */
  readonly types?: readonly IndicatorType[];
  /** Only entries published strictly after this ISO time. */
  readonly publishedAfter?: string;
}

/** A source together with the latest log entry of its (indicator, submission) pair. */
export interface PublishedSource {
  readonly source: IndicatorSource;
  readonly latest: { readonly action: PublicationAction; readonly class: SharingClass };
}

/** One entry of a feed page (listFeedPage). */
export interface FeedPageEntry {
  readonly entry: PublicationEntry;
  /**
   * On the latest entry of each indicator in the page (null on its earlier entries): the indicator
   * as it is now, its sources that have a log entry (each with its latest one, in seen_at,
   * submission order) and all its sightings (in id order). Null too if the indicator is gone.
   */
  readonly current: {
    readonly indicator: Indicator;
    readonly sources: readonly PublishedSource[];
    readonly sightings: readonly Sighting[];
  } | null;
}

export interface NewSighting {
  readonly indicatorId: string;
  readonly orgId: string;
  readonly class: SharingClass;
  readonly count: number;
  readonly seenAt: string;
  /** A repeated (orgId, idempotencyKey) returns the sighting already recorded. */
  readonly idempotencyKey: string | null;
}

export interface SharingReadStore {
  /** The indicators with these ids that exist, each with all its sources. */
  getIndicators(ids: readonly string[]): Promise<readonly IndicatorWithSources[]>;
  /** The latest log entry of each (indicator, submission) pair of these indicators. */
  latestPublications(indicatorIds: readonly string[]): Promise<readonly PublicationEntry[]>;
  /** Log entries in seq order matching the query (see PublicationFeedQuery). */
  listPublicationFeed(query: PublicationFeedQuery): Promise<readonly PublicationEntry[]>;
  /** listPublicationFeed with what a view of each indicator is computed from, in one read. */
  listFeedPage(query: PublicationFeedQuery): Promise<readonly FeedPageEntry[]>;
  addSighting(sighting: NewSighting, now: string): Promise<{ readonly sighting: Sighting; readonly created: boolean }>;
  listSightings(indicatorIds: readonly string[]): Promise<readonly Sighting[]>;
}
