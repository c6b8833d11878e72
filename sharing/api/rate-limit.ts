// Rate limiting per API token (its jti): a puller in a tight loop slows only itself.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { C4Error } from '../../core/errors.ts';
import { authOf } from './auth.ts';

export interface RateLimit {
  readonly points: number;
  readonly windowSeconds: number;
}

export function rateLimitPerToken(limit: RateLimit): RequestHandler {
  const limiter = new RateLimiterMemory({ keyPrefix: 'api-token', points: limit.points, duration: limit.windowSeconds });
  return async (_req: Request, res: Response, next: NextFunction) => {
    try {
      const r = await limiter.consume(authOf(res).token.jti);
      res.set('RateLimit-Remaining', String(r.remainingPoints));
      next();
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) return next(err);
      res.set('Retry-After', String(Math.max(1, Math.ceil(err.msBeforeNext / 1000))));
      next(new C4Error('RATE_LIMITED', `more than ${limit.points} requests in ${limit.windowSeconds} s with this token; retry later`));
    }
  };
}
