// The `stix` representation of the REST API (`format=stix` or `Accept: application/stix+json`):
// one STIX 2.1 bundle per request, of the page's or the single indicator's views.
import type { FeedFormatter } from '../api/formats.ts';
import { stixBundleFor, type StixExportStore } from './export.ts';
import type { ExchangeInfo } from './identity.ts';
import { STIX_MEDIA_TYPE } from './types.ts';

export function stixFormatter(deps: { readonly store: StixExportStore; readonly exchange: ExchangeInfo }): FeedFormatter {
  return {
    name: 'stix',
    contentType: STIX_MEDIA_TYPE,
    page: async (page, viewer) =>
      JSON.stringify(
        await stixBundleFor(
          deps.store,
          viewer,
          page.items.map((i) => i.view),
          deps.exchange,
        ),
      ),
    one: async (view, viewer) => JSON.stringify(await stixBundleFor(deps.store, viewer, [view], deps.exchange)),
  };
}
