// The MongoDB-wire server of the tests: `MONGODB_URI` from the environment (a real MongoDB replica
// set, say), else the one .ci/mongo/start.sh started (written to .tmp/mongo.env). Suites that need
// it call `requireMongo` in a `before` hook: without a reachable server they are skipped with a
// message, except under CI, where they fail so a missing server cannot pass unnoticed.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { connectMongo, type MongoConnection } from '../../core/store/mongo-db.ts';
import { requireTool } from './require-tool.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
export const MONGO_ENV_FILE = path.join(REPO, '.tmp', 'mongo.env');

/** The server's URI, or null when none is configured. */
export function mongoTestUri(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.MONGODB_URI) return env.MONGODB_URI;
  try {
    const line = readFileSync(MONGO_ENV_FILE, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('MONGODB_URI='));
    return line ? line.slice('MONGODB_URI='.length).trim() : null;
  } catch {
    return null;
  }
}

async function answers(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

let checked: Promise<string | null> | null = null;

/** The reachable server's URI; skips the calling suite (or fails under CI) when there is none. */
export async function requireMongo(ctx: Mocha.Context): Promise<string> {
  checked ??= (async () => {
    const uri = mongoTestUri();
    return uri && (await answers(uri)) ? uri : null;
  })();
  const uri = await checked;
  if (uri) return uri;
  const why = mongoTestUri()
    ? `the MongoDB-wire server at ${mongoTestUri()} does not answer`
    : 'no MongoDB-wire server: set MONGODB_URI or run .ci/mongo/start.sh';
  requireTool(ctx, { why, fix: '.ci/mongo/start.sh (builds the FerretDB test server with Go)' });
  throw new Error('unreachable: requireTool skips or throws');
}

export interface TestDatabase {
  readonly uri: string;
  readonly conn: MongoConnection;
  /** Empties every collection (indexes stay), for the next test. */
  clear(): Promise<void>;
  /** Drops the database and closes the connection. */
  drop(): Promise<void>;
}

/** A database of its own for this test run, named `c4tap_test_<random>`. */
export async function freshDatabase(uri: string, label = 'run'): Promise<TestDatabase> {
  const dbName = `c4tap_test_${label}_${randomBytes(4).toString('hex')}`;
  const conn = await connectMongo({ uri, dbName });
  return {
    uri,
    conn,
    async clear() {
      for (const c of await conn.db.listCollections({}, { nameOnly: true }).toArray()) {
        await conn.db.collection(c.name).deleteMany({});
      }
    },
    async drop() {
      await conn.db.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
}

/** The URI with the database name in its path, for code that opens its own connection. */
export function uriWithDb(uri: string, dbName: string): string {
  const u = new URL(uri);
  u.pathname = `/${dbName}`;
  return u.toString();
}
