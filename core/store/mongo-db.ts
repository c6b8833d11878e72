// The MongoDB connection and the helpers every collection module shares: connecting with the
// configured write concern, the mapping of driver failures to C4Error codes, and the wrapper that
// turns the modules' methods into the store port.
//
// What the adapter relies on from the server: single-document atomicity of findOneAndUpdate and
// updateOne with a filter (MongoDB guarantees it; FerretDB v1 does not, see test/mongo-server/
// serialize.go) and unique indexes. It never needs a multi-document transaction.
import { MongoClient, MongoError, MongoServerError, type Db, type WriteConcernSettings } from 'mongodb';
import { C4Error } from '../errors.ts';
import type { Store } from './port.ts';

export interface MongoConnectOptions {
  readonly uri: string;
  /** Database name; defaults to the one in the URI path, else `c4tap`. */
  readonly dbName?: string;
  /** `majority` (default) or a number of members, as text. */
  readonly writeConcern?: string;
  /** Wait for the journal before acknowledging a write (default true). */
  readonly journal?: boolean;
  /** How long an operation waits for a reachable server before STORE_UNAVAILABLE. */
  readonly serverSelectionTimeoutMs?: number;
}

export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

export const DEFAULT_DB_NAME = 'c4tap';

/** The database named in the URI path (`mongodb://host/name?…`), or null. */
export function dbNameFromUri(uri: string): string | null {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(uri);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? null : name;
}

export function writeConcernOf(opts: Pick<MongoConnectOptions, 'writeConcern' | 'journal'>): WriteConcernSettings {
  const text = opts.writeConcern ?? 'majority';
  const w: WriteConcernSettings['w'] = /^\d+$/.test(text) ? Number(text) : (text as 'majority');
  return { w, journal: opts.journal ?? true };
}

/** Connects and checks the server answers; an unreachable server is STORE_UNAVAILABLE. */
export async function connectMongo(opts: MongoConnectOptions): Promise<MongoConnection> {
  const client = new MongoClient(opts.uri, {
    writeConcern: writeConcernOf(opts),
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? 10_000,
    // Optional fields left undefined are omitted, as JSON would omit them on SQLite.
    ignoreUndefined: true,
  });
  try {
    await client.connect();
    const db = client.db(opts.dbName ?? dbNameFromUri(opts.uri) ?? DEFAULT_DB_NAME);
    await db.command({ ping: 1 });
    return { client, db, close: () => client.close() };
  } catch (err) {
    await client.close().catch(() => undefined);
    throw toStoreError(err, 'connect');
  }
}

/** True for a unique-index violation (E11000). The index it hit is not reported by every server. */
export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}

const OUT_OF_DISK = new Set([14031]);

/**
 * Maps a failure to a C4Error: a unique-index violation is CONFLICT, a full disk
 * INSUFFICIENT_STORAGE, and every other driver or server failure (unreachable, write concern not
 * met, interrupted) STORE_UNAVAILABLE, so SMTP answers 451 and the sender retries. Errors that are
 * not the driver's pass unchanged.
 */
export function toStoreError(err: unknown, operation: string): unknown {
  if (!(err instanceof MongoError)) return err;
  const code = err instanceof MongoServerError ? err.code : undefined;
  const details = { operation, mongoCode: code ?? err.name };
  const message = `${operation}: ${err.message}`;
  if (isDuplicateKey(err)) return new C4Error('CONFLICT', message, details, { cause: err });
  if (typeof code === 'number' && OUT_OF_DISK.has(code)) return new C4Error('INSUFFICIENT_STORAGE', message, details, { cause: err });
  return new C4Error('STORE_UNAVAILABLE', message, details, { cause: err });
}

/** The store's methods as the collection modules implement them (everything but backend and close). */
export type MongoMethods = Omit<Store, 'backend' | 'close'>;

/**
 * Wraps the methods into the port: each call fails with STORE_UNAVAILABLE once the store is closed
 * and maps driver errors with the method name as the operation.
 */
export function guardedStore(methods: MongoMethods, close: () => Promise<void>): Store {
  let open = true;
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(methods) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args: unknown[]) => {
      if (!open) throw new C4Error('STORE_UNAVAILABLE', `${name}: the store is closed`, { operation: name });
      try {
        return await fn(...args);
      } catch (err) {
        throw toStoreError(err, name);
      }
    };
  }
  return {
    ...(wrapped as unknown as MongoMethods),
    backend: 'mongodb',
    close: async () => {
      if (!open) return;
      open = false;
      await close();
    },
  };
}

/** Free-form records (details, context, audit data) travel as JSON text, exactly as on SQLite. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
