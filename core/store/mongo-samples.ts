// Sample records in MongoDB: one document per (blob, submission), `_id` "<sha256>:<submissionId>".
// Putting a record again replaces it (idempotent), so a retried write completes the same record.
// Purging a blob keeps the records as tombstones with their hashes.
import type { Db, Filter } from 'mongodb';
import type { Sample } from '../types.ts';
import type { NewSample, SampleRefQuery } from './port.ts';
import { fromJson, toJson } from './mongo-db.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { checkLimit } from './store-values.ts';
import type { SampleStore } from './ports/samples.ts';

export type SampleDoc = Omit<Sample, 'details'> & { _id: string; details: string };

export function sampleKey(sha256: string, submissionId: string): string {
  return `${sha256}:${submissionId}`;
}

export function sampleToDoc(s: Sample): SampleDoc {
  return { ...s, _id: sampleKey(s.sha256, s.submissionId), details: toJson(s.details) };
}

export function docToSample(d: SampleDoc): Sample {
  return {
    submissionId: d.submissionId,
    sha256: d.sha256,
    sha1: d.sha1,
    md5: d.md5,
    size: d.size,
    role: d.role,
    declaredName: d.declaredName,
    declaredType: d.declaredType,
    detectedType: d.detectedType,
    class: d.class,
    storedAt: d.storedAt,
    purgedAt: d.purgedAt,
    details: fromJson(d.details),
  };
}

/** The sample write the submissions module shares (a submission's first samples are written with it). */
export interface SampleWriter {
  put(sample: NewSample): Promise<Sample>;
}

export function mongoSampleWriter(db: Db): SampleWriter {
  const samples = db.collection<SampleDoc>(COLLECTIONS.samples);
  return {
    async put(s: NewSample) {
      // The caller has just stored the blob, so the record is no longer purged.
      const sample: Sample = { ...s, purgedAt: null };
      const doc = sampleToDoc(sample);
      await samples.replaceOne({ _id: doc._id }, doc, { upsert: true });
      return sample;
    },
  };
}

export function mongoSamples(db: Db, writer: SampleWriter): SampleStore {
  const samples = db.collection<SampleDoc>(COLLECTIONS.samples);
  return {
    putSample: (s) => writer.put(s),
    async listSamples(submissionId) {
      return (await samples.find({ submissionId }).sort({ storedAt: 1, sha256: 1 }).toArray()).map(docToSample);
    },
    async listSampleRefs(q: SampleRefQuery) {
      const limit = checkLimit(q.limit);
      const conditions: Filter<SampleDoc>[] = [];
      if (q.unpurgedOnly) conditions.push({ purgedAt: null });
      if (q.storedBefore !== undefined) conditions.push({ storedAt: { $lt: q.storedBefore } });
      if (q.after) {
        conditions.push({
          $or: [{ sha256: { $gt: q.after.sha256 } }, { sha256: q.after.sha256, submissionId: { $gt: q.after.submissionId } }],
        });
      }
      const filter: Filter<SampleDoc> = conditions.length ? { $and: conditions } : {};
      return (await samples.find(filter).sort({ sha256: 1, submissionId: 1 }).limit(limit).toArray()).map(docToSample);
    },
    async markBlobPurged(sha256, at, submissionIds) {
      const only = submissionIds === undefined ? {} : { submissionId: { $in: [...submissionIds] } };
      const result = await samples.updateMany({ sha256, purgedAt: null, ...only }, { $set: { purgedAt: at } });
      return result.modifiedCount;
    },
  };
}
