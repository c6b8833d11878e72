// CSRF tokens: an HMAC of what binds the form to its browser. For a signed-in session that is the
// session id (random, in an HttpOnly SameSite=Strict cookie); before login it is a random
// pre-login cookie. The token travels in the form (`_csrf`) or the X-CSRF-Token header; a page on
// another site can neither read the cookie nor compute the token, so a forged POST is refused.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function csrfToken(key: Buffer, binding: string): string {
  return createHmac('sha256', key).update(`csrf\u0000${binding}`).digest('base64url');
}

export function verifyCsrf(key: Buffer, binding: string | null, token: unknown): boolean {
  if (!binding || typeof token !== 'string' || token.length === 0 || token.length > 100) return false;
  const expected = Buffer.from(csrfToken(key, binding));
  const got = Buffer.from(token);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
