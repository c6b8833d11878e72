// Lockout and back-off of console logins: failed passwords and second factors count (in memory,
// per process, like SMTP AUTH) per client address, per (user name, client /24 or /48), and per
// user name only for attempts from outside the networks registered for the user's organisation.
// Someone who knows an analyst's name can therefore lock that name out of their own networks
// only, never out of the organisation's registered networks. Once a key has used its failures
// it is blocked until its window ends; attempts while blocked are refused without checking
// anything, so guessing stops.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Store } from '../../../core/store/port.ts';
import { inNetworks, networkOf } from './networks.ts';

export interface LoginLimitSettings {
  readonly failuresPerUser: number;
  readonly failuresPerAddress: number;
  /** Failures per user name in the window from outside its organisation's registered networks. */
  readonly failuresPerUserFromElsewhere: number;
  readonly windowSeconds: number;
}

export interface LoginLimits {
  /** Milliseconds until this user or address may try again, or null when not blocked. */
  blockedFor(user: string, address: string): Promise<number | null>;
  failed(user: string, address: string): Promise<void>;
  /** A full login clears the user's failures from that network; the address keeps its count. */
  succeeded(user: string, address: string): Promise<void>;
}

export type HomeStore = Pick<Store, 'getPrincipalByName' | 'getOrganisation'>;

export function createLoginLimits(settings: LoginLimitSettings, store: HomeStore): LoginLimits {
  const byUser = new RateLimiterMemory({ keyPrefix: 'console-user-net', points: settings.failuresPerUser, duration: settings.windowSeconds });
  const byAddress = new RateLimiterMemory({ keyPrefix: 'console-addr', points: settings.failuresPerAddress, duration: settings.windowSeconds });
  const byUserElsewhere = new RateLimiterMemory({
    keyPrefix: 'console-user-elsewhere',
    points: settings.failuresPerUserFromElsewhere,
    duration: settings.windowSeconds,
  });
  const key = (user: string) => user.trim().toLowerCase().slice(0, 64);
  const netKey = (user: string, address: string) => `${key(user)}|${networkOf(address)}`;
  async function wait(limiter: RateLimiterMemory, k: string, points: number): Promise<number | null> {
    const res = await limiter.get(k);
    return res && res.consumedPoints >= points ? Math.max(1, res.msBeforeNext) : null;
  }
  /** Whether the address is in a network registered for the user's organisation. */
  async function fromHome(user: string, address: string): Promise<boolean> {
    const principal = key(user) ? await store.getPrincipalByName(key(user)) : null;
    const org = principal ? await store.getOrganisation(principal.orgId) : null;
    return org !== null && inNetworks(address, org.networks);
  }
  return {
    async blockedFor(user, address) {
      const a = await wait(byAddress, address, settings.failuresPerAddress);
      const u = await wait(byUser, netKey(user, address), settings.failuresPerUser);
      const e = (await fromHome(user, address)) ? null : await wait(byUserElsewhere, key(user), settings.failuresPerUserFromElsewhere);
      return a === null && u === null && e === null ? null : Math.max(a ?? 0, u ?? 0, e ?? 0);
    },
    async failed(user, address) {
      const home = await fromHome(user, address);
      await Promise.all([byUser.penalty(netKey(user, address)), byAddress.penalty(address), home ? null : byUserElsewhere.penalty(key(user))]);
    },
    async succeeded(user, address) {
      await byUser.delete(netKey(user, address));
    },
  };
}
