// CSV for participants' blocklists: one row per indicator, a header row, RFC 4180 quoting, and
// cells that a spreadsheet would take for a formula (=, +, -, @, tab, CR and their full-width
// forms) prefixed with a quote by csv-stringify's escape_formulas.
import { stringify } from 'csv-stringify/sync';
import type { FeedItem, FeedPage } from '../feed.ts';
import type { IndicatorView } from '../indicator-view.ts';
import type { FeedFormatter } from './formats.ts';
import { feedItemJson, indicatorJson, type FeedItemJson, type IndicatorJson } from './representation.ts';

/** Columns of a single indicator; a page adds the FEED_COLUMNS in front. */
export const INDICATOR_COLUMNS = [
  'id',
  'type',
  'value',
  'class',
  'kinds',
  'first_seen',
  'last_seen',
  'submissions',
  'sectors',
  'sightings',
  'false_positive',
] as const;
export const FEED_COLUMNS = ['seq', 'action', 'published_at', ...INDICATOR_COLUMNS] as const;

function row(j: IndicatorJson | FeedItemJson): Record<string, string | number> {
  return { ...j, kinds: j.kinds.join(';'), sectors: j.sectors.join(';'), false_positive: j.false_positive ? 'true' : 'false' };
}

function csv(rows: readonly Record<string, string | number>[], columns: readonly string[]): string {
  return stringify([...rows], { header: true, columns: [...columns], escape_formulas: true, record_delimiter: 'windows' });
}

/** Feed items as CSV with the FEED_COLUMNS (the API's pages, the digests' attachments). */
export function feedCsv(items: readonly FeedItem[]): string {
  return csv(items.map((i) => row(feedItemJson(i))), FEED_COLUMNS);
}

export const csvFormatter: FeedFormatter = {
  name: 'csv',
  contentType: 'text/csv; charset=utf-8; header=present',
  page: (page: FeedPage) => feedCsv(page.items),
  one: (view: IndicatorView) => csv([row(indicatorJson(view))], INDICATOR_COLUMNS),
};
