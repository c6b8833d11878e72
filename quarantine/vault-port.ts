// The vault port: an encrypted, content-addressed blob store for raw mail and samples.
// The SHA-256 of the plaintext is the id. Backends (filesystem now, GridFS later) only move
// sealed bytes; encryption, hashing and verification sit above them in quarantine/vault.ts.
export interface PutResult {
  readonly sha256: string;
  readonly size: number;
  /** false when the blob was already stored (put is idempotent). */
  readonly created: boolean;
}

export interface BlobInfo {
  readonly sha256: string;
  readonly size: number;
  readonly keyId: string;
}

export interface Vault {
  /**
   * Encrypts and stores the content; resolves once the blob is durable (fsync of file and
   * directory). Content is bounded by the message size limit, so it is held in memory.
   */
  put(content: Buffer): Promise<PutResult>;
  /** Decrypts, verifies the GCM tag and the SHA-256; throws VAULT_TAMPERED on any mismatch. */
  get(sha256: string): Promise<Buffer>;
  has(sha256: string): Promise<boolean>;
  info(sha256: string): Promise<BlobInfo | null>;
  /** Removes the blob (retention). Resolves false when it was not there. */
  delete(sha256: string): Promise<boolean>;
  /**
   * Removes the blob, then asks `mayGo` whether it may stay gone (retention looks at the store's
   * references again); when not, the blob is written back. A writer that stored the same content
   * meanwhile and checks `has` after recording its reference either sees the blob or puts it again,
   * so no reference recorded before the answer ends up pointing at nothing.
   */
  deleteUnless(sha256: string, mayGo: () => Promise<boolean>): Promise<'deleted' | 'kept' | 'missing'>;
  /** Re-encrypts a blob under the current key; used by `c4tap keys rotate --rewrap`. */
  rewrap(sha256: string): Promise<boolean>;
  /** Iterates the ids of stored blobs (migration, verification). */
  list(): AsyncIterable<string>;
  /** Free bytes where new blobs go, or null when the backend cannot tell. */
  freeBytes(): Promise<number | null>;
  /**
   * Encrypts the content (whose SHA-256 is `sha256`) under the current key, for a writer that
   * makes it durable in the spool itself (the SMTP accept path commits it with the submission).
   */
  seal(content: Buffer, sha256: string): Buffer;
  /** True when a spool is attached: `seal` + the spool's commit may stand in for `put`. */
  readonly spooling: boolean;
  /**
   * Moves a spooled blob into the backend (written durably, then removed from the spool).
   * Resolves false when it was not spooled. Until then every read finds it in the spool.
   */
  settle(sha256: string): Promise<boolean>;
  /** Moves every spooled blob (start-up recovery); a blob that fails stays spooled and is counted. */
  settleAll(): Promise<{ readonly settled: number; readonly failed: number }>;
}

/**
 * Sealed blobs held durably outside the backend until moved into it (core/store/sqlite-spool.ts:
 * written in the transaction of the submission that refers to them).
 */
export interface SealedBlobSpool {
  get(id: string): Promise<Buffer | null>;
  has(id: string): Promise<boolean>;
  list(): Promise<string[]>;
  remove(id: string): Promise<boolean>;
}

/** A backend stores sealed (already encrypted) bytes under a blob id. */
export interface SealedBlobBackend {
  /** Writes atomically and durably; a second write of an existing id is a no-op returning false. */
  write(id: string, sealed: Buffer): Promise<boolean>;
  read(id: string): Promise<Buffer | null>;
  exists(id: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /** Replaces an existing blob atomically (rewrap). */
  replace(id: string, sealed: Buffer): Promise<void>;
  ids(): AsyncIterable<string>;
  freeBytes(): Promise<number | null>;
}
