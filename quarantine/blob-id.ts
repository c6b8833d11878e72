// Blob ids are SHA-256 hex digests. Anything else is refused before it reaches a backend, so an
// id can never name a path outside the vault (checked again by each backend: defence in depth).
import { C4Error } from '../core/errors.ts';
import { safeForLog } from '../core/logger.ts';

const BLOB_ID = /^[0-9a-f]{64}$/;

export function isBlobId(value: unknown): value is string {
  return typeof value === 'string' && BLOB_ID.test(value);
}

/** Throws VAULT_BAD_KEY unless the id is 64 lower-case hex characters. */
export function assertBlobId(value: unknown): asserts value is string {
  if (!isBlobId(value)) {
    throw new C4Error('VAULT_BAD_KEY', 'blob id must be a SHA-256 digest in lower-case hex', {
      id: safeForLog(String(value), 80),
    });
  }
}
