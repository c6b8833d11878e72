// Writes records exactly as they are (ids, seqs, timestamps, job states, tombstones, digest cursors
// and leases, drill acknowledgements) into a MongoDB store, in the documents the adapter itself
// writes: the target of `c4tap migrate`. Every write is an upsert by `_id` (replace), so importing
// the same records again changes nothing and an interrupted migration resumes by running again.
// Records are buffered and written in bulk.
import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';
import type { IndicatorType } from '../types.ts';
import { auditToDoc, AUDIT_HEAD_ID } from './mongo-audit.ts';
import { featureToDoc } from './mongo-clusters.ts';
import { factorToDoc } from './mongo-console.ts';
import { deliveryToDoc, subscriptionToDoc } from './mongo-digests.ts';
import { organisationToDoc, principalToDoc, tokenToDoc } from './mongo-directory.ts';
import { drillToDoc, noticeToDoc } from './mongo-drills.ts';
import { falsePositiveToDoc } from './mongo-false-positives.ts';
import { indicatorToDoc, sourceToDoc, type IndicatorDoc } from './mongo-indicators.ts';
import { jobToDoc } from './mongo-jobs.ts';
import { publicationToDoc } from './mongo-publications.ts';
import { sampleToDoc } from './mongo-samples.ts';
import { COLLECTIONS, type CollectionName } from './mongo-schema.ts';
import { sightingToDoc } from './mongo-sharing.ts';
import { submissionToDoc, type SubmissionDoc } from './mongo-submissions.ts';
import { submissionNoteToDoc } from './mongo-triage-work.ts';
import type { StoreRecord } from './store-export.ts';

export interface MongoImporter {
  add(record: StoreRecord): Promise<void>;
  /** Writes what is buffered; call once at the end. */
  flush(): Promise<void>;
}

const BATCH = 500;

export function createMongoImporter(db: Db): MongoImporter {
  const buffers = new Map<CollectionName, Document[]>();
  const publications: Extract<StoreRecord, { kind: 'publication' }>['value'][] = [];

  async function write(collection: CollectionName, docs: readonly Document[]): Promise<void> {
    if (docs.length === 0) return;
    const ops: AnyBulkWriteOperation[] = docs.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } }));
    await db.collection(collection).bulkWrite(ops, { ordered: false });
  }

  async function flushDocs(): Promise<void> {
    for (const [collection, docs] of buffers) {
      buffers.set(collection, []);
      await write(collection, docs);
    }
  }

  /** Publication entries carry their submission's organisation and indicator's type (mongo-publications.ts). */
  async function flushPublications(): Promise<void> {
    if (publications.length === 0) return;
    await flushDocs(); // the submissions and indicators they name are written first
    const batch = publications.splice(0);
    const [subs, inds] = await Promise.all([
      db
        .collection<SubmissionDoc>(COLLECTIONS.submissions)
        .find({ _id: { $in: [...new Set(batch.map((p) => p.submissionId))] } }, { projection: { orgId: 1 } })
        .toArray(),
      db
        .collection<IndicatorDoc>(COLLECTIONS.indicators)
        .find({ _id: { $in: [...new Set(batch.map((p) => p.indicatorId))] } }, { projection: { type: 1 } })
        .toArray(),
    ]);
    const orgOf = new Map(subs.map((s) => [s._id, s.orgId]));
    const typeOf = new Map<string, IndicatorType>(inds.map((i) => [i._id, i.type]));
    await write(
      COLLECTIONS.publications,
      batch.map((p) => publicationToDoc(p, orgOf.get(p.submissionId) ?? null, typeOf.get(p.indicatorId) ?? null)),
    );
  }

  async function buffer(collection: CollectionName, doc: Document): Promise<void> {
    const docs = buffers.get(collection) ?? [];
    docs.push(doc);
    buffers.set(collection, docs);
    if (docs.length >= BATCH) {
      buffers.set(collection, []);
      await write(collection, docs);
    }
  }

  return {
    async add(r: StoreRecord) {
      switch (r.kind) {
        case 'organisation':
          return buffer(COLLECTIONS.organisations, organisationToDoc(r.value));
        case 'principal':
          return buffer(COLLECTIONS.principals, principalToDoc(r.value));
        case 'second-factor':
          return buffer(COLLECTIONS.secondFactors, factorToDoc(r.value));
        case 'cluster-feature':
          return buffer(COLLECTIONS.clusterFeatures, featureToDoc(r.value));
        case 'token':
          return buffer(COLLECTIONS.tokens, tokenToDoc(r.value));
        case 'submission':
          return buffer(COLLECTIONS.submissions, submissionToDoc(r.value));
        case 'submission-note':
          return buffer(COLLECTIONS.submissionNotes, submissionNoteToDoc(r.value));
        case 'job':
          return buffer(COLLECTIONS.jobs, jobToDoc(r.value));
        case 'sample':
          return buffer(COLLECTIONS.samples, sampleToDoc(r.value));
        case 'indicator':
          return buffer(COLLECTIONS.indicators, indicatorToDoc(r.value));
        case 'source':
          return buffer(COLLECTIONS.sources, sourceToDoc(r.value));
        case 'publication':
          publications.push(r.value);
          if (publications.length >= BATCH) await flushPublications();
          return;
        case 'sighting':
          // The port does not read idempotency keys back: a migrated sighting keeps its id, not its key.
          return buffer(COLLECTIONS.sightings, sightingToDoc(r.value, null));
        case 'false-positive':
          return buffer(COLLECTIONS.falsePositives, falsePositiveToDoc(r.value));
        case 'digest-subscription':
          // Cursor, pending range, run lease and sealed zip password as they are: a lease held at
          // migration time ends at its leaseUntil and the next run resumes the same pending range.
          return buffer(COLLECTIONS.digestSubscriptions, subscriptionToDoc(r.value));
        case 'digest-delivery':
          return buffer(COLLECTIONS.digestDeliveries, deliveryToDoc(r.value));
        case 'drill':
          return buffer(COLLECTIONS.drills, drillToDoc(r.value));
        case 'drill-notice':
          return buffer(COLLECTIONS.drillNotices, noticeToDoc(r.value));
        case 'audit':
          return buffer(COLLECTIONS.audit, auditToDoc(r.value));
        case 'audit-head':
          return buffer(COLLECTIONS.meta, { _id: AUDIT_HEAD_ID, seq: r.value.seq, hash: r.value.hash });
        default: {
          const unknown: never = r;
          throw new Error(`no MongoDB import for record ${JSON.stringify(unknown)}`);
        }
      }
    },
    async flush() {
      await flushPublications();
      await flushDocs();
    },
  };
}
