// REST API v1, mounted at /api/v1 by the composition root (web/server.ts owns the shared stack:
// helmet, metrics, /api/v1/health and the problem-details error handler). Every route below
// `authenticate` needs a bearer token and counts against that token's rate limit.
import express, { type Router } from 'express';
import { authenticate } from './auth.ts';
import { falsePositiveRoutes } from './false-positives.ts';
import type { ApiDeps } from './deps.ts';
import { BUILT_IN_FORMATTERS, type FeedFormatter, type FormatName } from './formats.ts';
import { indicatorRoutes } from './indicators.ts';
import { openApiDocument } from './openapi.ts';
import { rateLimitPerToken } from './rate-limit.ts';
import { sightingRoutes } from './sightings.ts';
import { submissionRoutes } from './submissions.ts';
import { triageRoutes } from './triage.ts';
import { triageWorkRoutes } from './triage-work.ts';
import { campaignRoutes } from './campaigns.ts';

export const API_MOUNT = '/api/v1';

export function createApiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  const formatters = new Map<FormatName, FeedFormatter>([...BUILT_IN_FORMATTERS, ...(deps.formatters ?? [])].map((f) => [f.name, f]));
  const document = openApiDocument(deps.limits);

  router.get('/openapi.json', (_req, res) => void res.json(document));
  router.use((_req, res, next) => {
    // Answers depend on who asks: never cached by shared caches.
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(authenticate(deps));
  router.use(rateLimitPerToken({ points: deps.limits.rateLimitPoints, windowSeconds: deps.limits.rateLimitWindowSeconds }));
  indicatorRoutes(router, deps, formatters);
  submissionRoutes(router, deps);
  triageRoutes(router, deps);
  triageWorkRoutes(router, deps);
  campaignRoutes(router, deps);
  sightingRoutes(router, deps);
  falsePositiveRoutes(router, deps);
  return router;
}
