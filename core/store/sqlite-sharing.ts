// Sharing reads in SQLite: indicators in batches, the latest publication state of each source, the
// publication log filtered for one viewer (on feed_rows, which carry organisation and type), and
// sightings. A feed page (listFeedPage) is one ordered range read per class of feed_rows (migration 9: each
// log entry with the indicator's current view — its sources with the decision published for them,
// its sightings — as JSON kept by triggers in the transaction of every write that changes them),
// returned by SQLite as one JSON text for the page.
import { CLASSES, type IndicatorSource, type IndicatorType, type InfoKind, type PublicationAction, type SharingClass, type Sighting } from '../types.ts';
import type { FeedPageEntry, IndicatorWithSources, NewSighting, PublicationFeedQuery, PublishedSource } from './port.ts';
import { checkLimit, inWriteTransaction, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import { rowToIndicator, rowToSource, type IndicatorRow, type SourceRow } from './sqlite-indicators.ts';
import { rowToEntry, type PublicationRow } from './sqlite-publications.ts';
import type { SharingReadStore } from './ports/sharing.ts';

interface SightingRow {
  id: number;
  indicator_id: string;
  org_id: string;
  class: string;
  count: number;
  seen_at: string;
  reported_at: string;
  dedup_key: string | null;
}

function rowToSighting(r: SightingRow): Sighting {
  return {
    id: r.id,
    indicatorId: r.indicator_id,
    orgId: r.org_id,
    class: r.class as SharingClass,
    count: r.count,
    seenAt: r.seen_at,
    reportedAt: r.reported_at,
  };
}

export interface FeedParams {
  after: number;
  classes: string;
  own_org: string | null;
  own_classes: string;
  types: string | null;
  after_time: string | null;
  limit: number;
}

/** The filters of a feed query (FeedParams) besides class and organisation, on feed rows aliased f. */
const FEED_REST = `
   AND (@types IS NULL OR f.type IN (SELECT value FROM json_each(@types)))
   AND (@after_time IS NULL OR f.published_at > @after_time)`;

/**
 * The seqs of the feed rows (migration 9) a feed query (FeedParams) matches, first @limit in seq order, read from the indexes by class and by
 * organisation (migration 11): one ordered range per class the query asks for and one for the
 * viewer's own organisation, merged, so a page never walks the rows of classes it may not see.
 * The arms carry no ORDER BY or LIMIT of their own: under the compound's ORDER BY seq LIMIT,
 * SQLite merges them as co-routines, each read lazily in index order, and stops at @limit
 * (with a LIMIT per arm it sorted each arm into a temporary b-tree first: twice the time). The
 * arms are disjoint (one class each; the own organisation's arm only the classes not already
 * asked for), so they are merged with UNION ALL, without comparing seqs for duplicates.
 */
export const FEED_PICK = `
    ${CLASSES.map(
      (c) => `SELECT f.seq FROM feed_rows f
                WHERE instr(@classes, '"${c}"') > 0 AND f.class = '${c}' AND f.seq > @after ${FEED_REST}`,
    ).join(' UNION ALL ')}
    UNION ALL
    SELECT f.seq FROM feed_rows f
      WHERE @own_org IS NOT NULL AND f.org_id = @own_org AND f.seq > @after AND f.class IN (SELECT value FROM json_each(@own_classes))
        AND instr(@classes, '"' || f.class || '"') = 0 ${FEED_REST}
    ORDER BY 1 LIMIT @limit`;

/**
 * One entry of a feed page as the page statement returns it, inside one JSON array for the whole
 * page (one string out of SQLite and one JSON.parse instead of a row object per entry): the entry
 * [seq, key, action, indicator, submission, kind, class, published_at] and the indicator's view
 * [type, value, created_at, published sources, sightings] (null without one), as feed_rows holds them.
 */
export type PageTuple = [
  [number, string, PublicationAction, string, string, InfoKind, SharingClass, string],
  [IndicatorType, string, string, SourceTuple[], SightingTuple[]] | null,
];
type SourceTuple = [string, string, InfoKind, SharingClass, string, number, Record<string, unknown>, PublicationAction, SharingClass];
type SightingTuple = [number, string, SharingClass, number, string, string];

export function tupleToPageEntry([e, view]: PageTuple, newest: boolean): FeedPageEntry {
  const [seq, idempotencyKey, action, indicatorId, submissionId, kind, cls, publishedAt] = e;
  const entry = { seq, idempotencyKey, action, indicatorId, submissionId, kind, class: cls, publishedAt };
  return { entry, current: newest && view !== null ? viewToCurrent(indicatorId, view) : null };
}

/** The indicator as feed_rows.view holds it (see PageTuple). */
export function viewToCurrent(
  indicatorId: string,
  [type, value, createdAt, sources, sightings]: NonNullable<PageTuple[1]>,
): NonNullable<FeedPageEntry['current']> {
  return {
    indicator: { id: indicatorId, type, value, createdAt },
    sources: sources.map(([sub, orgId, k, c, seenAt, fp, context, latestAction, latestClass]): PublishedSource => ({
      source: { indicatorId, submissionId: sub, orgId, kind: k, class: c, seenAt, falsePositive: fp === 1, context },
      latest: { action: latestAction, class: latestClass },
    })),
    sightings: sightings.map(([id, orgId, c, count, seenAt, reportedAt]): Sighting => ({ id, indicatorId, orgId, class: c, count, seenAt, reportedAt })),
  };
}

/** The page's entries; the view is kept on the newest entry of each indicator only. */
function tuplesToPage(tuples: readonly PageTuple[]): FeedPageEntry[] {
  const newest = new Map<string, number>();
  tuples.forEach((t, n) => newest.set(t[0][3], n));
  return tuples.map((t, n) => tupleToPageEntry(t, newest.get(t[0][3]) === n));
}

export function feedParams(q: PublicationFeedQuery): FeedParams {
  return {
    after: q.afterSeq,
    classes: toJson(q.classes),
    own_org: q.ownOrg?.orgId ?? null,
    own_classes: toJson(q.ownOrg?.classes ?? []),
    types: q.types ? toJson(q.types) : null,
    after_time: q.publishedAfter ?? null,
    limit: checkLimit(q.limit),
  };
}

export function sqliteSharing(db: Db): SyncRole<SharingReadStore> {
  const indicatorsIn = db.prepare<[string], IndicatorRow>('SELECT * FROM indicators WHERE id IN (SELECT value FROM json_each(?))');
  const sourcesIn = db.prepare<[string], SourceRow>(
    'SELECT * FROM indicator_sources WHERE indicator_id IN (SELECT value FROM json_each(?)) ORDER BY seen_at, submission_id',
  );
  // The latest entry of each pair, as publication_latest records it, in seq order.
  const latest = db.prepare<[string], PublicationRow>(`
    SELECT p.* FROM publication_latest l JOIN publications p ON p.seq = l.seq
     WHERE l.indicator_id IN (SELECT value FROM json_each(?))
     ORDER BY p.seq`);
  const feed = db.prepare<FeedParams, PublicationRow>(`
    SELECT p.* FROM publications p WHERE p.seq IN (${FEED_PICK}) ORDER BY p.seq`);
  // The stored JSON texts are concatenated, not parsed again: the page leaves SQLite as one string.
  const page = db.prepare<FeedParams, { page: string | null }>(`
    SELECT '[' || group_concat('[' || entry || ',' || coalesce(view, 'null') || ']', ',' ORDER BY seq) || ']' AS page
      FROM (SELECT f.seq, f.entry, f.view FROM (${FEED_PICK}) picked JOIN feed_rows f ON f.seq = picked.seq)`);
  const sightingByKey = db.prepare<[string, string], SightingRow>('SELECT * FROM sightings WHERE org_id = ? AND dedup_key = ?');
  const insertSighting = db.prepare<Omit<SightingRow, 'id'>, SightingRow>(`
    INSERT INTO sightings (indicator_id, org_id, class, count, seen_at, reported_at, dedup_key)
    VALUES (@indicator_id, @org_id, @class, @count, @seen_at, @reported_at, @dedup_key)
    RETURNING *`);
  const sightingsIn = db.prepare<[string], SightingRow>('SELECT * FROM sightings WHERE indicator_id IN (SELECT value FROM json_each(?)) ORDER BY id');

  return {
    getIndicators(ids) {
      if (ids.length === 0) return [];
      const list = toJson(ids);
      const sources = new Map<string, IndicatorSource[]>();
      for (const s of sourcesIn.all(list).map(rowToSource)) {
        const l = sources.get(s.indicatorId) ?? [];
        l.push(s);
        sources.set(s.indicatorId, l);
      }
      return indicatorsIn.all(list).map((r): IndicatorWithSources => ({ indicator: rowToIndicator(r), sources: sources.get(r.id) ?? [] }));
    },
    latestPublications: (ids) => (ids.length === 0 ? [] : latest.all(toJson(ids)).map(rowToEntry)),
    listPublicationFeed: (q) => feed.all(feedParams(q)).map(rowToEntry),
    listFeedPage: (q) => tuplesToPage(JSON.parse(page.get(feedParams(q))!.page ?? '[]') as PageTuple[]),
    addSighting(s: NewSighting, now: string) {
      return inWriteTransaction(db, () => {
        const existing = s.idempotencyKey === null ? undefined : sightingByKey.get(s.orgId, s.idempotencyKey);
        if (existing) return { sighting: rowToSighting(existing), created: false };
        const row = insertSighting.get({
          indicator_id: s.indicatorId,
          org_id: s.orgId,
          class: s.class,
          count: s.count,
          seen_at: s.seenAt,
          reported_at: now,
          dedup_key: s.idempotencyKey,
        })!;
        return { sighting: rowToSighting(row), created: true };
      });
    },
    listSightings: (ids) => (ids.length === 0 ? [] : sightingsIn.all(toJson(ids)).map(rowToSighting)),
  };
}
