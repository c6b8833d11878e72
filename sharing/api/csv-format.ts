// CSV for participants' blocklists: one row per indicator, a header row, CRLF records.
//
// Two flavours (issue 15):
//   - `csv` (default): RFC 4180 with the raw values, so a blocklist importer gets exactly what the
//     JSON says. Every cell holding CR, LF, the delimiter or a quote is quoted (csv-stringify's own
//     test only looks for the record delimiter, so a bare LF or CR is forced by `quoted_match`).
//   - `excel` (`?excel=1`): for a spreadsheet, e.g. Excel on Japanese Windows: a UTF-8 BOM, and
//     cells a spreadsheet would take for a formula (leading =, +, -, @, tab, CR and their
//     full-width forms) escaped as OWASP recommends: prefixed with a single quote and quoted.
import { stringify } from 'csv-stringify/sync';
import type { FeedItem, FeedPage } from '../feed.ts';
import type { IndicatorView } from '../indicator-view.ts';
import type { FeedFormatter } from './formats.ts';
import { feedItemJson, indicatorJson, type FeedItemJson, type IndicatorJson } from './representation.ts';

export type CsvFlavour = 'raw' | 'excel';

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

const UTF8_BOM = '\uFEFF';
/** What a spreadsheet takes for the start of a formula (OWASP CSV injection, plus full-width forms). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** Cells that must be quoted: CR or LF anywhere, the delimiter, a quote; in excel also an escaped formula. */
const MUST_QUOTE = /[\r\n,"]/;
const ESCAPED_FORMULA = /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A cell as the spreadsheet flavour writes it: formula-leading text prefixed with a single quote. */
export function excelCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function row(j: IndicatorJson | FeedItemJson, flavour: CsvFlavour): Record<string, string | number> {
  const cells: Record<string, string | number> = {
    ...j,
    kinds: j.kinds.join(';'),
    sectors: j.sectors.join(';'),
    false_positive: j.false_positive ? 'true' : 'false',
  };
  if (flavour === 'raw') return cells;
  return Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, typeof v === 'string' ? excelCell(v) : v]));
}

function csv(rows: readonly Record<string, string | number>[], columns: readonly string[], flavour: CsvFlavour): string {
  const text = stringify([...rows], {
    header: true,
    columns: [...columns],
    record_delimiter: 'windows',
    quoted_match: flavour === 'excel' ? [MUST_QUOTE, ESCAPED_FORMULA] : [MUST_QUOTE],
  });
  return flavour === 'excel' ? UTF8_BOM + text : text;
}

/** Feed items as CSV with the FEED_COLUMNS (the API's pages, the digests' attachments). */
export function feedCsv(items: readonly FeedItem[], flavour: CsvFlavour = 'raw'): string {
  return csv(
    items.map((i) => row(feedItemJson(i), flavour)),
    FEED_COLUMNS,
    flavour,
  );
}

function csvFormatterOf(flavour: CsvFlavour): FeedFormatter {
  return {
    name: 'csv',
    contentType: 'text/csv; charset=utf-8; header=present',
    page: (page: FeedPage) => feedCsv(page.items, flavour),
    one: (view: IndicatorView) => csv([row(indicatorJson(view), flavour)], INDICATOR_COLUMNS, flavour),
  };
}

export const csvFormatter: FeedFormatter = csvFormatterOf('raw');
/** `?excel=1`: the same rows for a spreadsheet (BOM, formula-leading cells escaped). */
export const excelCsvFormatter: FeedFormatter = csvFormatterOf('excel');
