// The MISP feed over HTTP, below /api/v1/misp with the API's bearer tokens: a participant adds
// `<base>/api/v1/misp/` as a feed of format "MISP Feed" in its MISP, with the header
// `Authorization: Bearer <token>`. Each caller gets only what it may see; reading RED data is
// audited like any other read.
import express, { type Router } from 'express';
import type { AuditAppender } from '../../core/audit.ts';
import { C4Error } from '../../core/errors.ts';
import type { Clock } from '../../core/ids.ts';
import type { TokenSettings } from '../../core/tokens.ts';
import type { Store } from '../../core/store/port.ts';
import { authOf, authenticate } from '../api/auth.ts';
import { rateLimitPerToken, type RateLimit } from '../api/rate-limit.ts';
import { createExportCache } from '../export-cache.ts';
import { auditRedReads } from '../red-read-audit.ts';
import type { ExchangeInfo } from '../stix/index.ts';
import { audienceFeed, type AudienceFeed } from './feed.ts';

export const MISP_MOUNT = '/api/v1/misp';

export interface MispDeps {
  readonly store: Store;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly tokenSettings: TokenSettings;
  readonly exchange: ExchangeInfo;
  readonly rateLimit: RateLimit;
  /** How long one audience's feed is reused while the log does not move (default 60 s). */
  readonly cacheTtlMs?: number;
}

const EVENT_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/;

export function createMispRouter(deps: MispDeps): Router {
  const router = express.Router();
  const cache = createExportCache<AudienceFeed>({ ttlMs: deps.cacheTtlMs ?? 60_000, maxEntries: 16, clock: deps.clock });
  const feedOf = (viewer: Parameters<typeof audienceFeed>[1]) => audienceFeed({ store: deps.store, exchange: deps.exchange, cache }, viewer);

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(authenticate(deps));
  router.use(rateLimitPerToken(deps.rateLimit));

  router.get('/manifest.json', async (_req, res) => {
    const { viewer } = authOf(res);
    const f = await feedOf(viewer);
    await auditRedReads(deps.audit, viewer, 'misp.manifest', f.red);
    res.json(f.feed.manifest);
  });

  router.get('/hashes.csv', async (_req, res) => {
    const { viewer } = authOf(res);
    const f = await feedOf(viewer);
    await auditRedReads(deps.audit, viewer, 'misp.hashes', f.red);
    res.type('text/csv; charset=utf-8').send(f.feed.hashesCsv);
  });

  router.get('/:file', async (req, res) => {
    const m = EVENT_FILE.exec(String(req.params['file']));
    const { viewer } = authOf(res);
    const f = await feedOf(viewer);
    const event = m ? f.feed.events.get(m[1]!) : undefined;
    if (!event) throw new C4Error('NOT_FOUND', 'no such event');
    await auditRedReads(deps.audit, viewer, 'misp.event', f.redByEvent.get(event.uuid) ?? []);
    res.json({ Event: event });
  });
  return router;
}
