// `c4tap backup <dir>` while the exchange runs: the database through SQLite's online backup API
// (a consistent snapshot, never a copy of a file being written), then the vault's sealed blobs as
// they are (still encrypted), the secrets, the generated TLS key pair and the policies, and last the
// manifest. Then the copy is verified: every file hashes to the manifest, and the database opened
// read-only passes `integrity_check` and holds the rows the manifest counted.
//
// The database is copied first: a blob is written before the record naming it, so every blob the
// snapshot names is already in the vault when the vault is copied. Blobs written afterwards come
// along unnamed (harmless: retention removes blobs no record names).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { C4Error } from '../../core/errors.ts';
import { secretsPath } from '../../core/secrets.ts';
import { latestVersion, schemaVersion } from '../../core/store/sqlite-migrations.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import type { StoreCounts } from '../../core/store/port.ts';
import { writeFileDurably } from '../../core/durable-file.ts';
import { sqliteFile, vaultRoot } from '../context.ts';
import { filesUnder, isEmptyOrMissing, readIfPresent, syncTree, writeNew } from './files.ts';
import { BACKUP_FORMAT, MANIFEST_FILE, sha256Of, hashFile, verifyFiles, type BackupFile, type Manifest } from './manifest.ts';

/** Where each part sits inside a backup directory (restore reads the same names). */
export const LAYOUT = {
  database: 'c4tap.db',
  secrets: 'secrets.json',
  tls: 'tls',
  vault: 'vault',
  policies: 'policies',
} as const;

export interface BackupSource {
  readonly dataDir: string;
  readonly policiesDir: string;
  readonly version: string;
  readonly now: Date;
}

export interface BackupReport {
  readonly manifest: Manifest;
  /** Blobs listed at the start that a concurrent retention run removed before they were read. */
  readonly vanished: number;
}

export function refuseNonEmpty(dir: string, what: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new C4Error('VALIDATION_FAILED', `${what} ${dir} exists and is not a directory`);
  if (!isEmptyOrMissing(dir)) throw new C4Error('VALIDATION_FAILED', `${what} ${dir} is not empty: give a new or empty directory`);
}

/** Rows of every table, read on any connection (also a read-only one). */
export function tableRows(db: Database.Database): Record<string, number> {
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
  return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT COUNT(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n]));
}

/**
 * Copies the database with the online backup API, then reads the copy's schema version, its
 * `store.counts()` and the rows of every table, and leaves it one self-contained file (no -wal).
 */
async function backupDatabase(source: string, target: string): Promise<Pick<Manifest, 'schemaVersion' | 'counts' | 'tables'>> {
  if (!existsSync(source)) throw new C4Error('VALIDATION_FAILED', `no database at ${source}: nothing to back up (has serve run once?)`);
  const src = new Database(source, { fileMustExist: true, timeout: 5000 });
  try {
    await src.backup(target);
  } finally {
    src.close();
  }
  const raw = new Database(target, { readonly: true });
  const version = schemaVersion(raw);
  raw.close();
  if (version !== latestVersion()) {
    throw new C4Error(
      'SCHEMA_TOO_NEW',
      `the database is at schema version ${version}, this program's is ${latestVersion()}: back up with the c4tap that runs the exchange`,
    );
  }
  const store = openSqliteStore(target);
  let counts: StoreCounts;
  try {
    counts = await store.counts();
  } finally {
    await store.close();
  }
  const copy = new Database(target);
  try {
    copy.pragma('journal_mode = DELETE');
    return { schemaVersion: version, counts, tables: tableRows(copy) };
  } finally {
    copy.close();
  }
}

/** Verifies a backup directory: every file's hash, and the database read-only (integrity, rows of every table). */
export async function verifyBackup(dir: string, manifest: Manifest): Promise<void> {
  await verifyFiles(dir, manifest);
  const db = new Database(path.join(dir, LAYOUT.database), { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new C4Error('STORE_CORRUPT', `backup ${dir}: the database copy fails integrity_check (${String(integrity)})`);
    const rows = tableRows(db);
    for (const [table, n] of Object.entries(manifest.tables)) {
      if (rows[table] !== n)
        throw new C4Error('STORE_CORRUPT', `backup ${dir}: table ${table} of the database copy holds ${rows[table] ?? 'no'} rows, the manifest ${n}`);
    }
  } finally {
    db.close();
  }
}

export async function takeBackup(src: BackupSource, dir: string): Promise<BackupReport> {
  refuseNonEmpty(dir, 'backup directory');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files: BackupFile[] = [];
  const add = (rel: string, data: Buffer): void => {
    writeNew(path.join(dir, ...rel.split('/')), data);
    files.push({ path: rel, bytes: data.length, sha256: sha256Of(data) });
  };

  const db = await backupDatabase(sqliteFile(src.dataDir), path.join(dir, LAYOUT.database));
  files.push({ path: LAYOUT.database, ...(await hashFile(path.join(dir, LAYOUT.database))) });

  const secrets = readIfPresent(secretsPath(src.dataDir));
  if (!secrets) throw new C4Error('VALIDATION_FAILED', `no secrets file at ${secretsPath(src.dataDir)}: without it the vault cannot be read`);
  add(LAYOUT.secrets, secrets);

  const tlsDir = path.join(src.dataDir, 'tls');
  if (existsSync(tlsDir)) for (const rel of filesUnder(tlsDir)) add(`${LAYOUT.tls}/${rel}`, readIfPresent(path.join(tlsDir, rel)) ?? Buffer.alloc(0));

  let vanished = 0;
  const vault = vaultRoot(src.dataDir);
  if (existsSync(vault)) {
    for (const rel of filesUnder(vault)) {
      const sealed = readIfPresent(path.join(vault, rel));
      if (sealed) add(`${LAYOUT.vault}/${rel}`, sealed);
      else vanished++;
    }
  }

  if (existsSync(src.policiesDir))
    for (const rel of filesUnder(src.policiesDir)) add(`${LAYOUT.policies}/${rel}`, readIfPresent(path.join(src.policiesDir, rel)) ?? Buffer.alloc(0));

  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    formatVersion: 1,
    version: src.version,
    createdAt: src.now.toISOString(),
    backend: 'sqlite',
    schemaVersion: db.schemaVersion,
    counts: db.counts,
    tables: db.tables,
    files,
  };
  // Everything copied is durable before the manifest that vouches for it is written.
  syncTree(dir);
  writeFileDurably(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', 0o600);
  await verifyBackup(dir, manifest);
  return { manifest, vanished };
}
