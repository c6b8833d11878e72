// API bearer tokens: JWTs signed with one fixed algorithm from config. The token itself is never
// stored; its jti is, so it can be listed, expired and revoked.
import jwt from 'jsonwebtoken';
import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import type { ApiToken, Principal } from './types.ts';
import type { Store } from './store/port.ts';
import { C4Error } from './errors.ts';
import type { AuditAppender } from './audit.ts';
import type { Clock } from './ids.ts';

export interface TokenSettings {
  readonly algorithm: 'HS256' | 'HS384' | 'HS512';
  readonly issuer: string;
  readonly audience: string;
  readonly maxTtlDays: number;
  readonly secret: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly record: ApiToken;
}

const DAY_MS = 24 * 3600 * 1000;

/** Parses `90d`, `12h`, `30m` into milliseconds; null when malformed. */
export function parseTtl(text: string): number | null {
  const m = /^(\d+)\s*([dhm])$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] === 'd' ? DAY_MS : m[2] === 'h' ? 3600_000 : 60_000;
  return n > 0 ? n * unit : null;
}

export async function issueToken(
  store: Pick<Store, 'createToken'>,
  settings: TokenSettings,
  principal: Principal,
  ttlMs: number,
  label: string,
  now: Date,
): Promise<IssuedToken> {
  if (ttlMs > settings.maxTtlDays * DAY_MS) {
    throw new C4Error('VALIDATION_FAILED', `token lifetime exceeds jwt.maxTtlDays (${settings.maxTtlDays} days)`);
  }
  if (principal.status !== 'active') throw new C4Error('FORBIDDEN', `principal ${principal.name} is disabled`);
  const jti = randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = Math.floor((now.getTime() + ttlMs) / 1000);
  const token = jwt.sign({ sub: principal.id, jti, iat, exp }, settings.secret, {
    algorithm: settings.algorithm,
    issuer: settings.issuer,
    audience: settings.audience,
    noTimestamp: true,
  });
  const record = await store.createToken({
    jti,
    principalId: principal.id,
    label,
    createdAt: now.toISOString(),
    expiresAt: new Date(exp * 1000).toISOString(),
  });
  return { token, record };
}

export interface TokenAdminDeps {
  readonly store: Pick<Store, 'createToken' | 'getToken' | 'revokeToken'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
}

/** Issues a token and audits it: the one way the CLI, the console and the participant page issue tokens. */
export async function issueAuditedToken(
  deps: TokenAdminDeps,
  settings: TokenSettings,
  actor: string,
  principal: Principal,
  ttlMs: number,
  label: string,
): Promise<IssuedToken> {
  const issued = await issueToken(deps.store, settings, principal, ttlMs, label.trim().slice(0, 100) || 'api', deps.clock());
  await deps.audit({
    actor,
    action: 'token.issued',
    target: issued.record.jti,
    data: { principalId: principal.id, before: null, after: { expiresAt: issued.record.expiresAt, label: issued.record.label } },
  });
  return issued;
}

/** Revokes a token and audits it (NOT_FOUND when unknown); revoking twice keeps the first time. */
export async function revokeAuditedToken(deps: TokenAdminDeps, actor: string, jti: string): Promise<ApiToken> {
  const before = await deps.store.getToken(jti);
  if (!before) throw new C4Error('NOT_FOUND', `no token ${jti}`);
  const after = (await deps.store.revokeToken(jti, deps.clock().toISOString())) ?? before;
  await deps.audit({
    actor,
    action: 'token.revoked',
    target: jti,
    data: { principalId: before.principalId, before: { revokedAt: before.revokedAt }, after: { revokedAt: after.revokedAt } },
  });
  return after;
}

export type TokenCheck =
  | { readonly ok: true; readonly principal: Principal; readonly token: ApiToken }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' | 'claims' | 'revoked' | 'unknown' | 'disabled' };

/** The secret as a KeyObject, made once per settings object: given a string, jsonwebtoken first tries (and fails) to read it as a public key on every verify. */
const verifyKeys = new WeakMap<TokenSettings, KeyObject>();
function keyOf(settings: TokenSettings): KeyObject {
  let key = verifyKeys.get(settings);
  if (!key) verifyKeys.set(settings, (key = createSecretKey(Buffer.from(settings.secret))));
  return key;
}

/**
 * Verifies a bearer token: the configured algorithm only (so `alg: none` and algorithm switching
 * fail), expiry required, issuer and audience checked, jti known and not revoked, principal active.
 */
export async function verifyToken(store: Pick<Store, 'getToken' | 'getPrincipal'>, settings: TokenSettings, token: string, now: Date): Promise<TokenCheck> {
  let claims: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(token, keyOf(settings), {
      algorithms: [settings.algorithm],
      issuer: settings.issuer,
      audience: settings.audience,
      clockTimestamp: Math.floor(now.getTime() / 1000),
    });
    if (typeof decoded === 'string') return { ok: false, reason: 'malformed' };
    claims = decoded;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TokenExpiredError') return { ok: false, reason: 'expired' };
    const msg = (err as Error).message;
    if (/audience|issuer/.test(msg)) return { ok: false, reason: 'claims' };
    if (/signature|algorithm/.test(msg)) return { ok: false, reason: 'bad-signature' };
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.exp !== 'number' || typeof claims.jti !== 'string' || typeof claims.sub !== 'string') {
    return { ok: false, reason: 'claims' };
  }
  const record = await store.getToken(claims.jti);
  if (!record || record.principalId !== claims.sub) return { ok: false, reason: 'unknown' };
  if (record.revokedAt) return { ok: false, reason: 'revoked' };
  const principal = await store.getPrincipal(claims.sub);
  if (!principal || principal.status !== 'active') return { ok: false, reason: 'disabled' };
  return { ok: true, principal, token: record };
}
