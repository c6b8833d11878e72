// The queue page and its JSON twin for the auto-refresh (counts and how many new submissions
// match the filters since the newest one shown; the page itself is never reloaded by the script).
import express, { type Router } from 'express';
import { SUBMISSION_STATUSES, type Organisation } from '../../../core/types.ts';
import { requestContext } from '../context.ts';
import { isMessageKey } from '../i18n/index.ts';
import { queuePage } from '../pages/queue-page.ts';
import { PAGE_SIZE, parseQueueQuery } from '../queue-query.ts';
import type { ConsoleServices } from '../router.ts';
import { consoleTriageDeps, approve, reject, type ActionOutcome } from '../triage/actions.ts';
import { signedIn } from '../context.ts';
import { consoleUrl } from '../html.ts';
import { CONSOLE_PATH } from '../context.ts';
import { staffById } from '../submission/load.ts';

/** At most this many submissions per bulk decision (two pages of the queue). */
const BULK_MAX = 100;

/** A notice named in the query (after a redirect), only from the catalogue's notice.* keys. */
export function noticeFrom(query: unknown, t: ReturnType<typeof requestContext>['t'], all: Readonly<Record<string, unknown>> = {}): string | null {
  const params: Record<string, number> = {};
  for (const [k, v] of Object.entries(all)) if (k.startsWith('p.') && typeof v === 'string' && /^\d{1,9}$/.test(v)) params[k.slice(2)] = Number(v);
  return typeof query === 'string' && query.startsWith('notice.') && isMessageKey(query) ? t(query, params) : null;
}

export function queueRoutes({ deps }: ConsoleServices): Router {
  const router = express.Router();

  router.get('/queue', async (req, res) => {
    const rc = requestContext(res);
    const orgList = await deps.store.listOrganisations();
    const q = parseQueueQuery(req.query, rc.timeZone, orgList, signedIn(res).principal.id);
    const [counts, page, staff] = await Promise.all([
      deps.store.countSubmissionSearch(q.search),
      deps.store.searchSubmissions({ ...q.search, order: q.order, ...(q.status ? { status: [q.status] } : {}) }, { limit: PAGE_SIZE, cursor: q.cursor }),
      staffById(deps.store),
    ]);
    res.type('html').send(
      queuePage(rc, {
        query: q,
        counts,
        items: page.items,
        nextCursor: page.nextCursor,
        orgs: new Map<string, Organisation>(orgList.map((o) => [o.id, o])),
        staff,
        sectors: [...new Set(orgList.map((o) => o.sector))].sort(),
        refreshSeconds: deps.config.console.queueRefreshSeconds,
        notice: noticeFrom(req.query.notice, rc.t, req.query),
        now: deps.clock().toISOString(),
        bulk: Boolean(q.params.ioc || q.params.reach || q.params.suggested || q.params.q || q.params.yara || q.params.av),
      }),
    );
  });

  // One decision for every submission shown (a campaign found by an indicator, a mass mailing):
  // each goes through the same triage functions as a single approve or reject, victim gate included.
  router.post('/queue/bulk', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const ids = (Array.isArray(body.ids) ? body.ids : typeof body.ids === 'string' ? [body.ids] : [])
      .filter((x): x is string => typeof x === 'string')
      .slice(0, BULK_MAX);
    const action = body.action === 'reject' ? 'reject' : 'approve';
    const reason = typeof body.reason === 'string' ? body.reason.slice(0, 2000) : '';
    const actor = signedIn(res).principal;
    const tdeps = consoleTriageDeps(deps);
    let done = 0;
    let refused = 0;
    for (const id of ids) {
      const outcome: ActionOutcome = action === 'approve' ? await approve(tdeps, actor, id) : await reject(tdeps, actor, id, reason);
      if (outcome.kind === 'done') done++;
      else refused++;
    }
    deps.log.info({ event: 'console.bulk', action, done, refused }, 'bulk triage decision');
    const back = typeof body.back === 'string' && body.back.startsWith(`${CONSOLE_PATH}/queue`) ? body.back : `${CONSOLE_PATH}/queue`;
    const [path, query] = back.split('?');
    const params = Object.fromEntries(new URLSearchParams(query ?? ''));
    res.redirect(
      303,
      consoleUrl(path!, {
        ...params,
        notice: action === 'approve' ? 'notice.bulkApproved' : 'notice.bulkRejected',
        'p.done': String(done),
        'p.refused': String(refused),
      }),
    );
  });

  router.get('/queue.json', async (req, res) => {
    const rc = requestContext(res);
    const q = parseQueueQuery(req.query, rc.timeZone, await deps.store.listOrganisations(), signedIn(res).principal.id);
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
