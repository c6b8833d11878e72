// GET /indicators (the incremental pull) and GET /indicators/:id. An indicator the reader may not
// see is 404, never 403: its existence is itself information.
import type { Router } from 'express';
import { z } from 'zod';
import { C4Error } from '../../core/errors.ts';
import { INDICATOR_TYPES } from '../../core/types.ts';
import { readFeed, readIndicator } from '../feed.ts';
import { readFeedJson } from '../feed-json.ts';
import { storeFeedViews } from '../feed-views.ts';
import { auditRedIndicators, auditRedReads } from '../red-read-audit.ts';
import type { ApiDeps } from './deps.ts';
import { authOf } from './auth.ts';
import { excelCsvFormatter } from './csv-format.ts';
import { FORMAT_NAMES, negotiate, type FeedFormatter, type FormatName } from './formats.ts';
import { classList, isoTime, listOf, parseWith, queryInt } from './params.ts';

const formatParam = z.enum(FORMAT_NAMES as [FormatName, ...FormatName[]]).optional();
/** `excel=1`: CSV for a spreadsheet (UTF-8 BOM, formula-leading cells escaped); `excel=0` is the default. */
const excelParam = z.enum(['0', '1']).optional();

/**
 * The formatter for this request. `excel=1` means CSV in its spreadsheet flavour: it selects CSV
 * when no format is named and is refused beside another format (it would be silently ignored).
 */
function chooseFormatter(
  req: Parameters<typeof negotiate>[0],
  q: { format?: FormatName | undefined; excel?: '0' | '1' | undefined },
  formatters: ReadonlyMap<FormatName, FeedFormatter>,
): FeedFormatter {
  if (q.excel !== '1') return negotiate(req, q.format, formatters);
  if (q.format !== undefined && q.format !== 'csv') {
    throw new C4Error('VALIDATION_FAILED', `invalid query: excel=1 is a CSV option and cannot be combined with format=${q.format}`, {
      problems: [`excel: only with format=csv`],
    });
  }
  return excelCsvFormatter;
}

export function indicatorRoutes(router: Router, deps: ApiDeps, formatters: ReadonlyMap<FormatName, FeedFormatter>): void {
  const feedQuery = z.strictObject({
    since: queryInt(0).default(0),
    limit: queryInt(1, deps.limits.maxPageSize).default(deps.limits.defaultPageSize),
    type: listOf(INDICATOR_TYPES, (s) => s.toLowerCase()).optional(),
    class: classList.optional(),
    updated_after: isoTime.optional(),
    format: formatParam,
    excel: excelParam,
  });

  router.get('/indicators', async (req, res) => {
    const q = parseWith(feedQuery, req.query, 'query');
    const formatter = chooseFormatter(req, q, formatters);
    const { viewer } = authOf(res);
    const query = {
      since: q.since,
      limit: q.limit,
      ...(q.type ? { types: q.type } : {}),
      ...(q.class ? { classes: q.class } : {}),
      ...(q.updated_after ? { updatedAfter: q.updated_after } : {}),
    };
    if (formatter.name === 'json') {
      // The page from the views stored at publication (feed-json.ts); the views a change made
      // stale are stored again after the answer, off the request's path.
      const page = await readFeedJson(deps.store, viewer, query, deps.viewRules);
      await auditRedIndicators(deps.audit, viewer, 'api.indicators', page.red);
      res.set('C4TAP-Next-Since', String(page.next)).set('C4TAP-More', String(page.more));
      // The bytes as they are, without an ETag: the answer is no-store and differs per reader, and
      // hashing every page of 1,000 items (res.send does) costs the pull more than it could save.
      res.type(formatter.contentType).set('Content-Length', String(page.body.length)).end(page.body);
      if (page.stale.length > 0) {
        storeFeedViews(deps.store, page.stale, page.basis).catch((err: unknown) =>
          deps.log.warn({ event: 'api.feed_views_not_stored', err, indicators: page.stale.length }, 'stale feed views not stored again'),
        );
      }
      return;
    }
    const page = await readFeed(deps.store, viewer, query, deps.viewRules);
    await auditRedReads(
      deps.audit,
      viewer,
      'api.indicators',
      page.items.map((i) => i.view),
    );
    res.set('C4TAP-Next-Since', String(page.next)).set('C4TAP-More', String(page.more));
    res.type(formatter.contentType).send(await formatter.page(page, viewer));
  });

  router.get('/indicators/:id', async (req, res) => {
    const q = parseWith(z.strictObject({ format: formatParam, excel: excelParam }), req.query, 'query');
    const formatter = chooseFormatter(req, q, formatters);
    const { viewer } = authOf(res);
    const view = await readIndicator(deps.store, viewer, String(req.params['id']), deps.viewRules);
    if (!view) throw new C4Error('NOT_FOUND', 'no such indicator');
    await auditRedReads(deps.audit, viewer, 'api.indicator', [view]);
    res.type(formatter.contentType).send(await formatter.one(view, viewer));
  });
}
