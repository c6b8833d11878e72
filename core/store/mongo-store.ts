// The scale-out store: MongoDB through the official driver, composed from one module per concern
// like the SQLite adapter. Any number of processes on any number of machines share one database;
// correctness needs single-document atomicity and unique indexes, never a multi-document
// transaction (see each module for how it does without one). Writes are acknowledged with the
// configured write concern (`majority`, journaled, by default), so a method resolves only once
// its write is durable.
//
// Differences from SQLite, on purpose: there are no foreign keys, so a record naming an unknown
// organisation, principal or submission is stored as given (callers create the referenced record
// first; clustering features alone check, as their contract asks). Free-form records (details,
// context, audit data) are stored as JSON text, so keys with dots or dollar signs are safe and
// the audit chain hashes exactly what was written.
//
// Tested against FerretDB v1 (test/mongo-server) and any MONGODB_URI; see serialize.go there for
// the single-document atomicity FerretDB v1 lacks and the test server adds.
import type { Db } from 'mongodb';
import type { Store, StoreCounts } from './port.ts';
import { connectMongo, guardedStore, type MongoConnectOptions, type MongoConnection } from './mongo-db.ts';
import { ensureAuditHead, mongoAudit } from './mongo-audit.ts';
import { mongoClusters } from './mongo-clusters.ts';
import { mongoConsole } from './mongo-console.ts';
import { mongoDigests } from './mongo-digests.ts';
import { mongoDirectory } from './mongo-directory.ts';
import { mongoDrills } from './mongo-drills.ts';
import { mongoFalsePositives } from './mongo-false-positives.ts';
import { mongoIndicatorReads, mongoIndicators } from './mongo-indicators.ts';
import { mongoJobQueries, mongoJobs } from './mongo-jobs.ts';
import { mongoPublications } from './mongo-publications.ts';
import { mongoSampleWriter, mongoSamples } from './mongo-samples.ts';
import { COLLECTIONS, ensureSchema } from './mongo-schema.ts';
import { mongoFeedViews } from './mongo-feed-views.ts';
import { mongoSharing } from './mongo-sharing.ts';
import { mongoSubmissions } from './mongo-submissions.ts';
import { mongoTriageWork } from './mongo-triage-work.ts';

export { connectMongo, type MongoConnectOptions, type MongoConnection } from './mongo-db.ts';

/** The collection each count of StoreCounts is taken from. */
const COUNTED: Readonly<Record<keyof StoreCounts, string>> = {
  organisations: COLLECTIONS.organisations,
  principals: COLLECTIONS.principals,
  submissions: COLLECTIONS.submissions,
  samples: COLLECTIONS.samples,
  indicators: COLLECTIONS.indicators,
  indicatorSources: COLLECTIONS.sources,
  publications: COLLECTIONS.publications,
  jobs: COLLECTIONS.jobs,
  auditEvents: COLLECTIONS.audit,
  drills: COLLECTIONS.drills,
  drillNotices: COLLECTIONS.drillNotices,
  digestSubscriptions: COLLECTIONS.digestSubscriptions,
  digestDeliveries: COLLECTIONS.digestDeliveries,
  falsePositives: COLLECTIONS.falsePositives,
  submissionNotes: COLLECTIONS.submissionNotes,
};

function mongoCounts(db: Db): () => Promise<StoreCounts> {
  return async () => {
    const counts = await Promise.all(Object.entries(COUNTED).map(async ([key, name]) => [key, await db.collection(name).countDocuments({})] as const));
    return Object.fromEntries(counts) as unknown as StoreCounts;
  };
}

/**
 * Opens the store on a connection (shared with the GridFS vault; closing the store leaves it
 * open) or on its own connection (closed with the store). Creates the indexes it lacks; throws
 * SCHEMA_TOO_NEW for a database written by a newer program and STORE_UNAVAILABLE when the server
 * cannot be reached.
 */
export async function openMongoStore(target: MongoConnection | MongoConnectOptions): Promise<Store> {
  const owned = !('db' in target);
  const conn = 'db' in target ? target : await connectMongo(target);
  try {
    await ensureSchema(conn.db);
    await ensureAuditHead(conn.db);
  } catch (err) {
    if (owned) await conn.close();
    throw err;
  }
  const db = conn.db;
  const jobQueries = mongoJobQueries(db);
  const sampleWriter = mongoSampleWriter(db);
  const indicatorReads = mongoIndicatorReads(db);
  return guardedStore(
    {
      ...mongoDirectory(db),
      ...mongoSubmissions(db, jobQueries, sampleWriter),
      ...mongoSamples(db, sampleWriter),
      ...mongoIndicators(db, indicatorReads),
      ...mongoPublications(db),
      ...mongoSharing(db, indicatorReads),
      ...mongoFeedViews(mongoSharing(db, indicatorReads)),
      ...mongoJobs(db, jobQueries),
      ...mongoAudit(db),
      ...mongoClusters(db),
      ...mongoConsole(db),
      ...mongoDrills(db),
      ...mongoDigests(db),
      ...mongoFalsePositives(db),
      ...mongoTriageWork(db),
      counts: mongoCounts(db),
    },
    async () => {
      if (owned) await conn.close();
    },
  );
}
