// The store queries the TAXII server uses (the feed's, the STIX exporter's and the raw log for
// finding an object by id).
import type { Store } from '../../core/store/port.ts';
import type { FeedStore } from '../feed.ts';
import type { StixExportStore } from '../stix/index.ts';

export type TaxiiStore = FeedStore & StixExportStore & Pick<Store, 'listPublications' | 'getIndicators'>;
