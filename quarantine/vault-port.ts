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
