// SMTP authentication of submitters: the principal's SMTP secret checked with scrypt, failed
// attempts rate-limited per client address and per user name (in memory, per process).
//
// Every refusal looks the same to the client (535), whether the user is unknown, disabled, not
// a submitter or gave a wrong secret, and each one costs one scrypt verification, so neither
// the reply nor its timing tells which names exist. The reason goes to the log only.
import { randomBytes } from 'node:crypto';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Principal } from '../core/types.ts';
import type { Store } from '../core/store/port.ts';
import { hashSecret, verifySecret } from '../core/passwords.ts';
import { canSubmit } from '../core/directory.ts';

export type AuthRefusal = 'unknown-user' | 'disabled' | 'not-submitter' | 'no-smtp-secret' | 'wrong-secret';

export type AuthOutcome =
  | { readonly kind: 'ok'; readonly principal: Principal }
  | { readonly kind: 'refused'; readonly reason: AuthRefusal }
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number; readonly by: 'address' | 'user' };

export interface AuthLimits {
  /** Failed attempts allowed per client address in the window. */
  readonly failuresPerAddress: number;
  /** Failed attempts allowed per user name in the window. */
  readonly failuresPerUser: number;
  readonly windowSeconds: number;
}

export interface SmtpAuthenticator {
  authenticate(username: string, password: string, remoteAddress: string): Promise<AuthOutcome>;
}

/** Longest user name used as a limiter key; longer names cannot exist (see principalInputSchema). */
const MAX_NAME = 64;

export function createSmtpAuthenticator(store: Pick<Store, 'getPrincipalByName'>, limits: AuthLimits): SmtpAuthenticator {
  const byAddress = new RateLimiterMemory({ keyPrefix: 'smtp-auth-addr', points: limits.failuresPerAddress, duration: limits.windowSeconds });
  const byUser = new RateLimiterMemory({ keyPrefix: 'smtp-auth-user', points: limits.failuresPerUser, duration: limits.windowSeconds });
  // Verified against when there is no real hash, so a refusal always costs the same work.
  const dummyHash = hashSecret(randomBytes(18).toString('base64url'));

  async function exhausted(limiter: RateLimiterMemory, key: string, points: number): Promise<number | null> {
    const res = await limiter.get(key);
    return res && res.consumedPoints >= points ? res.msBeforeNext : null;
  }

  async function check(principal: Principal | null, password: string): Promise<AuthRefusal | null> {
    const usable = principal && canSubmit(principal) && principal.smtpSecretHash;
    const matches = await verifySecret(password, usable ? principal.smtpSecretHash : await dummyHash);
    if (!principal) return 'unknown-user';
    if (principal.status !== 'active') return 'disabled';
    if (!principal.roles.includes('submitter')) return 'not-submitter';
    if (!principal.smtpSecretHash) return 'no-smtp-secret';
    return matches ? null : 'wrong-secret';
  }

  return {
    async authenticate(username, password, remoteAddress) {
      const name = username.trim().toLowerCase().slice(0, MAX_NAME);
      const addressWait = await exhausted(byAddress, remoteAddress, limits.failuresPerAddress);
      if (addressWait !== null) return { kind: 'rate-limited', retryAfterMs: addressWait, by: 'address' };
      const userWait = await exhausted(byUser, name, limits.failuresPerUser);
      if (userWait !== null) return { kind: 'rate-limited', retryAfterMs: userWait, by: 'user' };

      const principal = name ? await store.getPrincipalByName(name) : null;
      const refusal = await check(principal, password);
      if (refusal) {
        await Promise.all([byAddress.penalty(remoteAddress), byUser.penalty(name)]);
        return { kind: 'refused', reason: refusal };
      }
      // A successful login clears the user's failures (a typo earlier does not lock them out);
      // the address keeps its count, so one valid account cannot reset a guessing client.
      await byUser.delete(name);
      return { kind: 'ok', principal: principal! };
    },
  };
}
