// Sharing reads in SQLite: indicators in batches, the latest publication state of each source, the
// publication log filtered for one viewer (joined with submissions for the organisation and with
// indicators for the type), and sightings. A feed page (listFeedPage) is one statement: the range
// of the log by seq, and for the newest entry of each indicator in it, the indicator, its sources
// joined by key with the decision published for them (publication_latest, written with each log
// entry) and its sightings, each aggregated as JSON, so the page is mapped without further queries.
import type { IndicatorSource, IndicatorType, InfoKind, PublicationAction, SharingClass, Sighting } from '../types.ts';
import type { FeedPageEntry, IndicatorWithSources, NewSighting, PublicationFeedQuery, PublishedSource } from './port.ts';
import { checkLimit, inWriteTransaction, toJson, type Db, type SyncStore } from './sqlite-db.ts';
import { rowToIndicator, rowToSource, type IndicatorRow, type SourceRow } from './sqlite-indicators.ts';
import { rowToEntry, type PublicationRow } from './sqlite-publications.ts';

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

interface FeedParams {
  after: number;
  classes: string;
  own_org: string | null;
  own_classes: string;
  types: string | null;
  after_time: string | null;
  limit: number;
}

type SharingMethods = Pick<SyncStore, 'getIndicators' | 'latestPublications' | 'listPublicationFeed' | 'listFeedPage' | 'addSighting' | 'listSightings'>;

/** The log entries a feed query matches (FeedParams), aliased p, with the indicator as i. */
const FEED_MATCH = `
  FROM publications p
  LEFT JOIN submissions s ON s.id = p.submission_id
  LEFT JOIN indicators i ON i.id = p.indicator_id
 WHERE p.seq > @after
   AND (p.class IN (SELECT value FROM json_each(@classes))
        OR (@own_org IS NOT NULL AND s.org_id = @own_org AND p.class IN (SELECT value FROM json_each(@own_classes))))
   AND (@types IS NULL OR i.type IN (SELECT value FROM json_each(@types)))
   AND (@after_time IS NULL OR p.published_at > @after_time)`;

interface FeedPageRow extends PublicationRow {
  i_type: string | null;
  i_value: string | null;
  i_created_at: string | null;
  /** JSON [[submission_id, org_id, kind, class, seen_at, false_positive, context, latest action, latest class], …] or null. */
  sources: string | null;
  /** JSON [[id, org_id, class, count, seen_at, reported_at], …] or null. */
  sightings: string | null;
}

type SourceTuple = [string, string, InfoKind, SharingClass, string, number, Record<string, unknown>, PublicationAction, SharingClass];
type SightingTuple = [number, string, SharingClass, number, string, string];

function rowToPageEntry(r: FeedPageRow): FeedPageEntry {
  const entry = rowToEntry(r);
  if (r.sources === null || r.i_type === null) return { entry, current: null };
  const indicatorId = r.indicator_id;
  return {
    entry,
    current: {
      indicator: { id: indicatorId, type: r.i_type as IndicatorType, value: r.i_value!, createdAt: r.i_created_at! },
      sources: (JSON.parse(r.sources) as SourceTuple[]).map(
        ([submissionId, orgId, kind, cls, seenAt, fp, context, action, latestClass]): PublishedSource => ({
          source: { indicatorId, submissionId, orgId, kind, class: cls, seenAt, falsePositive: fp === 1, context },
          latest: { action, class: latestClass },
        }),
      ),
      sightings: (JSON.parse(r.sightings ?? '[]') as SightingTuple[]).map(
        ([id, orgId, cls, count, seenAt, reportedAt]): Sighting => ({ id, indicatorId, orgId, class: cls, count, seenAt, reportedAt }),
      ),
    },
  };
}

function feedParams(q: PublicationFeedQuery): FeedParams {
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

export function sqliteSharing(db: Db): SharingMethods {
  const indicatorsIn = db.prepare<[string], IndicatorRow>('SELECT * FROM indicators WHERE id IN (SELECT value FROM json_each(?))');
  const sourcesIn = db.prepare<[string], SourceRow>(
    'SELECT * FROM indicator_sources WHERE indicator_id IN (SELECT value FROM json_each(?)) ORDER BY seen_at, submission_id',
  );
  // The latest entry of each pair, as publication_latest records it, in seq order.
  const latest = db.prepare<[string], PublicationRow>(`
    SELECT p.* FROM publication_latest l JOIN publications p ON p.seq = l.seq
     WHERE l.indicator_id IN (SELECT value FROM json_each(?))
     ORDER BY p.seq`);
  const feed = db.prepare<FeedParams, PublicationRow>(`SELECT p.* ${FEED_MATCH} ORDER BY p.seq LIMIT @limit`);
  const page = db.prepare<FeedParams, FeedPageRow>(`
    WITH entries AS (
      SELECT p.*, i.type AS i_type, i.value AS i_value, i.created_at AS i_created_at ${FEED_MATCH} ORDER BY p.seq LIMIT @limit
    ), ranked AS (
      SELECT e.*, ROW_NUMBER() OVER (PARTITION BY e.indicator_id ORDER BY e.seq DESC) AS newest FROM entries e
    )
    SELECT r.seq, r.idempotency_key, r.action, r.indicator_id, r.submission_id, r.kind, r.class, r.published_at,
           r.i_type, r.i_value, r.i_created_at,
           CASE WHEN r.newest = 1 THEN (
             SELECT json_group_array(json_array(src.submission_id, src.org_id, src.kind, src.class, src.seen_at, src.false_positive,
                                                json(src.context), l.action, l.class) ORDER BY src.seen_at, src.submission_id)
               FROM indicator_sources src
               JOIN publication_latest l ON l.indicator_id = src.indicator_id AND l.submission_id = src.submission_id
              WHERE src.indicator_id = r.indicator_id) END AS sources,
           CASE WHEN r.newest = 1 THEN (
             SELECT json_group_array(json_array(g.id, g.org_id, g.class, g.count, g.seen_at, g.reported_at) ORDER BY g.id)
               FROM sightings g WHERE g.indicator_id = r.indicator_id) END AS sightings
      FROM ranked r
     ORDER BY r.seq`);
  const sightingByKey = db.prepare<[string, string], SightingRow>('SELECT * FROM sightings WHERE org_id = ? AND dedup_key = ?');
  const insertSighting = db.prepare<Omit<SightingRow, 'id'>, SightingRow>(`
    INSERT INTO sightings (indicator_id, org_id, class, count, seen_at, reported_at, dedup_key)
    VALUES (@indicator_id, @org_id, @class, @count, @seen_at, @reported_at, @dedup_key)
    RETURNING *`);
  const sightingsIn = db.prepare<[string], SightingRow>(
    'SELECT * FROM sightings WHERE indicator_id IN (SELECT value FROM json_each(?)) ORDER BY id',
  );

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
    listFeedPage: (q) => page.all(feedParams(q)).map(rowToPageEntry),
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
