// The embedded store: one SQLite file (WAL, synchronous=FULL), composed from one module per
// concern. better-sqlite3 is synchronous; the port is async so the MongoDB adapter fits the same
// shape, and every SQLite failure reaches callers as a C4Error (STORE_UNAVAILABLE → SMTP 451).
// Served, the writes run in a writer thread with group commit (sqlite-thread-store.ts).
import type { Store, StoreCounts } from './port.ts';
import { asyncStore, openDatabase, type Db, type SqliteStoreOptions, type SyncStore } from './sqlite-db.ts';
import { sqliteAudit } from './sqlite-audit.ts';
import { sqliteClusters } from './sqlite-clusters.ts';
import { sqliteConsole } from './sqlite-console.ts';
import { sqliteDigests } from './sqlite-digests.ts';
import { sqliteDirectory } from './sqlite-directory.ts';
import { sqliteDrills } from './sqlite-drills.ts';
import { sqliteFalsePositives } from './sqlite-false-positives.ts';
import { sqliteIndicators } from './sqlite-indicators.ts';
import { sqliteJobQueries, sqliteJobs } from './sqlite-jobs.ts';
import { sqlitePublications } from './sqlite-publications.ts';
import { sqliteFeedViews } from './sqlite-feed-views.ts';
import { sqliteSharing } from './sqlite-sharing.ts';
import { sqliteSampleQueries, sqliteSamples } from './sqlite-samples.ts';
import { sqliteSubmissions } from './sqlite-submissions.ts';
import { sqliteTriageWork } from './sqlite-triage-work.ts';
import { openThreadedSqliteStore, type ThreadedSqliteStore } from './sqlite-thread-store.ts';

export type { SqliteStoreOptions } from './sqlite-db.ts';

function sqliteCounts(db: Db): () => StoreCounts {
  const count = db.prepare<[], StoreCounts>(`
    SELECT (SELECT COUNT(*) FROM organisations)     AS organisations,
           (SELECT COUNT(*) FROM principals)        AS principals,
           (SELECT COUNT(*) FROM submissions)       AS submissions,
           (SELECT COUNT(*) FROM samples)           AS samples,
           (SELECT COUNT(*) FROM indicators)        AS indicators,
           (SELECT COUNT(*) FROM indicator_sources) AS indicatorSources,
           (SELECT COUNT(*) FROM publications)      AS publications,
           (SELECT COUNT(*) FROM jobs)              AS jobs,
           (SELECT COUNT(*) FROM audit_events)      AS auditEvents,
           (SELECT COUNT(*) FROM drills)            AS drills,
           (SELECT COUNT(*) FROM drill_notices)     AS drillNotices,
           (SELECT COUNT(*) FROM digest_subscriptions) AS digestSubscriptions,
           (SELECT COUNT(*) FROM digest_deliveries) AS digestDeliveries,
           (SELECT COUNT(*) FROM false_positives)   AS falsePositives,
           (SELECT COUNT(*) FROM submission_notes)  AS submissionNotes`);
  return () => count.get()!;
}

/** Every store method as a synchronous function over one connection. */
export function sqliteMethods(db: Db): SyncStore {
  const jobQueries = sqliteJobQueries(db);
  const sampleQueries = sqliteSampleQueries(db);
  return {
    ...sqliteDirectory(db),
    ...sqliteSubmissions(db, jobQueries, sampleQueries),
    ...sqliteSamples(db, sampleQueries),
    ...sqliteIndicators(db),
    ...sqlitePublications(db),
    ...sqliteSharing(db),
    ...sqliteFeedViews(db),
    ...sqliteJobs(db, jobQueries),
    ...sqliteAudit(db),
    ...sqliteClusters(db),
    ...sqliteConsole(db),
    ...sqliteDrills(db),
    ...sqliteDigests(db),
    ...sqliteFalsePositives(db),
    ...sqliteTriageWork(db),
    counts: sqliteCounts(db),
  };
}

/**
 * Opens (creating if needed) the database file and migrates its schema. Throws SCHEMA_TOO_NEW for
 * a file written by a newer program, STORE_CORRUPT for a file that is not a database, and
 * STORE_UNAVAILABLE when the file cannot be opened. Writes are committed by a writer thread with
 * group commit (sqlite-thread-store.ts); reads run on this thread's own connection.
 */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): ThreadedSqliteStore {
  return openThreadedSqliteStore(file, opts, sqliteMethods);
}

/** The store on one connection, every write committed on the calling thread (the writer thread's own engine, and the bench's "before"). */
export function openInlineSqliteStore(file: string, opts: SqliteStoreOptions = {}): Store {
  const db = openDatabase(file, opts);
  return asyncStore(db, sqliteMethods(db));
}
