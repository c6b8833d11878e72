// Recovery codes: ten one-time codes shown once at enrolment, for when the authenticator is lost.
// They are random (60 bits each), so a keyed hash (HMAC under a console key) is enough to store
// them: nobody can guess one, and the database alone does not reveal them.
import { createHmac, randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;

function randomCode(): string {
  const bytes = randomBytes(12);
  let out = '';
  for (let i = 0; i < 12; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8)}`;
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, randomCode);
}

/** Lower-case, without spaces and dashes, so "ABCD EFGH-JKMN" matches the code as shown. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

export function hashRecoveryCode(key: Buffer, code: string): string {
  return createHmac('sha256', key).update(normaliseRecoveryCode(code)).digest('hex');
}

/** Does the input look like a recovery code rather than a 6-digit TOTP code? */
export function looksLikeRecoveryCode(input: string): boolean {
  return normaliseRecoveryCode(input).length === 12;
}
