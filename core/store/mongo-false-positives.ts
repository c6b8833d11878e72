// Exchange-level false positives in MongoDB: one document per indicator, keyed by its id
// (FalsePositiveStore). Marking is an insert that a duplicate key turns into "already marked, the
// first entry stays"; unmarking reports the entry only to the caller whose delete removed it.
import type { Db } from 'mongodb';
import type { FalsePositiveEntry } from '../types.ts';
import { isDuplicateKey } from './mongo-db.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { checkLimit } from './store-values.ts';
import type { FalsePositiveStore } from './ports/false-positives.ts';

export type FalsePositiveDoc = Omit<FalsePositiveEntry, 'indicatorId'> & { _id: string };

export function falsePositiveToDoc({ indicatorId, ...rest }: FalsePositiveEntry): FalsePositiveDoc {
  return { _id: indicatorId, ...rest };
}

function docToEntry(d: FalsePositiveDoc): FalsePositiveEntry {
  return { indicatorId: d._id, type: d.type, value: d.value, markedBy: d.markedBy, markedAt: d.markedAt, reason: d.reason };
}

export function mongoFalsePositives(db: Db): FalsePositiveStore {
  const coll = db.collection<FalsePositiveDoc>(COLLECTIONS.falsePositives);
  const get = async (id: string) => {
    const d = await coll.findOne({ _id: id });
    return d ? docToEntry(d) : null;
  };
  return {
    async markFalsePositive(e) {
      try {
        await coll.insertOne(falsePositiveToDoc(e));
        return { entry: e, created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const first = await get(e.indicatorId);
        // Unmarked between the insert and the read: the caller's entry is the one to retry with.
        return first ? { entry: first, created: false } : this.markFalsePositive(e);
      }
    },
    async unmarkFalsePositive(indicatorId) {
      const found = await get(indicatorId);
      if (!found) return null;
      const { deletedCount } = await coll.deleteOne({ _id: indicatorId });
      return deletedCount === 1 ? found : null;
    },
    getFalsePositive: get,
    async markedFalsePositives(ids) {
      if (ids.length === 0) return [];
      const docs = await coll
        .find({ _id: { $in: [...new Set(ids)] } }, { projection: { _id: 1 } })
        .sort({ _id: 1 })
        .toArray();
      return docs.map((d) => d._id);
    },
    async listFalsePositives(afterId, limit) {
      const docs = await coll
        .find(afterId === null ? {} : { _id: { $gt: afterId } })
        .sort({ _id: 1 })
        .limit(checkLimit(limit))
        .toArray();
      return docs.map(docToEntry);
    },
  };
}
