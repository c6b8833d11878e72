// Doctor check of the store's schema version against the one this program expects: older is
// migrated by the next `serve` (warn, so the operator takes a backup first), newer is refused by
// every command (fail: this program is older than the data).
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { LoadedConfig } from '../../core/config.ts';
import { latestVersion, schemaVersion } from '../../core/store/sqlite-migrations.ts';
import { mongoOptions, sqliteFile } from '../context.ts';
import type { CheckResult } from './checks.ts';

function compare(where: string, version: number, expected: number): CheckResult {
  if (version === expected) return { name: 'schema version', status: 'ok', detail: `${where} at version ${version}, as this program expects` };
  if (version > expected)
    return {
      name: 'schema version',
      status: 'fail',
      detail: `${where} at version ${version}, newer than this program's ${expected}`,
      fix: 'upgrade C4TAP to the version that wrote it',
    };
  return {
    name: 'schema version',
    status: 'warn',
    detail: `${where} at version ${version}, this program's is ${expected}: the next serve migrates it`,
    fix: 'take a backup first (c4tap backup DIR)',
  };
}

export async function schema(loaded: LoadedConfig): Promise<CheckResult> {
  const { config } = loaded;
  if (config.store.backend === 'mongodb') {
    const { connectMongo } = await import('../../core/store/mongo-db.ts');
    const { MONGO_SCHEMA_VERSION, schemaVersion: mongoVersion } = await import('../../core/store/mongo-schema.ts');
    try {
      const conn = await connectMongo({ ...mongoOptions(config), serverSelectionTimeoutMs: 5000 });
      try {
        return compare(`MongoDB database ${conn.db.databaseName}`, await mongoVersion(conn.db), MONGO_SCHEMA_VERSION);
      } finally {
        await conn.close();
      }
    } catch (err) {
      return {
        name: 'schema version',
        status: 'fail',
        detail: `MongoDB unreachable: ${(err as Error).message.split('\n')[0]}`,
        fix: 'start MongoDB or correct store.mongodbUri / MONGODB_URI',
      };
    }
  }
  const file = sqliteFile(config.dataDir);
  if (!existsSync(file)) return { name: 'schema version', status: 'warn', detail: `no database at ${file} yet`, fix: 'c4tap init or serve creates it' };
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return compare(file, schemaVersion(db), latestVersion());
    } finally {
      db.close();
    }
  } catch (err) {
    return { name: 'schema version', status: 'fail', detail: `${file}: ${(err as Error).message}`, fix: 'restore it from a backup (c4tap restore DIR)' };
  }
}
