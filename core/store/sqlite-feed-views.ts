// Stored feed views in SQLite (ports/feed-views.ts). feed_rows (migration 9) gets, per row, the
// indicator's item as each audience sees it (v_<audience>, JSON text; '' where it shows nothing),
// whether the staff view is built from a RED source, and the key of the rules and sectors they were
// computed under (views_key). A trigger sets views_key to NULL whenever a row's raw view changes
// (every write that changes the indicator rewrites it, in the same transaction), so stale views
// are never read; putFeedViews stores views only on rows whose raw view is still the one they were
// computed from. A page is one range read by seq that returns, per row, the stored text (with the
// entry's seq, action and time in front) or, for the few rows computed per viewer, the raw view.
import type { FeedAudience, FeedJsonEntry, FeedJsonQuery, FeedViewBasis, FeedViews, FeedViewStore } from './ports/feed-views.ts';
import { inWriteTransaction, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import { FEED_PICK, feedParams, tupleToPageEntry, viewToCurrent, type FeedParams, type PageTuple } from './sqlite-sharing.ts';

interface JsonParams extends FeedParams {
  audience: FeedAudience;
  views_key: string;
  /** '|org|' of a viewer whose own organisation's entries it may see, else null. */
  own: string | null;
}

/** how: 0 nothing to show, 1 stored item, 2 compute for this viewer, 3 compute (stored views stale). */
type JsonRow = [seq: number, indicatorId: string, how: 0 | 1 | 2 | 3, json: string | null, red: number, entry: string | null, view: string | null];

type FeedViewMethods = SyncRole<FeedViewStore>;

/** The stored item of the audience on row f. */
const AUDIENCE_ITEM = `CASE @audience WHEN 'staff' THEN f.v_staff WHEN 'participant' THEN f.v_participant WHEN 'observer' THEN f.v_observer
                                   WHEN 'affiliate' THEN f.v_affiliate ELSE f.v_public END`;

/** A view's item (JSON object text, or '') with the entry of row feed_rows in front. */
function withEntry(param: string): string {
  return `CASE WHEN ${param} = '' THEN '' ELSE '{"seq":' || seq || ',"action":' || json_quote(json_extract(entry, '$[2]'))
            || ',"published_at":' || json_quote(published_at) || ',' || substr(${param}, 2) END`;
}

export function sqliteFeedViews(db: Db): FeedViewMethods {
  // The page's rows as listFeedPage reads them, each with what it shows this audience; which of
  // them is the newest of its indicator in the page is decided by the caller of the statement.
  const page = db
    .prepare<JsonParams, JsonRow>(
      `
    SELECT seq, indicator_id, how, CASE how WHEN 1 THEN v END, red, CASE WHEN how >= 2 THEN entry END, CASE WHEN how >= 2 THEN view END
      FROM (SELECT f.seq, f.indicator_id, f.entry, f.view, f.red, ${AUDIENCE_ITEM} AS v,
                   CASE WHEN f.view IS NULL THEN 0
                        WHEN f.views_key IS NOT @views_key THEN 3
                        WHEN @own IS NOT NULL AND instr(f.orgs, @own) > 0 THEN 2
                        WHEN ${AUDIENCE_ITEM} <> '' THEN 1
                        WHEN json_extract(f.entry, '$[2]') = 'retract' THEN 2
                        ELSE 0 END AS how
              FROM (${FEED_PICK}) picked JOIN feed_rows f ON f.seq = picked.seq)
     ORDER BY seq`,
    )
    .raw();
  const bases = db.prepare<[string], { indicator_id: string; view: string }>(`
    SELECT indicator_id, view FROM feed_rows
     WHERE seq IN (SELECT max(seq) FROM feed_rows WHERE indicator_id IN (SELECT value FROM json_each(?)) GROUP BY indicator_id)
       AND view IS NOT NULL`);
  const put = db.prepare<Record<string, string | number>>(`
    UPDATE feed_rows SET views_key = @views_key, red = @red, orgs = @orgs,
                         v_staff = ${withEntry('@staff')}, v_participant = ${withEntry('@participant')}, v_observer = ${withEntry('@observer')},
                         v_affiliate = ${withEntry('@affiliate')}, v_public = ${withEntry('@public')}
     WHERE indicator_id = @indicator_id AND view IS @basis`);

  function basisOf(indicatorId: string, view: string): FeedViewBasis {
    return { indicatorId, basis: view, current: viewToCurrent(indicatorId, JSON.parse(view) as NonNullable<PageTuple[1]>) };
  }

  return {
    listFeedJson(q: FeedJsonQuery) {
      const own = q.ownOrg ? `|${q.ownOrg.orgId}|` : null;
      const rows = page.all({ ...feedParams(q), audience: q.audience, views_key: q.viewsKey, own });
      // Only the newest row of each indicator in the page shows it.
      const newest = new Map<string, number>();
      for (const r of rows) newest.set(r[1], r[0]);
      return rows.map(([seq, indicatorId, how, json, red, entry, view]): FeedJsonEntry => {
        if (how === 0 || newest.get(indicatorId) !== seq) return { seq, kind: 'none' };
        if (how === 1) return { seq, kind: 'stored', indicatorId, json: json!, red: red === 1 };
        const tuple: PageTuple = [JSON.parse(entry!) as PageTuple[0], view === null ? null : (JSON.parse(view) as PageTuple[1])];
        return { seq, kind: 'compute', entry: tupleToPageEntry(tuple, true), basis: how === 3 && view !== null ? basisOf(indicatorId, view) : null };
      });
    },
    getFeedBases: (ids) => (ids.length === 0 ? [] : bases.all(toJson(ids)).map((r) => basisOf(r.indicator_id, r.view))),
    putFeedViews(views: readonly FeedViews[]) {
      if (views.length === 0) return 0;
      return inWriteTransaction(db, () => {
        let stored = 0;
        for (const v of views) {
          const r = put.run({
            ...v.views,
            indicator_id: v.indicatorId,
            basis: v.basis,
            views_key: v.viewsKey,
            red: v.red ? 1 : 0,
            orgs: `|${v.orgs.join('|')}|`,
          });
          if (r.changes > 0) stored++;
        }
        return stored;
      });
    },
  };
}
