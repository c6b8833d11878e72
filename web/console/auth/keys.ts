// Keys the console derives from the data directory's secrets: one purpose per key, so a value
// computed for one use (a CSRF token) is never valid for another (a recovery-code hash).
import { createHmac } from 'node:crypto';
import type { Secrets } from '../../../core/secrets.ts';

export interface ConsoleKeys {
  /** HMAC key of CSRF tokens. */
  readonly csrf: Buffer;
  /** HMAC key of recovery-code hashes. */
  readonly recovery: Buffer;
  /** AES-256-GCM key of TOTP secrets at rest. */
  readonly totp: Buffer;
}

function derive(secret: string, purpose: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'base64')).update(`c4tap-console:${purpose}`).digest();
}

export function consoleKeys(secrets: Pick<Secrets, 'sessionSecret' | 'totpKey'>): ConsoleKeys {
  const totp = Buffer.from(secrets.totpKey, 'base64');
  if (totp.length !== 32) throw new Error('secrets.totpKey must be 32 bytes');
  return { csrf: derive(secrets.sessionSecret, 'csrf'), recovery: derive(secrets.sessionSecret, 'recovery-codes'), totp };
}
