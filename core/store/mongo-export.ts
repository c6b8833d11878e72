// Export reads in MongoDB: every indicator in id order and a submission's clustering features, so
// `c4tap migrate` and the copy verification can read every record back through the port.
import type { Db } from 'mongodb';
import type { MongoMethods } from './mongo-db.ts';
import { docToFeature, type FeatureDoc } from './mongo-clusters.ts';
import { docToIndicator, type IndicatorDoc } from './mongo-indicators.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { checkLimit } from './store-values.ts';

export function mongoExport(db: Db): Pick<MongoMethods, 'listIndicators' | 'listClusterFeatures'> {
  const indicators = db.collection<IndicatorDoc>(COLLECTIONS.indicators);
  const features = db.collection<FeatureDoc>(COLLECTIONS.clusterFeatures);
  return {
    async listIndicators(afterId, limit) {
      const docs = await indicators
        .find({ _id: { $gt: afterId ?? '' } })
        .sort({ _id: 1 })
        .limit(checkLimit(limit))
        .toArray();
      return docs.map(docToIndicator);
    },
    async listClusterFeatures(submissionId) {
      return (await features.find({ submissionId }).sort({ type: 1, value: 1 }).toArray()).map(docToFeature);
    },
  };
}
