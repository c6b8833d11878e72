// SMTP authentication of submitters: the principal's SMTP secret checked against its keyed hash
// (HMAC-SHA-256 under the server's SMTP secret key, constant-time compare: the secrets are 144
// random bits, so they need no slow KDF; SECURITY.md says why), failed
// attempts rate-limited (in memory, per process) per client address, per (user name, client /24
// or /48), and per user name for attempts from outside the networks registered for the user's
// organisation. Keying the user's count by source network means that an attacker who knows a
// user name locks out only that name from its own networks: the owner's correct secret still
// works from its registered networks (and from any network the attacker is not in).
//
// Every refusal looks the same to the client (535), whether the user is unknown, disabled, not
// a submitter or gave a wrong secret, and each one costs one keyed-hash verification, so neither
// the reply nor its timing tells which names exist. The reason goes to the log only.
//
// A secret stored as scrypt (set by the console or `c4tap principal` before the keyed form, or
// reset since: they hash with scrypt) costs one scrypt the next time it is used; that successful
// AUTH replaces the stored hash with the keyed one, unless the secret was changed meanwhile.
import { randomBytes } from 'node:crypto';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Principal } from '../core/types.ts';
import type { Store } from '../core/store/port.ts';
import { hashMachineSecret, isKeyedHash, verifyMachineSecret } from '../core/passwords.ts';
import { canSubmit } from '../core/directory.ts';
import { networkOf, type RegisteredNetworks } from './client-networks.ts';

export type AuthRefusal = 'unknown-user' | 'disabled' | 'not-submitter' | 'no-smtp-secret' | 'wrong-secret';

export type AuthOutcome =
  | { readonly kind: 'ok'; readonly principal: Principal }
  | { readonly kind: 'refused'; readonly reason: AuthRefusal }
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number; readonly by: 'address' | 'user' | 'user-elsewhere' };

export interface AuthLimits {
  /** Failed attempts allowed per client address in the window. */
  readonly failuresPerAddress: number;
  /** Failed attempts allowed per (user name, client /24 or /48) in the window. */
  readonly failuresPerUser: number;
  /** Failed attempts allowed per user name in the window from outside its organisation's registered networks. */
  readonly failuresPerUserFromElsewhere: number;
  readonly windowSeconds: number;
}

export interface SmtpAuthenticator {
  authenticate(username: string, password: string, remoteAddress: string): Promise<AuthOutcome>;
}

/** Longest user name used as a limiter key; longer names cannot exist (see principalInputSchema). */
const MAX_NAME = 64;

export function createSmtpAuthenticator(
  store: Pick<Store, 'getPrincipalByName' | 'getPrincipal' | 'updatePrincipal'>,
  limits: AuthLimits,
  registered: RegisteredNetworks,
  /** Server key of the keyed hashes (core/secrets.ts smtpSecretKey). */
  key: Buffer,
  /** Told when a scrypt hash could not be upgraded (the AUTH itself succeeded). */
  onUpgradeFailed: (principalId: string, err: unknown) => void = () => {},
): SmtpAuthenticator {
  const byAddress = new RateLimiterMemory({ keyPrefix: 'smtp-auth-addr', points: limits.failuresPerAddress, duration: limits.windowSeconds });
  const byUser = new RateLimiterMemory({ keyPrefix: 'smtp-auth-user-net', points: limits.failuresPerUser, duration: limits.windowSeconds });
  const byUserElsewhere = new RateLimiterMemory({
    keyPrefix: 'smtp-auth-user-elsewhere',
    points: limits.failuresPerUserFromElsewhere,
    duration: limits.windowSeconds,
  });
  // Verified against when there is no real hash, so a refusal always costs the same work.
  const dummyHash = hashMachineSecret(randomBytes(18).toString('base64url'), key);

  async function exhausted(limiter: RateLimiterMemory, key: string, points: number): Promise<number | null> {
    const res = await limiter.get(key);
    return res && res.consumedPoints >= points ? res.msBeforeNext : null;
  }

  async function check(principal: Principal | null, password: string): Promise<AuthRefusal | null> {
    const usable = principal && canSubmit(principal) && principal.smtpSecretHash;
    const matches = await verifyMachineSecret(password, usable ? principal.smtpSecretHash : dummyHash, key);
    if (!principal) return 'unknown-user';
    if (principal.status !== 'active') return 'disabled';
    if (!principal.roles.includes('submitter')) return 'not-submitter';
    if (!principal.smtpSecretHash) return 'no-smtp-secret';
    return matches ? null : 'wrong-secret';
  }

  /** Replaces a verified scrypt hash with the keyed one, unless the stored secret changed since it was read. */
  async function upgradeHash(principal: Principal, password: string): Promise<Principal> {
    const stored = principal.smtpSecretHash!;
    if (isKeyedHash(stored, key)) return principal;
    try {
      const now = await store.getPrincipal(principal.id);
      if (now?.smtpSecretHash !== stored) return principal;
      return (await store.updatePrincipal(principal.id, { smtpSecretHash: hashMachineSecret(password, key) })) ?? principal;
    } catch (err) {
      onUpgradeFailed(principal.id, err);
      return principal;
    }
  }

  return {
    async authenticate(username, password, remoteAddress) {
      const name = username.trim().toLowerCase().slice(0, MAX_NAME);
      const userKey = `${name}|${networkOf(remoteAddress)}`;
      const addressWait = await exhausted(byAddress, remoteAddress, limits.failuresPerAddress);
      if (addressWait !== null) return { kind: 'rate-limited', retryAfterMs: addressWait, by: 'address' };
      const userWait = await exhausted(byUser, userKey, limits.failuresPerUser);
      if (userWait !== null) return { kind: 'rate-limited', retryAfterMs: userWait, by: 'user' };

      const principal = name ? await store.getPrincipalByName(name) : null;
      const fromHome = principal !== null && (await registered.orgsOf(remoteAddress)).includes(principal.orgId);
      if (!fromHome) {
        const elsewhereWait = await exhausted(byUserElsewhere, name, limits.failuresPerUserFromElsewhere);
        if (elsewhereWait !== null) return { kind: 'rate-limited', retryAfterMs: elsewhereWait, by: 'user-elsewhere' };
      }
      const refusal = await check(principal, password);
      if (refusal) {
        await Promise.all([byAddress.penalty(remoteAddress), byUser.penalty(userKey), fromHome ? null : byUserElsewhere.penalty(name)]);
        return { kind: 'refused', reason: refusal };
      }
      // A successful login clears the user's failures from this network (a typo earlier does not
      // lock them out); the address keeps its count, so one valid account cannot reset a guessing client.
      await byUser.delete(userKey);
      const upgraded = await upgradeHash(principal!, password);
      return { kind: 'ok', principal: upgraded };
    },
  };
}
