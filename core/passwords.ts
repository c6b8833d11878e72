// Password and secret hashing (Node's crypto; no native add-on needed).
// Human passwords: scrypt, format scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>, so parameters can be
// raised later. Machine secrets we generate (SMTP submission secrets, 144 random bits): a keyed
// hash, format hmac-sha256$<key id>$<HMAC-SHA-256 b64>, under a server key that is not in the
// database (see SECURITY.md: a slow KDF protects guessable passwords; these cannot be guessed).
import { createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(secret: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(secret, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, KEYLEN, { N, r: R, p: P, maxmem: 128 * N * R * 2 });
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Constant-time check; a malformed stored hash never matches. */
export async function verifySecret(secret: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (!n || !r || !p || expected.length === 0) return false;
  const got = await scrypt(secret, salt, expected.length, { N: n, r, p, maxmem: 128 * n * r * 2 });
  return timingSafeEqual(got, expected);
}

const KEYED = 'hmac-sha256';

/** Short public id of a key (which key a keyed hash was made with): 8 hex of its SHA-256. */
function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Keyed hash of a generated machine secret (microseconds, not scrypt's hundreds of milliseconds). */
export function hashMachineSecret(secret: string, key: Buffer): string {
  return [KEYED, keyId(key), createHmac('sha256', key).update(secret).digest('base64')].join('$');
}

/** Whether a stored hash is the keyed form made with this key (else it is worth upgrading after a successful check). */
export function isKeyedHash(stored: string, key: Buffer): boolean {
  const parts = stored.split('$');
  return parts.length === 3 && parts[0] === KEYED && parts[1] === keyId(key);
}

/**
 * Checks a machine secret against its stored hash: the keyed form in constant time, or a scrypt
 * hash (secrets set before the keyed form, or when no key is available). A keyed hash made with
 * another key, a malformed hash or no hash never matches.
 */
export async function verifyMachineSecret(secret: string, stored: string | null, key: Buffer | null): Promise<boolean> {
  if (!stored) return false;
  if (!stored.startsWith(`${KEYED}$`)) return verifySecret(secret, stored);
  if (!key || !isKeyedHash(stored, key)) return false;
  const expected = Buffer.from(stored.split('$')[2]!, 'base64');
  const got = createHmac('sha256', key).update(secret).digest();
  return expected.length === got.length && timingSafeEqual(got, expected);
}

/**
 * A random secret that is easy to paste: 24 base64url characters (144 bits). Never starts with
 * `-` or `_`, so no command-line client (swaks, curl) reads it as an option: the first character is
 * drawn from the 62 alphanumerics, the other 23 from all 64 (still over 140 bits).
 */
export function generateSecret(): string {
  const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let first: number;
  do first = randomBytes(1)[0]! & 63;
  while (first >= ALNUM.length);
  return ALNUM[first]! + randomBytes(18).toString('base64url').slice(1);
}
