// Sharing reads in SQLite: indicators in batches, the latest publication state of each source, the
// publication log filtered for one viewer (joined with submissions for the organisation and with
// indicators for the type), and sightings.
import type { IndicatorSource, SharingClass, Sighting } from '../types.ts';
import type { IndicatorWithSources, NewSighting, PublicationFeedQuery } from './port.ts';
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

type SharingMethods = Pick<SyncStore, 'getIndicators' | 'latestPublications' | 'listPublicationFeed' | 'addSighting' | 'listSightings'>;

export function sqliteSharing(db: Db): SharingMethods {
  const indicatorsIn = db.prepare<[string], IndicatorRow>('SELECT * FROM indicators WHERE id IN (SELECT value FROM json_each(?))');
  const sourcesIn = db.prepare<[string], SourceRow>(
    'SELECT * FROM indicator_sources WHERE indicator_id IN (SELECT value FROM json_each(?)) ORDER BY seen_at, submission_id',
  );
  // SQLite returns the other columns of the row holding MAX(seq): the latest entry of each pair.
  const latest = db.prepare<[string], PublicationRow>(`
    SELECT p.*, MAX(p.seq) AS latest_seq FROM publications p
     WHERE p.indicator_id IN (SELECT value FROM json_each(?))
     GROUP BY p.indicator_id, p.submission_id`);
  const feed = db.prepare<FeedParams, PublicationRow>(`
    SELECT p.* FROM publications p
      LEFT JOIN submissions s ON s.id = p.submission_id
      LEFT JOIN indicators i ON i.id = p.indicator_id
     WHERE p.seq > @after
       AND (p.class IN (SELECT value FROM json_each(@classes))
            OR (@own_org IS NOT NULL AND s.org_id = @own_org AND p.class IN (SELECT value FROM json_each(@own_classes))))
       AND (@types IS NULL OR i.type IN (SELECT value FROM json_each(@types)))
       AND (@after_time IS NULL OR p.published_at > @after_time)
     ORDER BY p.seq
     LIMIT @limit`);
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
    listPublicationFeed(q: PublicationFeedQuery) {
      return feed
        .all({
          after: q.afterSeq,
          classes: toJson(q.classes),
          own_org: q.ownOrg?.orgId ?? null,
          own_classes: toJson(q.ownOrg?.classes ?? []),
          types: q.types ? toJson(q.types) : null,
          after_time: q.publishedAfter ?? null,
          limit: checkLimit(q.limit),
        })
        .map(rowToEntry);
    },
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
