// The HTTP surface: one Express app for the console and the API. Routers are passed in by the
// composition root; this file owns only the shared stack (helmet, metrics, health, errors).
import express, { type Express, type Router, type Request, type Response, type NextFunction } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../core/logger.ts';
import { ERROR_MAP, problemType } from '../core/errors.ts';
import { PUBLIC_RATE_LIMIT, rateLimitPerAddress, type RateLimit } from '../sharing/api/rate-limit.ts';
import { httpErrorOf } from './http-errors.ts';

export interface HttpDeps {
  readonly log: Logger;
  readonly registry: Registry;
  readonly trustProxy: boolean;
  /** Liveness plus the backends in use, for `GET /api/v1/health`; `status: 'degraded'` answers 503. */
  readonly health: () => Promise<Readonly<Record<string, unknown>>>;
  readonly routers?: readonly { readonly path: string; readonly router: Router }[];
  /** Budget per client address of the routes without authentication here (health, metrics); default PUBLIC_RATE_LIMIT. */
  readonly publicRateLimit?: RateLimit;
}

/** A request id a proxy set (X-Request-Id) is kept when it is short and plain; otherwise one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  // Every answer carries the id its log lines carry, so an operator finds the line a user reports.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.set('X-Request-Id', id);
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: { 'default-src': ["'self'"], 'script-src': ["'self'"], 'style-src': ["'self'"], 'object-src': ["'none'"], 'frame-ancestors': ["'none'"] },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  const perAddress = rateLimitPerAddress('health-metrics', deps.publicRateLimit ?? PUBLIC_RATE_LIMIT);
  app.get('/metrics', perAddress, async (_req, res) => {
    res.set('Content-Type', deps.registry.contentType);
    res.end(await deps.registry.metrics());
  });
  // `{"status":"degraded","reasons":[…]}` is answered 503, so a load balancer or monitor that
  // looks only at the status code takes the process out too.
  app.get('/api/v1/health', perAddress, async (_req, res) => {
    const report = { status: 'ok', ...(await deps.health()) };
    res
      .status(report.status === 'degraded' ? 503 : 200)
      .set('Cache-Control', 'no-store')
      .json(report);
  });
  for (const r of deps.routers ?? []) app.use(r.path, r.router);
  app.use((req: Request, res: Response) => {
    res
      .status(404)
      .type('application/problem+json')
      .json({
        type: problemType('NOT_FOUND'),
        title: ERROR_MAP.NOT_FOUND.title,
        status: 404,
        code: 'NOT_FOUND',
        instance: req.path,
      });
  });
  // Express needs four parameters to see an error handler.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Body-parser failures (too large, unparsable, aborted) are the client's: 400/413, no stack.
    const e = httpErrorOf(err);
    const status = ERROR_MAP[e.code].http;
    const requestId: unknown = res.locals.requestId;
    if (status >= 500) deps.log.error({ event: 'http.error', requestId, code: e.code, path: req.path, err: e.cause ?? e }, 'request failed');
    else deps.log.info({ event: 'http.refused', requestId, code: e.code, status, path: req.path }, 'request refused');
    res
      .status(status)
      .type('application/problem+json')
      .json({
        type: problemType(e.code),
        title: ERROR_MAP[e.code].title,
        status,
        code: e.code,
        ...(status < 500 ? { detail: e.message } : {}),
      });
  });
  return app;
}

export function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}
