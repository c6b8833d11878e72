// Representations of indicator pages and single indicators, chosen by `format=` or the Accept
// header. Formats are plugged in: JSON and CSV are built in; the STIX 2.1 exporter registers its
// own formatter under the name `stix` (until then a STIX request answers 406).
import type { Request } from 'express';
import { C4Error } from '../../core/errors.ts';
import type { FeedPage } from '../feed.ts';
import type { IndicatorView } from '../indicator-view.ts';
import type { Viewer } from '../viewer.ts';
import { feedPageJson, indicatorJson } from './representation.ts';
import { csvFormatter } from './csv-format.ts';

/**
 * One representation. It gets the views exactly as the caller may see them, and the caller
 * (an exporter that reads more from the store must apply the class policy for this viewer too).
 */
export interface FeedFormatter {
  /** Value of `format=`: one of FORMAT_NAMES. */
  readonly name: FormatName;
  /** Content-Type of the responses. */
  readonly contentType: string;
  page(page: FeedPage, viewer: Viewer | null): string | Promise<string>;
  one(view: IndicatorView, viewer: Viewer | null): string | Promise<string>;
}

/** Every format the API knows, with the media types that select it; first is the default. */
export const FORMATS = [
  { name: 'json', mediaTypes: ['application/json'] },
  { name: 'csv', mediaTypes: ['text/csv'] },
  // With the version parameter too: negotiation matches parameters, and STIX clients send them.
  { name: 'stix', mediaTypes: ['application/stix+json', 'application/stix+json;version=2.1', 'application/taxii+json', 'application/taxii+json;version=2.1'] },
] as const;
export type FormatName = (typeof FORMATS)[number]['name'];
export const FORMAT_NAMES: readonly FormatName[] = FORMATS.map((f) => f.name);

export const jsonFormatter: FeedFormatter = {
  name: 'json',
  contentType: 'application/json; charset=utf-8',
  page: (page) => JSON.stringify(feedPageJson(page)),
  one: (view) => JSON.stringify(indicatorJson(view)),
};

export const BUILT_IN_FORMATTERS: readonly FeedFormatter[] = [jsonFormatter, csvFormatter];

/**
 * The formatter for this request: `format=` wins over Accept. A known format that is not
 * registered yet, or an Accept header that names none we produce, is NOT_ACCEPTABLE (406).
 */
export function negotiate(req: Request, requested: FormatName | undefined, formatters: ReadonlyMap<FormatName, FeedFormatter>): FeedFormatter {
  let name = requested;
  if (!name) {
    const mediaTypes = FORMATS.flatMap((f) => f.mediaTypes);
    const best = req.accepts(mediaTypes);
    if (!best) throw new C4Error('NOT_ACCEPTABLE', `no acceptable representation; this endpoint produces ${mediaTypes.join(', ')}`);
    name = FORMATS.find((f) => (f.mediaTypes as readonly string[]).includes(best))!.name;
  }
  const formatter = formatters.get(name);
  if (!formatter) throw new C4Error('NOT_ACCEPTABLE', `format "${name}" is not available on this exchange yet`, { format: name });
  return formatter;
}
