// The sealed blob format (version 1):
//
//   magic "C4VB" (4) | format version (1) | key id length n (1) | key id (n, ASCII) | IV (12)
//   | AES-256-GCM ciphertext (same length as the plaintext) | GCM tag (16)
//
// The additional authenticated data is the whole header followed by the 32 bytes of the blob id
// (the plaintext's SHA-256), so editing the header or moving a blob under another id fails the tag.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { C4Error } from '../core/errors.ts';

const MAGIC = Buffer.from('C4VB', 'ascii');
export const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CIPHER = 'aes-256-gcm';
/** Plaintext encrypted per cipher.update call by seal(). */
const SEAL_SLICE_BYTES = 1024 * 1024;

export interface SealedHeader {
  readonly version: number;
  readonly keyId: string;
  readonly iv: Buffer;
  /** Bytes of header before the ciphertext. */
  readonly length: number;
  /** Size of the plaintext (= ciphertext) in bytes. */
  readonly plainSize: number;
}

function tampered(id: string, reason: string): C4Error {
  return new C4Error('VAULT_TAMPERED', `blob ${id} failed its integrity check: ${reason}`, { sha256: id, reason });
}

function aad(header: Buffer, id: string): Buffer {
  return Buffer.concat([header, Buffer.from(id, 'hex')]);
}

export function seal(plain: Buffer, id: string, keyId: string, key: Buffer): Buffer {
  const keyIdBytes = Buffer.from(keyId, 'ascii');
  const iv = randomBytes(IV_BYTES);
  const header = Buffer.concat([MAGIC, Buffer.from([FORMAT_VERSION, keyIdBytes.length]), keyIdBytes, iv]);
  const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(header, id));
  // One buffer of the final size, filled a slice at a time: a large message is held once more,
  // not twice (cipher.update's whole output, then the concatenation).
  const sealed = Buffer.allocUnsafeSlow(header.length + plain.length + TAG_BYTES);
  let at = header.copy(sealed, 0);
  for (let i = 0; i < plain.length; i += SEAL_SLICE_BYTES) at += cipher.update(plain.subarray(i, i + SEAL_SLICE_BYTES)).copy(sealed, at);
  at += cipher.final().copy(sealed, at);
  cipher.getAuthTag().copy(sealed, at);
  return sealed;
}

/** Reads the header without decrypting; throws VAULT_TAMPERED when it is malformed. */
export function parseHeader(sealed: Buffer, id: string): SealedHeader {
  const fixed = MAGIC.length + 2;
  if (sealed.length < fixed || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw tampered(id, 'not a sealed blob');
  const version = sealed[MAGIC.length]!;
  if (version !== FORMAT_VERSION) throw tampered(id, `unsupported format version ${version}`);
  const keyIdLength = sealed[MAGIC.length + 1]!;
  const length = fixed + keyIdLength + IV_BYTES;
  if (keyIdLength === 0 || sealed.length < length + TAG_BYTES) throw tampered(id, 'truncated');
  return {
    version,
    keyId: sealed.toString('ascii', fixed, fixed + keyIdLength),
    iv: sealed.subarray(fixed + keyIdLength, length),
    length,
    plainSize: sealed.length - length - TAG_BYTES,
  };
}

/** Decrypts and checks the GCM tag; throws VAULT_TAMPERED on failure. */
export function unseal(sealed: Buffer, header: SealedHeader, id: string, key: Buffer): Buffer {
  const decipher = createDecipheriv(CIPHER, key, header.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(sealed.subarray(0, header.length), id));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(header.length, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw tampered(id, 'authentication tag mismatch');
  }
}
