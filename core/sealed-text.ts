// Short secrets kept at rest in the store (console TOTP secrets, digest zip passwords): AES-256-GCM
// with the record's id as associated data, so a value copied onto another record does not open.
// Format `v1:<iv>:<tag>:<ciphertext>`, base64 parts. Keys come from secrets.json, one per purpose.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT = 'v1';

/** A 32-byte key for one purpose, derived (HKDF-SHA256) from a base64 secret of secrets.json. */
export function purposeKey(secretBase64: string, purpose: string): Buffer {
  const secret = Buffer.from(secretBase64, 'base64');
  if (secret.length < 32) throw new Error('the secret to derive from must be at least 32 bytes');
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `c4tap:${purpose}`, 32));
}

export function sealText(key: Buffer, recordId: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(recordId));
  const ct = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return [FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
}

/** The text, or null when the value is malformed, tampered with, or sealed for another record or key. */
export function openText(key: Buffer, recordId: string, sealed: string | null): string | null {
  if (!sealed) return null;
  const [format, iv, tag, ct, ...rest] = sealed.split(':');
  if (format !== FORMAT || !iv || !tag || !ct || rest.length > 0) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(recordId));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
