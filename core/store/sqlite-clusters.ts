// Clustering features of submissions in SQLite (analysis/correlate): one row per (submission,
// type, value), looked up by (type, value) to find submissions that share sender infrastructure,
// a subject template, a URL host or an attachment.
import type { ClusterFeatureType, SubmissionFeature } from '../types.ts';
import type { ClusterFeatureQuery } from './port.ts';
import { checkLimit, inWriteTransaction, type Db, type SyncRole } from './sqlite-db.ts';
import type { ClusterStore } from './ports/clusters.ts';

interface FeatureRow {
  submission_id: string;
  org_id: string;
  type: string;
  value: string;
  seen_at: string;
}

function rowToFeature(r: FeatureRow): SubmissionFeature {
  return { submissionId: r.submission_id, orgId: r.org_id, type: r.type as ClusterFeatureType, value: r.value, seenAt: r.seen_at };
}

export function sqliteClusters(db: Db): SyncRole<ClusterStore> {
  const remove = db.prepare<[string]>('DELETE FROM cluster_features WHERE submission_id = ?');
  const insert = db.prepare<FeatureRow>(`
    INSERT INTO cluster_features (submission_id, org_id, type, value, seen_at)
    VALUES (@submission_id, @org_id, @type, @value, @seen_at)
    ON CONFLICT (submission_id, type, value) DO NOTHING`);
  const find = db.prepare<[string, string, string, string, number], FeatureRow>(`
    SELECT * FROM cluster_features
     WHERE type = ? AND value = ? AND submission_id <> ? AND seen_at >= ?
     ORDER BY seen_at DESC, submission_id DESC
     LIMIT ?`);
  // The window's features shared by two or more submissions (the primary key makes COUNT(*) count submissions); types bound as JSON.
  const shared = db.prepare<[string, string, string, number], FeatureRow>(`
    WITH wanted AS (SELECT value AS type FROM json_each(?)),
         shared AS (SELECT f.type, f.value FROM cluster_features f JOIN wanted w ON w.type = f.type
                     WHERE f.seen_at >= ? GROUP BY f.type, f.value HAVING COUNT(*) > 1)
    SELECT f.* FROM cluster_features f JOIN shared s ON s.type = f.type AND s.value = f.value
     WHERE f.seen_at >= ?
     ORDER BY f.seen_at DESC, f.submission_id DESC, f.type, f.value
     LIMIT ?`);
  const ofSubmission = db.prepare<[string], FeatureRow>('SELECT * FROM cluster_features WHERE submission_id = ? ORDER BY type, value');
  return {
    putClusterFeatures(submissionId, orgId, seenAt, features) {
      inWriteTransaction(db, () => {
        remove.run(submissionId);
        for (const f of features) insert.run({ submission_id: submissionId, org_id: orgId, type: f.type, value: f.value, seen_at: seenAt });
      });
    },
    findClusterFeatures(query: ClusterFeatureQuery) {
      const limit = checkLimit(query.limitPerFeature);
      const out: SubmissionFeature[] = [];
      const seen = new Set<string>();
      for (const f of query.features) {
        const key = `${f.type}\u0000${f.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(...find.all(f.type, f.value, query.excludeSubmissionId ?? '', query.seenFrom ?? '', limit).map(rowToFeature));
      }
      return out;
    },
    listSharedClusterFeatures: (query) => shared.all(JSON.stringify(query.types), query.seenFrom, query.seenFrom, checkLimit(query.limit)).map(rowToFeature),
    listClusterFeatures: (submissionId) => ofSubmission.all(submissionId).map(rowToFeature),
  };
}
