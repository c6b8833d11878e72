// Export reads in SQLite: every indicator in id order and a submission's clustering features, so
// `c4tap migrate` can read every record back through the port.
import type { ClusterFeatureType } from '../types.ts';
import { checkLimit, type Db, type SyncStore } from './sqlite-db.ts';
import { rowToIndicator, type IndicatorRow } from './sqlite-indicators.ts';

export function sqliteExport(db: Db): Pick<SyncStore, 'listIndicators' | 'listClusterFeatures'> {
  const indicators = db.prepare<[string, number], IndicatorRow>('SELECT * FROM indicators WHERE id > ? ORDER BY id LIMIT ?');
  const features = db.prepare<[string], { submission_id: string; org_id: string; type: string; value: string; seen_at: string }>(
    'SELECT * FROM cluster_features WHERE submission_id = ? ORDER BY type, value',
  );
  return {
    listIndicators: (afterId, limit) => indicators.all(afterId ?? '', checkLimit(limit)).map(rowToIndicator),
    listClusterFeatures: (submissionId) =>
      features
        .all(submissionId)
        .map((r) => ({ submissionId: r.submission_id, orgId: r.org_id, type: r.type as ClusterFeatureType, value: r.value, seenAt: r.seen_at })),
  };
}
