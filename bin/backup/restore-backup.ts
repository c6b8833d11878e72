// `c4tap restore <dir>` onto a new data directory: checks every file of the backup against its
// manifest before writing anything, refuses a data directory that already holds something, then
// writes the database, secrets (0600), TLS key pair, vault and policies with owner-only modes and
// checks the result: the database answers the manifest's counts and every blob decrypts with the
// restored keys to its SHA-256.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { C4Error } from '../../core/errors.ts';
import { loadOrCreateSecrets } from '../../core/secrets.ts';
import { latestVersion } from '../../core/store/sqlite-migrations.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import type { StoreCounts } from '../../core/store/port.ts';
import { createFsBackend } from '../../quarantine/fs-backend.ts';
import { verifyVaultCopy } from '../../quarantine/copy-vault.ts';
import { openVault, sqliteFile, vaultRoot } from '../context.ts';
import { filesUnder, isEmptyOrMissing, syncTree, writeNew } from './files.ts';
import { readManifest, sha256Of, verifyFiles, type Manifest } from './manifest.ts';
import { LAYOUT } from './take-backup.ts';

export interface RestoreTarget {
  readonly dataDir: string;
  readonly policiesDir: string;
  /** The setting that chose the data directory, for the refusal message. */
  readonly dataSetting: string;
}

export interface RestoreReport {
  readonly manifest: Manifest;
  readonly blobs: number;
  /** Where the backup's policies went, or why they did not. */
  readonly policies: { readonly kind: 'restored' | 'same' | 'beside'; readonly dir: string };
}

function partOf(rel: string): { part: keyof typeof LAYOUT; rest: string } | null {
  const [head, ...rest] = rel.split('/');
  const part = (Object.keys(LAYOUT) as (keyof typeof LAYOUT)[]).find((k) => LAYOUT[k] === head);
  return part ? { part, rest: rest.join('/') } : null;
}

/**
 * The backup's policies go to policiesDir when it is missing or empty, nowhere when it already holds
 * the same files, and otherwise beside the data (<dataDir>/policies-from-backup) so the installed
 * ones are never overwritten.
 */
function policiesPlace(target: RestoreTarget, policies: readonly { path: string; sha256: string }[]): RestoreReport['policies'] {
  if (isEmptyOrMissing(target.policiesDir)) return { kind: 'restored', dir: target.policiesDir };
  const installed = filesUnder(target.policiesDir);
  const same =
    installed.length === policies.length &&
    policies.every((f) => {
      const file = path.join(target.policiesDir, ...f.path.split('/').slice(1));
      return existsSync(file) && sha256Of(readFileSync(file)) === f.sha256;
    });
  return same ? { kind: 'same', dir: target.policiesDir } : { kind: 'beside', dir: path.join(target.dataDir, 'policies-from-backup') };
}

export async function restoreBackup(backupDir: string, target: RestoreTarget): Promise<RestoreReport> {
  const manifest = readManifest(backupDir);
  if (manifest.schemaVersion > latestVersion()) {
    throw new C4Error(
      'SCHEMA_TOO_NEW',
      `the backup's database is at schema version ${manifest.schemaVersion}, newer than this program's (${latestVersion()}): restore with the c4tap version ${manifest.version} or later`,
    );
  }
  if (!manifest.files.some((f) => f.path === LAYOUT.database) || !manifest.files.some((f) => f.path === LAYOUT.secrets)) {
    throw new C4Error('STORE_CORRUPT', `backup ${backupDir}: the manifest lists no ${LAYOUT.database} or no ${LAYOUT.secrets}`);
  }
  if (!isEmptyOrMissing(target.dataDir)) {
    throw new C4Error('VALIDATION_FAILED', `data directory ${target.dataDir} is not empty (${target.dataSetting}): restore onto a new or empty directory`);
  }
  await verifyFiles(backupDir, manifest);
  mkdirSync(target.dataDir, { recursive: true, mode: 0o700 });

  const policyFiles = manifest.files.filter((f) => partOf(f.path)?.part === 'policies');
  const policies = policiesPlace(target, policyFiles);
  for (const f of manifest.files) {
    const where = partOf(f.path);
    const data = readFileSync(path.join(backupDir, ...f.path.split('/')));
    // The bytes written are the bytes just hashed: a file changed between the check and now is caught here.
    if (sha256Of(data) !== f.sha256) throw new C4Error('STORE_CORRUPT', `backup ${backupDir}: file ${f.path} changed while it was restored`);
    if (!where) continue;
    switch (where.part) {
      case 'database':
        writeNew(sqliteFile(target.dataDir), data);
        break;
      case 'secrets':
        writeNew(path.join(target.dataDir, f.path), data);
        break;
      case 'tls':
      case 'vault':
        writeNew(path.join(target.dataDir, ...f.path.split('/')), data);
        break;
      case 'policies':
        if (policies.kind !== 'same') writeNew(path.join(policies.dir, ...where.rest.split('/')), data);
        break;
    }
  }

  syncTree(target.dataDir);
  if (policies.kind === 'restored') syncTree(policies.dir);
  const store = openSqliteStore(sqliteFile(target.dataDir));
  let counts: StoreCounts;
  try {
    counts = await store.counts();
  } finally {
    await store.close();
  }
  for (const [k, v] of Object.entries(manifest.counts)) {
    if (counts[k as keyof StoreCounts] !== v)
      throw new C4Error('STORE_CORRUPT', `restored database holds ${counts[k as keyof StoreCounts]} ${k}, the manifest ${v}`);
  }
  const backend = createFsBackend(vaultRoot(target.dataDir));
  const check = await verifyVaultCopy(backend, openVault(backend, loadOrCreateSecrets(target.dataDir).secrets));
  const bad = check.damaged[0];
  if (bad)
    throw new C4Error(
      'VAULT_TAMPERED',
      `restored blob ${bad.sha256} does not decrypt with the restored keys (${bad.error}): the backup's secrets.json does not belong to its vault`,
    );
  return { manifest, blobs: check.verified, policies };
}
