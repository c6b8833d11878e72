// Rate limiting per API token (its jti): a puller in a tight loop slows only itself. Routes anyone
// may call without a token (the public WHITE feed, health, metrics) are limited per client
// address instead (req.ip: the socket's address, or the proxy's X-Forwarded-For with http.trustProxy).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { C4Error } from '../../core/errors.ts';
import { authOf } from './auth.ts';

export interface RateLimit {
  readonly points: number;
  readonly windowSeconds: number;
}

/** Default budget of an address on the routes without authentication: 120 requests a minute. */
export const PUBLIC_RATE_LIMIT: RateLimit = { points: 120, windowSeconds: 60 };

function limited(limiter: RateLimiterMemory, key: (req: Request, res: Response) => string, refusal: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const r = await limiter.consume(key(req, res));
      res.set('RateLimit-Remaining', String(r.remainingPoints));
      next();
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) return next(err);
      res.set('Retry-After', String(Math.max(1, Math.ceil(err.msBeforeNext / 1000))));
      next(new C4Error('RATE_LIMITED', refusal));
    }
  };
}

export function rateLimitPerToken(limit: RateLimit): RequestHandler {
  const limiter = new RateLimiterMemory({ keyPrefix: 'api-token', points: limit.points, duration: limit.windowSeconds });
  return limited(limiter, (_req, res) => authOf(res).token.jti, `more than ${limit.points} requests in ${limit.windowSeconds} s with this token; retry later`);
}

/** Per client address, for routes without authentication; `name` keeps each surface's budget apart. */
export function rateLimitPerAddress(name: string, limit: RateLimit): RequestHandler {
  const limiter = new RateLimiterMemory({ keyPrefix: `addr-${name}`, points: limit.points, duration: limit.windowSeconds });
  return limited(
    limiter,
    (req) => req.ip ?? req.socket.remoteAddress ?? 'unknown',
    `more than ${limit.points} requests in ${limit.windowSeconds} s from your address; retry later`,
  );
}
