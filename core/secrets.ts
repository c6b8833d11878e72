// Generated secrets of the embedded set-up, kept in <dataDir>/secrets.json with mode 0600.
// Vault keys carry ids so blobs written under an old key still read after rotation.
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';
import { C4Error } from './errors.ts';
import { writeFileDurably } from './durable-file.ts';

export interface VaultKey {
  readonly id: string;
  /** 32 random bytes, base64. */
  readonly key: string;
  readonly createdAt: string;
}

export interface Secrets {
  readonly version: 1;
  readonly vaultKeys: readonly VaultKey[];
  /** Id of the key new blobs are encrypted under. */
  readonly currentVaultKeyId: string;
  /** HMAC secret for API JWTs. */
  readonly jwtSecret: string;
  /** Secret for console session cookies and CSRF tokens. */
  readonly sessionSecret: string;
  /** Key that encrypts TOTP secrets at rest. */
  readonly totpKey: string;
  /** HMAC key of the audit hash chain. */
  readonly auditKey: string;
  /** HMAC key of SMTP submission secrets (core/passwords.ts); absent in files written before it (see smtpSecretKey). */
  readonly smtpSecretKey?: string;
}

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

const SECRETS_FILE = 'secrets.json';
const TLS_CERT = 'tls/smtp-cert.pem';
const TLS_KEY = 'tls/smtp-key.pem';

function randomKey(): string {
  return randomBytes(32).toString('base64');
}

export function newVaultKey(now: Date): VaultKey {
  return {
    id: `k${now
      .toISOString()
      .replace(/[-:TZ.]/g, '')
      .slice(0, 14)}-${randomBytes(3).toString('hex')}`,
    key: randomKey(),
    createdAt: now.toISOString(),
  };
}

/** Creates the data directory (mode 0700) if needed. */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

export function secretsPath(dataDir: string): string {
  return path.join(dataDir, SECRETS_FILE);
}

/** Reads the secrets, creating them on first start. Returns whether they were created now. */
export function loadOrCreateSecrets(dataDir: string, now: Date = new Date()): { secrets: Secrets; created: boolean } {
  ensureDataDir(dataDir);
  const file = secretsPath(dataDir);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    return { secrets: parseSecrets(readFileSync(file, 'utf8'), file), created: false };
  }
  const first = newVaultKey(now);
  const secrets: Secrets = {
    version: 1,
    vaultKeys: [first],
    currentVaultKeyId: first.id,
    jwtSecret: randomKey(),
    sessionSecret: randomKey(),
    totpKey: randomKey(),
    auditKey: randomKey(),
    smtpSecretKey: randomKey(),
  };
  saveSecrets(dataDir, secrets);
  return { secrets, created: true };
}

/**
 * Reads the existing secrets file as it is now (no creating, no mode fix): a running server
 * re-reading its vault keys after a rotation. The file is only ever replaced by a rename
 * (writeFileDurably), so a reader sees the old or the new content, never half of it; a file edited
 * by hand into something invalid throws CONFIG_INVALID and the caller keeps what it had.
 */
export function readSecrets(dataDir: string): { secrets: Secrets; text: string } {
  const file = secretsPath(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new C4Error('CONFIG_INVALID', `cannot read the secrets file ${file}: ${(err as Error).message}`, {}, { cause: err });
  }
  return { secrets: parseSecrets(text, file), text };
}

export function saveSecrets(dataDir: string, secrets: Secrets): void {
  writeFileDurably(secretsPath(dataDir), JSON.stringify(secrets, null, 2) + '\n', 0o600);
}

function parseSecrets(text: string, file: string): Secrets {
  let s: Secrets;
  try {
    s = JSON.parse(text) as Secrets;
  } catch {
    throw new C4Error('CONFIG_INVALID', `secrets file ${file} is not valid JSON`);
  }
  if (!Array.isArray(s.vaultKeys) || !s.vaultKeys.some((k) => k.id === s.currentVaultKeyId) || !s.jwtSecret || !s.auditKey) {
    throw new C4Error('CONFIG_INVALID', `secrets file ${file} is incomplete (vault keys, current key id, jwt secret, audit key)`);
  }
  for (const k of s.vaultKeys) {
    if (Buffer.from(k.key, 'base64').length !== 32) {
      throw new C4Error('CONFIG_INVALID', `secrets file ${file}: vault key ${k.id} is not 32 bytes`);
    }
  }
  return s;
}

/**
 * The key SMTP secrets are hashed with. A secrets file written before it had its own key gets one
 * derived from the audit key (never rotated in place) under its own label, so every process
 * reading the same file agrees on it without rewriting the file.
 */
export function smtpSecretKey(secrets: Pick<Secrets, 'smtpSecretKey' | 'auditKey'>): Buffer {
  if (secrets.smtpSecretKey) return Buffer.from(secrets.smtpSecretKey, 'base64');
  return createHmac('sha256', Buffer.from(secrets.auditKey, 'base64')).update('c4tap:smtp-secret-key').digest();
}

/** Adds a new vault key and makes it current. Old keys stay so old blobs still decrypt. */
export function rotateVaultKey(dataDir: string, now: Date = new Date()): { secrets: Secrets; key: VaultKey } {
  const { secrets } = loadOrCreateSecrets(dataDir, now);
  const key = newVaultKey(now);
  const next: Secrets = { ...secrets, vaultKeys: [...secrets.vaultKeys, key], currentVaultKeyId: key.id };
  saveSecrets(dataDir, next);
  return { secrets: next, key };
}

/**
 * Drops a vault key that is not current. The caller has checked that no blob is sealed under it
 * (`c4tap keys remove` scans the vault first).
 */
export function removeVaultKey(dataDir: string, id: string): Secrets {
  const { secrets } = readSecrets(dataDir);
  if (!secrets.vaultKeys.some((k) => k.id === id)) throw new C4Error('NOT_FOUND', `no vault key ${id} in ${secretsPath(dataDir)}`, { keyId: id });
  if (secrets.currentVaultKeyId === id) {
    throw new C4Error('CONFLICT', `vault key ${id} is the current key: rotate first ("c4tap keys rotate --rewrap")`, { keyId: id });
  }
  const next: Secrets = { ...secrets, vaultKeys: secrets.vaultKeys.filter((k) => k.id !== id) };
  saveSecrets(dataDir, next);
  return next;
}

/** The configured certificate, or the self-signed one in dataDir (generated on first start). */
export async function loadOrCreateTls(
  dataDir: string,
  hostname: string,
  files?: { certFile?: string | undefined; keyFile?: string | undefined },
): Promise<TlsMaterial & { created: boolean }> {
  if (files?.certFile && files.keyFile) {
    return { cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8'), created: false };
  }
  const certPath = path.join(dataDir, TLS_CERT);
  const keyPath = path.join(dataDir, TLS_KEY);
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), created: false };
  }
  mkdirSync(path.dirname(certPath), { recursive: true, mode: 0o700 });
  const notAfter = new Date(Date.now() + 3 * 365 * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  } as Parameters<typeof generate>[1]);
  writeFileDurably(keyPath, pems.private, 0o600);
  writeFileDurably(certPath, pems.cert, 0o644);
  return { cert: pems.cert, key: pems.private, created: true };
}
