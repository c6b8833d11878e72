// Clustering features of submissions in MongoDB (analysis/correlate): one document per
// (submission, type, value), found by (type, value). Putting a submission's features again first
// upserts the new set, then deletes the features no longer in it: a crash in between leaves a
// superset until the analysis is retried, never a submission without its features. Which ones are
// stale is read first (a read, by the `submission` index), so the usual first analysis, with
// nothing to delete, writes no delete at all.
//
// Looking up a submission's features is one query for all of them ($or of the (type, value)
// pairs), not one per feature: see findClusterFeatures for why the per-feature bound still holds.
import type { Db, Filter } from 'mongodb';
import type { ClusterFeature, SubmissionFeature } from '../types.ts';
import type { ClusterFeatureQuery } from './port.ts';
import { C4Error } from '../errors.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import type { SubmissionDoc } from './mongo-submissions.ts';
import { checkLimit } from './store-values.ts';
import type { ClusterStore } from './ports/clusters.ts';

export type FeatureDoc = SubmissionFeature & { _id: string };

export function featureToDoc(f: SubmissionFeature): FeatureDoc {
  return { _id: JSON.stringify([f.submissionId, f.type, f.value]), ...f };
}

export function docToFeature(d: FeatureDoc): SubmissionFeature {
  return { submissionId: d.submissionId, orgId: d.orgId, type: d.type, value: d.value, seenAt: d.seenAt };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const featureKey = (f: ClusterFeature) => `${f.type}\u0000${f.value}`;

export function mongoClusters(db: Db): ClusterStore {
  const features = db.collection<FeatureDoc>(COLLECTIONS.clusterFeatures);
  return {
    async putClusterFeatures(submissionId, orgId, seenAt, list) {
      // SQLite's foreign key, checked by hand: features of an unknown submission are refused.
      if (!(await db.collection<SubmissionDoc>(COLLECTIONS.submissions).findOne({ _id: submissionId }, { projection: { _id: 1 } }))) {
        throw new C4Error('NOT_FOUND', `putClusterFeatures: no submission ${submissionId}`, { submissionId });
      }
      const docs = list.map((f) => featureToDoc({ submissionId, orgId, type: f.type, value: f.value, seenAt }));
      if (docs.length > 0) {
        await features.bulkWrite(
          docs.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
          { ordered: false },
        );
      }
      const kept = new Set(docs.map((d) => d._id));
      const stale = (await features.find({ submissionId }, { projection: { _id: 1 } }).toArray()).map((d) => d._id).filter((id) => !kept.has(id));
      if (stale.length > 0) await features.deleteMany({ submissionId, _id: { $in: stale } });
    },
    /**
     * One query for every feature, newest first, bounded to `limit` x features. The rows of one
     * feature in that answer are always that feature's newest (a prefix of its own order), so a
     * feature with `limit` rows there is complete; only when the bound was reached can a feature
     * with fewer have more, and that feature alone is asked again (a mass mailing's feature
     * crowding the others out). Same rows and order as one query per feature.
     */
    async findClusterFeatures(query: ClusterFeatureQuery) {
      const limit = checkLimit(query.limitPerFeature);
      const wanted = new Map<string, ClusterFeature>();
      for (const f of query.features) wanted.set(featureKey(f), f);
      if (wanted.size === 0) return [];
      const common = { submissionId: { $ne: query.excludeSubmissionId ?? '' }, seenAt: { $gte: query.seenFrom ?? '' } };
      const newest = (match: Filter<FeatureDoc>, n: number) =>
        features
          .find({ ...match, ...common })
          .sort({ seenAt: -1, submissionId: -1 })
          .limit(n)
          .toArray();
      const pairs = [...wanted.values()].map((f) => ({ type: f.type, value: f.value }));
      const bound = limit * pairs.length;
      const docs = await newest(pairs.length === 1 ? pairs[0]! : { $or: pairs }, bound);
      const byFeature = new Map<string, FeatureDoc[]>();
      for (const d of docs) {
        const rows = byFeature.get(featureKey(d)) ?? [];
        if (rows.length < limit) rows.push(d);
        byFeature.set(featureKey(d), rows);
      }
      const out: SubmissionFeature[] = [];
      for (const [key, f] of wanted) {
        let rows = byFeature.get(key) ?? [];
        if (docs.length === bound && rows.length < limit) rows = await newest({ type: f.type, value: f.value }, limit);
        out.push(...rows.map(docToFeature));
      }
      return out;
    },
    async listSharedClusterFeatures(query) {
      const limit = checkLimit(query.limit);
      // Counted here rather than by $group: the window's rows of the wanted types, then those whose (type, value) two submissions share.
      const docs = (await features.find({ type: { $in: [...query.types] }, seenAt: { $gte: query.seenFrom } }).toArray()).map(docToFeature);
      const key = (d: SubmissionFeature) => `${d.type}\u0000${d.value}`;
      const count = new Map<string, number>();
      for (const d of docs) count.set(key(d), (count.get(key(d)) ?? 0) + 1);
      const byTime = (a: SubmissionFeature, b: SubmissionFeature) =>
        cmp(b.seenAt, a.seenAt) || cmp(b.submissionId, a.submissionId) || cmp(a.type, b.type) || cmp(a.value, b.value);
      return docs
        .filter((d) => count.get(key(d))! > 1)
        .sort(byTime)
        .slice(0, limit);
    },
    async listClusterFeatures(submissionId) {
      return (await features.find({ submissionId }).sort({ type: 1, value: 1 }).toArray()).map(docToFeature);
    },
  };
}
