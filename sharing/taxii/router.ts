// TAXII 2.1 server, mounted at /taxii2: discovery, one API root (`c4tap`), a collection per class
// the caller reads, objects with `added_after`, `limit`, `next` (publication seq) and `match[...]`,
// manifest, versions. Read-only: writes answer 403 (404 where the caller may not even read).
// Every request needs a bearer token (sharing/api/auth.ts) and counts against its rate limit.
import express, { type Request, type Response, type Router } from 'express';
import type { AuditAppender } from '../../core/audit.ts';
import { C4Error } from '../../core/errors.ts';
import type { Clock } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { TokenSettings } from '../../core/tokens.ts';
import type { SharingClass } from '../../core/types.ts';
import type { Store } from '../../core/store/port.ts';
import { authOf, authenticate } from '../api/auth.ts';
import { rateLimitPerToken, type RateLimit } from '../api/rate-limit.ts';
import type { IndicatorView } from '../indicator-view.ts';
import { auditRedReads } from '../red-read-audit.ts';
import { STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE, type ExchangeInfo } from '../stix/index.ts';
import { readCollectionPage } from './collection-page.ts';
import { addedAfter } from './date-added.ts';
import { collectionOf, collectionsFor, readableCollection } from './collections.ts';
import { matches, parseFilters, type TaxiiEntry, type TaxiiLimits } from './filters.ts';
import { createStixIdCache, findObject } from './find-object.ts';
import { requireTaxiiAccept, sendTaxii, setDateAddedHeaders, taxiiErrors } from './http.ts';

export const TAXII_MOUNT = '/taxii2';
export const API_ROOT = 'c4tap';

export interface TaxiiDeps {
  readonly store: Store;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tokenSettings: TokenSettings;
  readonly exchange: ExchangeInfo;
  readonly limits: TaxiiLimits & { readonly rateLimit: RateLimit };
}

export function createTaxiiRouter(deps: TaxiiDeps): Router {
  const router = express.Router();
  const cache = createStixIdCache();
  const reader = { store: deps.store, exchange: deps.exchange, cache };

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(requireTaxiiAccept);
  router.use(authenticate(deps));
  router.use(rateLimitPerToken(deps.limits.rateLimit));

  /** The class of the collection in the path, or 404 when the caller may not read it. */
  const collectionClass = (req: Request, res: Response): SharingClass => {
    const cls = readableCollection(authOf(res).viewer, String(req.params['collection']));
    if (cls === null) throw new C4Error('NOT_FOUND', 'no such collection');
    return cls;
  };
  const auditRed = async (res: Response, cls: SharingClass, views: readonly IndicatorView[]) => {
    if (cls === 'RED') await auditRedReads(deps.audit, authOf(res).viewer, 'taxii', views);
  };
  const envelope = (entries: readonly TaxiiEntry[], more: boolean, next: string, shape: (e: TaxiiEntry) => unknown) => ({
    more,
    ...(more ? { next } : {}),
    ...(entries.length > 0 ? { objects: entries.map(shape) } : {}),
  });

  router.get('/', (_req, res) => {
    sendTaxii(res, {
      title: `${deps.exchange.name} TAXII 2.1`,
      description: 'Indicators of the C4TAP exchange, one collection per sharing class the caller may read.',
      default: `${TAXII_MOUNT}/${API_ROOT}/`,
      api_roots: [`${TAXII_MOUNT}/${API_ROOT}/`],
    });
  });

  const root = express.Router({ mergeParams: true });
  router.use(`/${API_ROOT}`, root);

  root.get('/', (_req, res) => {
    sendTaxii(res, {
      title: `${deps.exchange.name} indicators`,
      description: 'Read-only collections of published indicators per sharing class.',
      versions: [TAXII_MEDIA_TYPE],
      // Nothing can be posted here; TAXII requires the figure all the same.
      max_content_length: 0,
    });
  });

  root.get('/status/:status', () => {
    throw new C4Error('NOT_FOUND', 'no such status: this server accepts no objects');
  });

  root.get('/collections', (_req, res) => {
    const collections = collectionsFor(authOf(res).viewer);
    sendTaxii(res, collections.length > 0 ? { collections } : {});
  });

  root.get('/collections/:collection', (req, res) => sendTaxii(res, collectionOf(collectionClass(req, res))));

  root.get('/collections/:collection/objects', async (req, res) => {
    const cls = collectionClass(req, res);
    const filters = parseFilters(req.query as Record<string, unknown>, deps.limits);
    const page = await readCollectionPage(reader, authOf(res).viewer, cls, filters);
    cache.remember(page.entries);
    await auditRed(res, cls, page.views);
    setDateAddedHeaders(res, page.entries);
    sendTaxii(
      res,
      envelope(page.entries, page.more, page.next, (e) => e.object),
    );
  });

  root.get('/collections/:collection/manifest', async (req, res) => {
    const cls = collectionClass(req, res);
    const filters = parseFilters(req.query as Record<string, unknown>, deps.limits);
    const page = await readCollectionPage(reader, authOf(res).viewer, cls, filters);
    cache.remember(page.entries);
    setDateAddedHeaders(res, page.entries);
    sendTaxii(
      res,
      envelope(page.entries, page.more, page.next, (e) => ({ id: e.object.id, date_added: e.dateAdded, version: e.version, media_type: STIX_MEDIA_TYPE })),
    );
  });

  /** The object in the path if the caller may see it and it passes the request's filters. */
  const objectOf = async (req: Request, res: Response) => {
    const cls = collectionClass(req, res);
    const filters = parseFilters(req.query as Record<string, unknown>, deps.limits);
    const found = await findObject(reader, authOf(res).viewer, cls, String(req.params['object']));
    if (!found) throw new C4Error('NOT_FOUND', 'no such object in this collection');
    await auditRed(res, cls, found.view ? [found.view] : []);
    const kept = matches(found.entry, filters) && addedAfter(found.entry.dateAdded, filters.addedAfter);
    return kept ? [found.entry] : [];
  };

  root.get('/collections/:collection/objects/:object', async (req, res) => {
    const entries = await objectOf(req, res);
    setDateAddedHeaders(res, entries);
    sendTaxii(res, { more: false, ...(entries.length > 0 ? { objects: entries.map((e) => e.object) } : {}) });
  });

  root.get('/collections/:collection/objects/:object/versions', async (req, res) => {
    const entries = await objectOf(req, res);
    setDateAddedHeaders(res, entries);
    sendTaxii(res, { more: false, ...(entries.length > 0 ? { versions: entries.map((e) => e.version) } : {}) });
  });

  const readOnly = (req: Request, res: Response) => {
    collectionClass(req, res);
    throw new C4Error('FORBIDDEN', 'collections of this server are read-only');
  };
  root.post('/collections/:collection/objects', readOnly);
  root.delete('/collections/:collection/objects/:object', readOnly);

  router.use(() => {
    throw new C4Error('NOT_FOUND', 'no such TAXII resource');
  });
  router.use(taxiiErrors(deps.log));
  return router;
}
