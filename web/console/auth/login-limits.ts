// Lockout and back-off of console logins: failed passwords and second factors count per user
// name and per client address (in memory, per process, like SMTP AUTH). Once a key has used its
// failures it is blocked until its window ends; attempts while blocked are refused without
// checking anything, so guessing stops.
import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface LoginLimitSettings {
  readonly failuresPerUser: number;
  readonly failuresPerAddress: number;
  readonly windowSeconds: number;
}

export interface LoginLimits {
  /** Milliseconds until this user or address may try again, or null when not blocked. */
  blockedFor(user: string, address: string): Promise<number | null>;
  failed(user: string, address: string): Promise<void>;
  /** A full login clears the user's failures; the address keeps its count. */
  succeeded(user: string): Promise<void>;
}

export function createLoginLimits(settings: LoginLimitSettings): LoginLimits {
  const byUser = new RateLimiterMemory({ keyPrefix: 'console-user', points: settings.failuresPerUser, duration: settings.windowSeconds });
  const byAddress = new RateLimiterMemory({ keyPrefix: 'console-addr', points: settings.failuresPerAddress, duration: settings.windowSeconds });
  const key = (user: string) => user.trim().toLowerCase().slice(0, 64);
  async function wait(limiter: RateLimiterMemory, k: string, points: number): Promise<number | null> {
    const res = await limiter.get(k);
    return res && res.consumedPoints >= points ? Math.max(1, res.msBeforeNext) : null;
  }
  return {
    async blockedFor(user, address) {
      const a = await wait(byAddress, address, settings.failuresPerAddress);
      const u = await wait(byUser, key(user), settings.failuresPerUser);
      return a === null && u === null ? null : Math.max(a ?? 0, u ?? 0);
    },
    async failed(user, address) {
      await Promise.all([byUser.penalty(key(user)), byAddress.penalty(address)]);
    },
    async succeeded(user) {
      await byUser.delete(key(user));
    },
  };
}
