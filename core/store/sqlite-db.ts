// The SQLite connection and the small helpers every table module shares: opening with the
// durability pragmas, write transactions, JSON columns and the mapping of SQLite failures to
// C4Error codes.
import Database from 'better-sqlite3';
import { C4Error } from '../errors.ts';
import { migrate } from './sqlite-migrations.ts';
import type { Store } from './port.ts';

export type Db = Database.Database;

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before failing with STORE_UNAVAILABLE. */
  readonly busyTimeoutMs?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Opens the file with WAL, synchronous=FULL and foreign keys on, and migrates the schema. */
export function openDatabase(file: string, opts: SqliteStoreOptions = {}): Db {
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let db: Db | undefined;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma('journal_mode = WAL');
    // FULL: a commit is fsynced before it returns, so a 250 follows only a durable write.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    if (db?.open) db.close();
    throw toStoreError(err, `open ${file}`);
  }
}

/** Runs `fn` in an IMMEDIATE transaction: the write lock is taken before the first read. */
export function inWriteTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

export { checkLimit, definedOnly } from './store-values.ts';

const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE']);

/**
 * Maps a failure to a C4Error: constraint violations are CONFLICT (or NOT_FOUND for a missing
 * referenced record), a damaged file is STORE_CORRUPT, a full disk INSUFFICIENT_STORAGE (SMTP
 * 452), and everything else SQLite reports (busy, locked, I/O, read-only) is STORE_UNAVAILABLE,
 * so SMTP answers 451 and the sender retries. Errors that are not SQLite's (C4Error, programming errors) pass unchanged.
 */
export function toStoreError(err: unknown, operation: string): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  const details = { operation, sqliteCode: err.code };
  const message = `${operation}: ${err.message}`;
  if (err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new C4Error('NOT_FOUND', `${operation}: refers to a record that does not exist`, details, { cause: err });
  }
  if (err.code.startsWith('SQLITE_CONSTRAINT')) return new C4Error('CONFLICT', message, details, { cause: err });
  if (CORRUPT_CODES.has(err.code)) return new C4Error('STORE_CORRUPT', message, details, { cause: err });
  if (err.code === 'SQLITE_FULL') return new C4Error('INSUFFICIENT_STORAGE', message, details, { cause: err });
  return new C4Error('STORE_UNAVAILABLE', message, details, { cause: err });
}

type Sync<F> = F extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;

/** A role port's methods as the synchronous functions its table module implements (sqlite-directory.ts: `SyncRole<DirectoryStore>`). */
export type SyncRole<R> = { [K in keyof R]: Sync<R[K]> };

/** The store's methods as the synchronous functions the table modules implement. */
export type SyncStore = SyncRole<Omit<Store, 'backend' | 'close'>>;

/** Runs one synchronous method for the async port: STORE_UNAVAILABLE once `db` is closed, SQLite errors mapped with the method name. */
export function runMethod(db: Db, name: string, fn: (...args: unknown[]) => unknown, args: unknown[]): unknown {
  if (!db.open) throw new C4Error('STORE_UNAVAILABLE', `${name}: the store is closed`, { operation: name });
  try {
    return fn(...args);
  } catch (err) {
    throw toStoreError(err, name);
  }
}

/**
 * Turns the synchronous methods into the async port on this one connection (each write commits on
 * the calling thread): each call fails with STORE_UNAVAILABLE once the store is closed and maps
 * SQLite errors with the method name as the operation. The served store uses the writer thread
 * instead (sqlite-thread-store.ts).
 */
export function asyncStore(db: Db, methods: SyncStore): Store {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(methods) as [string, (...args: unknown[]) => unknown][]) {
    wrapped[name] = async (...args: unknown[]) => runMethod(db, name, fn, args);
  }
  const close = async (): Promise<void> => {
    if (db.open) db.close();
  };
  return { ...(wrapped as unknown as Omit<Store, 'backend' | 'close'>), backend: 'sqlite', close };
}
