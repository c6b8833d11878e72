// Clustering features of submissions in MongoDB (analysis/correlate): one document per
// (submission, type, value), found by (type, value). Putting a submission's features again first
// upserts the new set, then deletes the features no longer in it: a crash in between leaves a
// superset until the analysis is retried, never a submission without its features.
import type { Db } from 'mongodb';
import type { SubmissionFeature } from '../types.ts';
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
      await features.deleteMany({ submissionId, _id: { $nin: docs.map((d) => d._id) } });
    },
    async findClusterFeatures(query: ClusterFeatureQuery) {
      const limit = checkLimit(query.limitPerFeature);
      const out: SubmissionFeature[] = [];
      const seen = new Set<string>();
      for (const f of query.features) {
        const key = `${f.type}\u0000${f.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const docs = await features
          .find({ type: f.type, value: f.value, submissionId: { $ne: query.excludeSubmissionId ?? '' }, seenAt: { $gte: query.seenFrom ?? '' } })
          .sort({ seenAt: -1, submissionId: -1 })
          .limit(limit)
          .toArray();
        out.push(...docs.map(docToFeature));
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
