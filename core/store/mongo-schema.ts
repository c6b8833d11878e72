// The MongoDB store's schema: collection names, the indexes created at start-up and the schema
// version kept in the `meta` collection. A database written by a newer program is refused with
// SCHEMA_TOO_NEW; an older or empty one gets the indexes it lacks (createIndexes is idempotent)
// and its version raised. Nothing here needs a transaction: two processes starting together
// create the same indexes and write the same version.
import type { Db, IndexDirection } from 'mongodb';
import { C4Error } from '../errors.ts';
import { isDuplicateKey } from './mongo-db.ts';

/** Version 1: the collections and indexes below. Raise it with every incompatible change. */
export const MONGO_SCHEMA_VERSION = 1;

export const COLLECTIONS = {
  meta: 'meta',
  organisations: 'organisations',
  principals: 'principals',
  tokens: 'api_tokens',
  submissions: 'submissions',
  samples: 'samples',
  indicators: 'indicators',
  sources: 'indicator_sources',
  publications: 'publications',
  sightings: 'sightings',
  jobs: 'jobs',
  audit: 'audit_events',
  clusterFeatures: 'cluster_features',
  sessions: 'console_sessions',
  secondFactors: 'second_factors',
  drills: 'drills',
  drillNotices: 'drill_notices',
  digestSubscriptions: 'digest_subscriptions',
  digestDeliveries: 'digest_deliveries',
  falsePositives: 'false_positives',
  submissionNotes: 'submission_notes',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

interface IndexSpec {
  readonly name: string;
  readonly key: Readonly<Record<string, IndexDirection>>;
  readonly unique?: boolean;
}

/** Every index the store's queries use, by collection (`_id` is always indexed and unique). */
export const INDEXES: Readonly<Partial<Record<CollectionName, readonly IndexSpec[]>>> = {
  organisations: [{ name: 'name_unique', key: { name: 1 }, unique: true }],
  principals: [
    { name: 'name_unique', key: { name: 1 }, unique: true },
    { name: 'org', key: { orgId: 1 } },
  ],
  api_tokens: [{ name: 'principal', key: { principalId: 1, createdAt: 1 } }],
  submissions: [
    { name: 'dedup_unique', key: { orgId: 1, dedupKey: 1 }, unique: true },
    { name: 'newest', key: { receivedAt: -1, _id: -1 } },
    { name: 'status', key: { status: 1, receivedAt: -1 } },
    { name: 'principal', key: { principalId: 1, receivedAt: -1 } },
    { name: 'assignee', key: { 'assignee.principalId': 1, receivedAt: -1 } },
  ],
  submission_notes: [{ name: 'submission', key: { submissionId: 1, createdAt: -1 } }],
  samples: [
    { name: 'ref_unique', key: { sha256: 1, submissionId: 1 }, unique: true },
    { name: 'submission', key: { submissionId: 1 } },
  ],
  indicator_sources: [
    { name: 'source_unique', key: { indicatorId: 1, submissionId: 1 }, unique: true },
    { name: 'submission', key: { submissionId: 1 } },
  ],
  publications: [
    { name: 'key_unique', key: { key: 1 }, unique: true },
    { name: 'indicator', key: { indicatorId: 1, _id: 1 } },
  ],
  sightings: [
    { name: 'dedup_unique', key: { orgId: 1, dedup: 1 }, unique: true },
    { name: 'indicator', key: { indicatorId: 1 } },
  ],
  cluster_features: [
    { name: 'value', key: { type: 1, value: 1, seenAt: -1 } },
    { name: 'submission', key: { submissionId: 1 } },
  ],
  jobs: [
    { name: 'submission_type_unique', key: { submissionId: 1, type: 1 }, unique: true },
    { name: 'due', key: { status: 1, runAfter: 1 } },
    { name: 'lease', key: { status: 1, leaseUntil: 1 } },
  ],
  console_sessions: [
    { name: 'principal', key: { principalId: 1 } },
    { name: 'seen', key: { lastSeenAt: 1 } },
  ],
  digest_subscriptions: [
    { name: 'principal_schedule_unique', key: { principalId: 1, schedule: 1 }, unique: true },
    { name: 'order', key: { createdAt: 1, _id: 1 } },
  ],
  digest_deliveries: [{ name: 'subscription', key: { subscriptionId: 1, toSeq: -1 } }],
  drills: [{ name: 'newest', key: { startedAt: -1, _id: -1 } }],
  drill_notices: [
    { name: 'token_unique', key: { tokenHash: 1 }, unique: true },
    { name: 'drill', key: { drillId: 1, orgName: 1, contactName: 1, address: 1 } },
  ],
};

/**
 * Creates the indexes a collection lacks, one call each: FerretDB v1 crashes the connection when
 * one createIndexes call names several indexes that all exist already.
 */
async function ensureIndexes(db: Db, collection: string, specs: readonly IndexSpec[]): Promise<void> {
  const coll = db.collection(collection);
  const existing = new Set(
    (
      await coll
        .listIndexes()
        .toArray()
        .catch(() => [])
    ).map((i) => i.name as string),
  );
  for (const s of specs) {
    if (!existing.has(s.name)) await coll.createIndex({ ...s.key }, { name: s.name, ...(s.unique ? { unique: true } : {}) });
  }
}

interface SchemaDoc {
  _id: string;
  version: number;
}

const SCHEMA_ID = 'schema';

export async function schemaVersion(db: Db): Promise<number> {
  const doc = await db.collection<SchemaDoc>(COLLECTIONS.meta).findOne({ _id: SCHEMA_ID });
  return doc?.version ?? 0;
}

/** Refuses a newer schema, creates the indexes and records the version. Returns the versions before and after. */
export async function ensureSchema(db: Db): Promise<{ from: number; to: number }> {
  const before = await schemaVersion(db);
  if (before > MONGO_SCHEMA_VERSION) {
    throw new C4Error('SCHEMA_TOO_NEW', `database schema version ${before} is newer than this program supports (${MONGO_SCHEMA_VERSION}); upgrade C4TAP`, {
      version: before,
      supported: MONGO_SCHEMA_VERSION,
    });
  }
  for (const [collection, specs] of Object.entries(INDEXES)) await ensureIndexes(db, collection, specs);
  try {
    await db.collection<SchemaDoc>(COLLECTIONS.meta).updateOne({ _id: SCHEMA_ID }, { $max: { version: MONGO_SCHEMA_VERSION } }, { upsert: true });
  } catch (err) {
    // Another process created the document at the same moment: it wrote the same version.
    if (!isDuplicateKey(err)) throw err;
  }
  return { from: before, to: Math.max(before, MONGO_SCHEMA_VERSION) };
}
