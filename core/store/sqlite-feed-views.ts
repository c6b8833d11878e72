// Stored feed views in SQLite (ports/feed-views.ts). feed_rows (migration 9) gets, per row, the
// indicator's item as each audience sees it (v_<audience>, JSON text; '' where it shows nothing),
// which audiences' views are built from a RED source (`red`, bit i for FEED_AUDIENCES[i]: staff is
// bit 0, so rows stored when the column held the staff view's flag alone read the same), and the
// key of the rules and sectors they were computed under (views_key). A trigger sets views_key to
// NULL whenever a row's raw view changes (every write that changes the indicator rewrites it, in
// the same transaction), so stale views are never read; putFeedViews stores views only on rows
// whose raw view is still the one they were computed from. A page is one range read by seq that
// returns the stored texts of its rows (with the entry's seq, action and time in front) joined as
// bytes, and per row what it shows: the length of its stored text or, for the few rows computed per
// viewer, the entry and raw view.
import {
  FEED_AUDIENCES,
  type FeedAudience,
  type FeedJsonEntry,
  type FeedJsonQuery,
  type FeedViewBasis,
  type FeedViews,
  type FeedViewStore,
} from './ports/feed-views.ts';
import { inWriteTransaction, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import { FEED_PICK, feedParams, tupleToPageEntry, viewToCurrent, type FeedParams, type PageTuple } from './sqlite-sharing.ts';

interface JsonParams extends FeedParams {
  views_key: string;
  /** '|org|' of a viewer whose own organisation's entries it may see, else null. */
  own: string | null;
}

/**
 * One row of a page as the page statement lists it: how (0 nothing to show, 1 stored item, 2 compute
 * for this viewer, 3 compute: stored views stale), whether this audience's stored item is built
 * from a RED source, the byte length of the stored item (how 1) and the entry and raw view (how >= 2).
 */
type PageRow = [seq: number, indicatorId: string, how: 0 | 1 | 2 | 3, red: 0 | 1, bytes: number | null, entry: string | null, view: string | null];

type FeedViewMethods = SyncRole<FeedViewStore>;

/** The column of row f that holds the audience's stored item (one page statement per audience: no CASE per row). */
const AUDIENCE_COLUMN: Readonly<Record<FeedAudience, string>> = {
  staff: 'f.v_staff',
  participant: 'f.v_participant',
  observer: 'f.v_observer',
  affiliate: 'f.v_affiliate',
  public: 'f.v_public',
};

/** The bit of column `red` that marks this audience's stored item as built from a RED source. */
const redBit = (audience: FeedAudience): number => 1 << FEED_AUDIENCES.indexOf(audience);

/** A view's item (JSON object text, or '') with the entry of row feed_rows in front. */
function withEntry(param: string): string {
  return `CASE WHEN ${param} = '' THEN '' ELSE '{"seq":' || seq || ',"action":' || json_quote(json_extract(entry, '$[2]'))
            || ',"published_at":' || json_quote(published_at) || ',' || substr(${param}, 2) END`;
}

function basisOf(indicatorId: string, view: string): FeedViewBasis {
  return { indicatorId, basis: view, current: viewToCurrent(indicatorId, JSON.parse(view) as NonNullable<PageTuple[1]>) };
}

/**
 * The entries of a page from the page statement's rows and stored texts (`texts`: the texts of the
 * rows of how 1, in the rows' order, joined by commas). Only the newest row of each indicator in
 * the page shows it; consecutive stored items whose bytes follow each other in `texts` become one
 * entry, a slice of `texts`.
 */
function pageEntries(texts: Buffer, rows: PageRow[]): FeedJsonEntry[] {
  const starts = new Array<number>(rows.length);
  let offset = 0;
  for (let i = 0; i < rows.length; i++) {
    const bytes = rows[i]![4];
    if (rows[i]![2] !== 1 || bytes === null) continue;
    starts[i] = offset;
    offset += bytes + 1;
  }
  const order = rows.map((_, i) => i);
  if (rows.some((r, i) => i > 0 && r[0] <= rows[i - 1]![0])) order.sort((a, b) => rows[a]![0] - rows[b]![0]);
  const newest = new Map<string, number>();
  for (const r of rows) newest.set(r[1], Math.max(r[0], newest.get(r[1]) ?? r[0]));

  const out: FeedJsonEntry[] = [];
  let run: { seq: number; start: number; end: number; ids: string[]; red: string[] } | null = null;
  const flush = (): void => {
    if (run) out.push({ seq: run.seq, kind: 'stored', indicatorIds: run.ids, red: run.red, json: texts.subarray(run.start, run.end) });
    run = null;
  };
  for (const i of order) {
    const [seq, indicatorId, how, red, bytes, entry, view] = rows[i]!;
    const shows = how !== 0 && newest.get(indicatorId) === seq;
    if (shows && how === 1) {
      const start = starts[i]!;
      if (run?.end !== start - 1) {
        flush();
        run = { seq, start, end: start, ids: [], red: [] };
      }
      run!.seq = seq;
      run!.end = start + bytes!;
      run!.ids.push(indicatorId);
      if (red === 1) run!.red.push(indicatorId);
      continue;
    }
    flush();
    if (!shows) {
      out.push({ seq, kind: 'none' });
      continue;
    }
    const tuple: PageTuple = [JSON.parse(entry!) as PageTuple[0], view === null ? null : (JSON.parse(view) as PageTuple[1])];
    out.push({ seq, kind: 'compute', entry: tupleToPageEntry(tuple, true), basis: how === 3 && view !== null ? basisOf(indicatorId, view) : null });
  }
  flush();
  return out;
}

export function sqliteFeedViews(db: Db): FeedViewMethods {
  // The page's rows as listFeedPage reads them, each with what it shows this audience, in two
  // aggregates over the same rows (so in the same order): the stored items (how 1) joined by commas,
  // as bytes, and a small JSON list of the rows. Which of them is the newest of its indicator in the
  // page is decided by the caller of the statement. The inner SELECT's LIMIT -1 (no limit) keeps
  // SQLite from flattening it into the aggregate, so each row's item and `how` are computed once
  // and read by the aggregates, not computed again for every mention of `how` (a quarter of the
  // statement's time at 1M).
  const pageOf = (audience: FeedAudience, item: string) =>
    db
      .prepare<JsonParams, [Buffer | null, string]>(
        `
    SELECT CAST(group_concat(CASE how WHEN 1 THEN v END, ',') AS BLOB),
           json_group_array(json_array(seq, indicator_id, how, red, CASE how WHEN 1 THEN octet_length(v) END,
                                       CASE WHEN how >= 2 THEN entry END, CASE WHEN how >= 2 THEN view END))
      FROM (SELECT f.seq, f.indicator_id, f.entry, f.view, (f.red & ${redBit(audience)}) <> 0 AS red, ${item} AS v,
                   CASE WHEN f.view IS NULL THEN 0
                        WHEN f.views_key IS NOT @views_key THEN 3
                        WHEN @own IS NOT NULL AND instr(f.orgs, @own) > 0 THEN 2
                        WHEN ${item} <> '' THEN 1
                        WHEN json_extract(f.entry, '$[2]') = 'retract' THEN 2
                        ELSE 0 END AS how
              FROM (${FEED_PICK}) picked JOIN feed_rows f ON f.seq = picked.seq LIMIT -1)`,
      )
      .raw();
  const pages = new Map(FEED_AUDIENCES.map((a) => [a, pageOf(a, AUDIENCE_COLUMN[a])]));
  const bases = db.prepare<[string], { indicator_id: string; view: string }>(`
    SELECT indicator_id, view FROM feed_rows
     WHERE seq IN (SELECT max(seq) FROM feed_rows WHERE indicator_id IN (SELECT value FROM json_each(?)) GROUP BY indicator_id)
       AND view IS NOT NULL`);
  const put = db.prepare<Record<string, string | number>>(`
    UPDATE feed_rows SET views_key = @views_key, red = @red, orgs = @orgs,
                         v_staff = ${withEntry('@staff')}, v_participant = ${withEntry('@participant')}, v_observer = ${withEntry('@observer')},
                         v_affiliate = ${withEntry('@affiliate')}, v_public = ${withEntry('@public')}
     WHERE indicator_id = @indicator_id AND view IS @basis`);

  return {
    listFeedJson(q: FeedJsonQuery) {
      const own = q.ownOrg ? `|${q.ownOrg.orgId}|` : null;
      const [texts, list] = pages.get(q.audience)!.get({ ...feedParams(q), views_key: q.viewsKey, own })!;
      return pageEntries(texts ?? Buffer.alloc(0), JSON.parse(list) as PageRow[]);
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
            red: v.red.reduce((bits, a) => bits | redBit(a), 0),
            orgs: `|${v.orgs.join('|')}|`,
          });
          if (r.changes > 0) stored++;
        }
        return stored;
      });
    },
  };
}
