// The vault spool on SQLite: sealed (already encrypted) vault blobs held in the database until
// they are moved to the filesystem vault. The SMTP accept path writes them in the same write
// transaction as the submission that refers to them (the writer thread's createSubmissionSpooled),
// so one group commit, one fsync shared by every message of the batch, makes a message durable
// before the 250; the per-file fsyncs of the vault happen after it (quarantine/vault.ts settle).
// Only ciphertext is stored here, as in the vault.
import type { Db } from './sqlite-db.ts';

/** A sealed blob as the vault made it, under its id (SHA-256 of the plaintext). */
export interface SpooledBlob {
  readonly sha256: string;
  /** Crosses the writer thread as a Uint8Array. */
  readonly sealed: Uint8Array;
}

export interface SqliteSpool {
  put(blobs: readonly SpooledBlob[], now: string): void;
  get(sha256: string): Buffer | null;
  has(sha256: string): boolean;
  /** Ids of the blobs still spooled, oldest first. */
  list(): string[];
  remove(sha256: string): boolean;
}

export function sqliteSpool(db: Db): SqliteSpool {
  const insert = db.prepare<[string, Buffer, string]>('INSERT OR IGNORE INTO vault_spool (sha256, sealed, spooled_at) VALUES (?, ?, ?)');
  const select = db.prepare<[string], { sealed: Buffer }>('SELECT sealed FROM vault_spool WHERE sha256 = ?');
  const exists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM vault_spool WHERE sha256 = ?');
  const ids = db.prepare<[], { sha256: string }>('SELECT sha256 FROM vault_spool ORDER BY spooled_at, sha256');
  const del = db.prepare<[string]>('DELETE FROM vault_spool WHERE sha256 = ?');
  return {
    put(blobs, now) {
      for (const b of blobs) insert.run(b.sha256, Buffer.from(b.sealed.buffer, b.sealed.byteOffset, b.sealed.byteLength), now);
    },
    get: (sha256) => select.get(sha256)?.sealed ?? null,
    has: (sha256) => exists.get(sha256) !== undefined,
    list: () => ids.all().map((r) => r.sha256),
    remove: (sha256) => del.run(sha256).changes > 0,
  };
}
