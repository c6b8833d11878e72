// Reads what a STIX export of some views needs beyond the views themselves: the latest log entry
// of each source (object versions) and the sightings the viewer may see.
import type { Store } from '../../core/store/port.ts';
import { canSee } from '../class-policy.ts';
import type { IndicatorView } from '../indicator-view.ts';
import type { Viewer } from '../viewer.ts';
import { viewsBundle, type ViewExportContext } from './bundle.ts';
import type { ExchangeInfo } from './identity.ts';
import type { StixBundle } from './types.ts';

export type StixExportStore = Pick<Store, 'latestPublications' | 'listSightings'>;

export async function exportContext(store: StixExportStore, viewer: Viewer | null, indicatorIds: readonly string[]): Promise<ViewExportContext> {
  if (indicatorIds.length === 0) return { latest: [], sightings: [] };
  const [latest, sightings] = await Promise.all([store.latestPublications(indicatorIds), store.listSightings(indicatorIds)]);
  return { latest, sightings: sightings.filter((s) => canSee(viewer, s)) };
}

/** A STIX bundle of these views (as this viewer sees them) for one request. */
export async function stixBundleFor(
  store: StixExportStore,
  viewer: Viewer | null,
  views: readonly IndicatorView[],
  exchange: ExchangeInfo,
): Promise<StixBundle> {
  return viewsBundle(
    views,
    await exportContext(
      store,
      viewer,
      views.map((v) => v.id),
    ),
    exchange,
  );
}
