// `npm run bench -- backup`: c4tap backup and restore throughput on a synthetic data directory
// (a store with its schema, N sealed blobs of 64 KiB in the filesystem vault, the policies), timed
// end to end including verification (re-hash, integrity_check, every blob decrypted on restore).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateSecrets } from '../core/secrets.ts';
import { openSqliteStore } from '../core/store/sqlite-store.ts';
import { createFsBackend } from '../quarantine/fs-backend.ts';
import { openVault, sqliteFile, vaultRoot } from '../bin/context.ts';
import { takeBackup } from '../bin/backup/take-backup.ts';
import { restoreBackup } from '../bin/backup/restore-backup.ts';

export const BACKUP_BLOBS = [200, 1000];
const BLOB_BYTES = 64 * 1024;

export interface BackupRow {
  readonly blobs: number;
  readonly mib: number;
  readonly backupMs: number;
  readonly restoreMs: number;
}

export async function benchBackup(blobs: number): Promise<BackupRow> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'c4tap-bench-backup-'));
  try {
    const dataDir = path.join(root, 'var');
    const policiesDir = path.resolve(import.meta.dirname, '..', 'policies');
    const { secrets } = loadOrCreateSecrets(dataDir);
    const store = openSqliteStore(sqliteFile(dataDir));
    await store.close();
    const vault = openVault(createFsBackend(vaultRoot(dataDir)), secrets);
    for (let i = 0; i < blobs; i++) await vault.put(randomBytes(BLOB_BYTES));
    const t0 = performance.now();
    const { manifest } = await takeBackup({ dataDir, policiesDir, version: 'bench', now: new Date() }, path.join(root, 'backup'));
    const t1 = performance.now();
    await restoreBackup(path.join(root, 'backup'), { dataDir: path.join(root, 'restored'), policiesDir, dataSetting: 'bench' });
    const t2 = performance.now();
    const mib = manifest.files.reduce((n, f) => n + f.bytes, 0) / 1024 / 1024;
    return { blobs, mib, backupMs: t1 - t0, restoreMs: t2 - t1 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function formatBackupRow(r: BackupRow): string {
  const rate = (ms: number) => `${(r.mib / (ms / 1000)).toFixed(1)} MiB/s`;
  return `${String(r.blobs).padStart(5)} blobs, ${r.mib.toFixed(1).padStart(6)} MiB: backup ${Math.round(r.backupMs)} ms (${rate(r.backupMs)}), restore ${Math.round(r.restoreMs)} ms (${rate(r.restoreMs)})`;
}
