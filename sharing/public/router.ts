// The public WHITE feed, without authentication: /public/v1/indicators.json and .stix, paged with
// `since` and `limit` like the API. Built for an anonymous reader, so every figure comes from WHITE
// sources and WHITE sightings only (class policy, viewOf). Sectors are left out: a public figure
// about who submitted could help single out a submitting organisation.
// Answers are cached briefly in memory (per page, while the log has not moved) and carry an ETag,
// so pollers get 304 Not Modified. Anyone may call it, so each client address has a budget
// (api.publicRateLimitPoints per api.publicRateLimitWindowSeconds; 429 with Retry-After beyond).
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../core/ids.ts';
import { parseWith, queryInt } from '../api/params.ts';
import { PUBLIC_RATE_LIMIT, rateLimitPerAddress } from '../api/rate-limit.ts';
import { feedPageJson } from '../api/representation.ts';
import { createExportCache } from '../export-cache.ts';
import { readFeed } from '../feed.ts';
import { STIX_MEDIA_TYPE, authoredId, stixBundleFor, type ExchangeInfo, type StixExportStore } from '../stix/index.ts';
import type { FeedStore } from '../feed.ts';

export const PUBLIC_MOUNT = '/public/v1';

export interface PublicFeedDeps {
  readonly store: FeedStore & StixExportStore;
  readonly clock: Clock;
  readonly exchange: ExchangeInfo;
  readonly limits: {
    readonly defaultPageSize: number;
    readonly maxPageSize: number;
    /** Requests per client address in publicRateLimitWindowSeconds (default PUBLIC_RATE_LIMIT). */
    readonly publicRateLimitPoints?: number;
    readonly publicRateLimitWindowSeconds?: number;
  };
  /** How long a page is reused while the log does not move (default 30 s; sightings may change meanwhile). */
  readonly cacheTtlMs?: number;
}

interface Rendered {
  readonly contentType: string;
  readonly body: string;
}

export function createPublicFeedRouter(deps: PublicFeedDeps): Router {
  const router = express.Router();
  router.use(
    rateLimitPerAddress('public-feed', {
      points: deps.limits.publicRateLimitPoints ?? PUBLIC_RATE_LIMIT.points,
      windowSeconds: deps.limits.publicRateLimitWindowSeconds ?? PUBLIC_RATE_LIMIT.windowSeconds,
    }),
  );
  const ttlMs = deps.cacheTtlMs ?? 30_000;
  const cache = createExportCache<Rendered>({ ttlMs, maxEntries: 256, clock: deps.clock });
  const query = z.strictObject({
    since: queryInt(0).default(0),
    limit: queryInt(1, deps.limits.maxPageSize).default(deps.limits.defaultPageSize),
  });

  async function render(format: 'json' | 'stix', since: number, limit: number, seq: number): Promise<Rendered> {
    const page = await readFeed(deps.store, null, { since, limit });
    if (format === 'json') {
      const json = feedPageJson(page);
      const items = json.items.map(({ sectors: _sectors, ...item }) => item);
      return { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ ...json, items }) };
    }
    const bundle = await stixBundleFor(
      deps.store,
      null,
      page.items.map((i) => i.view),
      deps.exchange,
    );
    // The same page of the same log state is the same bundle, id included.
    const id = authoredId('bundle', `public\u0000${since}\u0000${limit}\u0000${seq}`);
    return { contentType: STIX_MEDIA_TYPE, body: JSON.stringify({ ...bundle, id }) };
  }

  router.get(/^\/indicators\.(json|stix)$/, async (req, res) => {
    const format = req.path.endsWith('.stix') ? 'stix' : 'json';
    const q = parseWith(query, req.query, 'query');
    const seq = await deps.store.lastPublicationSeq();
    const out = await cache.get(`${format}|${q.since}|${q.limit}`, seq, () => render(format, q.since, q.limit, seq));
    res
      .set('Cache-Control', `public, max-age=${Math.floor(ttlMs / 1000)}`)
      .set('Access-Control-Allow-Origin', '*')
      .set('Cross-Origin-Resource-Policy', 'cross-origin');
    // A Buffer keeps the media type as set; Express adds the ETag and answers 304 to a matching If-None-Match.
    res.set('Content-Type', out.contentType).send(Buffer.from(out.body));
  });
  return router;
}
