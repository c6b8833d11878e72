// The manifest of a backup directory: what was copied (each file's path, size and SHA-256), the
// program and schema versions, and the store's counts at the moment of the copy. Written last by
// `c4tap backup`; `c4tap restore` checks every file against it before writing anything.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { C4Error } from '../../core/errors.ts';
import type { StoreCounts } from '../../core/store/port.ts';

export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_FORMAT = 'c4tap-backup';

export interface BackupFile {
  /** Relative to the backup directory, with forward slashes. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface Manifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly formatVersion: 1;
  /** Version of the c4tap program that took the backup. */
  readonly version: string;
  readonly createdAt: string;
  readonly backend: 'sqlite';
  /** `PRAGMA user_version` of the copied database. */
  readonly schemaVersion: number;
  /** `store.counts()` of the copied database (restore compares the restored store's). */
  readonly counts: StoreCounts;
  /** Rows of every table of the copy (the read-only verification compares them). */
  readonly tables: Readonly<Record<string, number>>;
  readonly files: readonly BackupFile[];
}

export function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of a file, streamed (the database may be large). */
export function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    createReadStream(file)
      .on('data', (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
      })
      .on('error', reject)
      .on('end', () => resolve({ sha256: hash.digest('hex'), bytes }));
  });
}

function damaged(dir: string, message: string): never {
  throw new C4Error('STORE_CORRUPT', `backup ${dir}: ${message}; take a new backup or use an older one`);
}

/** A relative path that stays inside the backup directory (a manifest must not name ../ or /etc). */
function safeRelative(dir: string, rel: unknown): string {
  if (
    typeof rel !== 'string' ||
    rel === '' ||
    rel.includes('\\') ||
    path.posix.isAbsolute(rel) ||
    rel.split('/').some((p) => p === '..' || p === '.' || p === '')
  ) {
    damaged(dir, `the manifest names an unsafe path ${JSON.stringify(rel)}`);
  }
  return rel;
}

/** Reads and checks the shape of the manifest. */
export function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new C4Error('VALIDATION_FAILED', `${dir} is not a c4tap backup: no ${MANIFEST_FILE}`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    damaged(dir, `${MANIFEST_FILE} is not JSON (${(err as Error).message})`);
  }
  if (m?.format !== BACKUP_FORMAT || m.formatVersion !== 1 || !Array.isArray(m.files))
    damaged(dir, `${MANIFEST_FILE} is not a c4tap backup manifest of format 1`);
  for (const f of m.files) {
    safeRelative(dir, f.path);
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) damaged(dir, `the manifest has no SHA-256 for ${f.path}`);
  }
  return m;
}

/** Re-hashes every file the manifest lists; throws naming the first one that is missing or differs. */
export async function verifyFiles(dir: string, manifest: Manifest, onFile: (f: BackupFile) => void = () => {}): Promise<void> {
  for (const f of manifest.files) {
    const file = path.join(dir, ...f.path.split('/'));
    if (!existsSync(file)) damaged(dir, `file ${f.path} is missing`);
    const got = await hashFile(file);
    if (got.sha256 !== f.sha256 || got.bytes !== f.bytes) {
      damaged(
        dir,
        `file ${f.path} does not match the manifest (sha256 ${got.sha256.slice(0, 16)}…, ${got.bytes} bytes; expected ${f.sha256.slice(0, 16)}…, ${f.bytes} bytes)`,
      );
    }
    onFile(f);
  }
}
