// Exchange-level false positives in SQLite: one row per indicator (FalsePositiveStore). Marking
// twice keeps the first row (INSERT … ON CONFLICT DO NOTHING), so concurrent marks agree.
import type { FalsePositiveEntry, IndicatorType } from '../types.ts';
import { checkLimit, inWriteTransaction, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import type { FalsePositiveStore } from './ports/false-positives.ts';

interface FalsePositiveRow {
  indicator_id: string;
  type: string;
  value: string;
  marked_by: string;
  marked_at: string;
  reason: string;
}

function rowToEntry(r: FalsePositiveRow): FalsePositiveEntry {
  return { indicatorId: r.indicator_id, type: r.type as IndicatorType, value: r.value, markedBy: r.marked_by, markedAt: r.marked_at, reason: r.reason };
}

export function sqliteFalsePositives(db: Db): SyncRole<FalsePositiveStore> {
  const insert = db.prepare<FalsePositiveRow, FalsePositiveRow>(`
    INSERT INTO false_positives (indicator_id, type, value, marked_by, marked_at, reason)
    VALUES (@indicator_id, @type, @value, @marked_by, @marked_at, @reason)
    ON CONFLICT (indicator_id) DO NOTHING
    RETURNING *`);
  const get = db.prepare<[string], FalsePositiveRow>('SELECT * FROM false_positives WHERE indicator_id = ?');
  const remove = db.prepare<[string], FalsePositiveRow>('DELETE FROM false_positives WHERE indicator_id = ? RETURNING *');
  const marked = db.prepare<[string], { indicator_id: string }>(
    'SELECT indicator_id FROM false_positives WHERE indicator_id IN (SELECT value FROM json_each(?)) ORDER BY indicator_id',
  );
  const list = db.prepare<[string, number], FalsePositiveRow>('SELECT * FROM false_positives WHERE indicator_id > ? ORDER BY indicator_id LIMIT ?');

  return {
    markFalsePositive(e) {
      return inWriteTransaction(db, () => {
        const row = insert.get({ indicator_id: e.indicatorId, type: e.type, value: e.value, marked_by: e.markedBy, marked_at: e.markedAt, reason: e.reason });
        return row ? { entry: rowToEntry(row), created: true } : { entry: rowToEntry(get.get(e.indicatorId)!), created: false };
      });
    },
    unmarkFalsePositive(indicatorId) {
      const row = remove.get(indicatorId);
      return row ? rowToEntry(row) : null;
    },
    getFalsePositive(indicatorId) {
      const row = get.get(indicatorId);
      return row ? rowToEntry(row) : null;
    },
    markedFalsePositives: (ids) => (ids.length === 0 ? [] : marked.all(toJson(ids)).map((r) => r.indicator_id)),
    listFalsePositives: (afterId, limit) => list.all(afterId ?? '', checkLimit(limit)).map(rowToEntry),
  };
}
