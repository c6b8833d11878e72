// The queue page and its JSON twin for the auto-refresh (counts and how many new submissions
// match the filters since the newest one shown; the page itself is never reloaded by the script).
import express, { type Router } from 'express';
import { SUBMISSION_STATUSES, type Organisation } from '../../../core/types.ts';
import { requestContext } from '../context.ts';
import { isMessageKey } from '../i18n/index.ts';
import { queuePage } from '../pages/queue-page.ts';
import { PAGE_SIZE, parseQueueQuery } from '../queue-query.ts';
import type { ConsoleServices } from '../router.ts';

/** A notice named in the query (after a redirect), only from the catalogue's notice.* keys. */
export function noticeFrom(query: unknown, t: ReturnType<typeof requestContext>['t']): string | null {
  return typeof query === 'string' && query.startsWith('notice.') && isMessageKey(query) ? t(query) : null;
}

export function queueRoutes({ deps }: ConsoleServices): Router {
  const router = express.Router();

  router.get('/queue', async (req, res) => {
    const rc = requestContext(res);
    const orgList = await deps.store.listOrganisations();
    const q = parseQueueQuery(req.query, rc.timeZone, orgList);
    const [counts, page] = await Promise.all([
      deps.store.countSubmissionSearch(q.search),
      deps.store.searchSubmissions({ ...q.search, order: q.order, ...(q.status ? { status: [q.status] } : {}) }, { limit: PAGE_SIZE, cursor: q.cursor }),
    ]);
    res.type('html').send(
      queuePage(rc, {
        query: q,
        counts,
        items: page.items,
        nextCursor: page.nextCursor,
        orgs: new Map<string, Organisation>(orgList.map((o) => [o.id, o])),
        sectors: [...new Set(orgList.map((o) => o.sector))].sort(),
        refreshSeconds: deps.config.console.queueRefreshSeconds,
        notice: noticeFrom(req.query.notice, rc.t),
        now: deps.clock().toISOString(),
      }),
    );
  });

  router.get('/queue.json', async (req, res) => {
    const rc = requestContext(res);
    const q = parseQueueQuery(req.query, rc.timeZone, await deps.store.listOrganisations());
    const counts = await deps.store.countSubmissionSearch(q.search);
    const since = typeof req.query.since === 'string' && !Number.isNaN(Date.parse(req.query.since)) ? new Date(Date.parse(req.query.since) + 1) : null;
    let newer = 0;
    if (since) {
      const from = q.search.receivedFrom && q.search.receivedFrom > since.toISOString() ? q.search.receivedFrom : since.toISOString();
      const after = await deps.store.countSubmissionSearch({ ...q.search, receivedFrom: from });
      newer = q.status ? after[q.status] : SUBMISSION_STATUSES.reduce((n, s) => n + after[s], 0);
    }
    res.json({ counts, newer });
  });

  return router;
}
