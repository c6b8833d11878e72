// STIX 2.1 export: the public surface for the API, TAXII and the public feed.
export { C4TAP_STIX_NAMESPACE, STIX_SCO_NAMESPACE, authoredId, indicatorStixId, scoId, sightingStixId } from './ids.ts';
export { CLASS_MARKINGS, TLP2_MARKINGS, markingRefsFor, markingsFor } from './markings.ts';
export { exchangeIdentity, type ExchangeInfo } from './identity.ts';
export { patternOf, observableOf, patternString } from './patterns.ts';
export { primaryClass, sightingSlices, sliceAt, type IndicatorSlice, type SightingSlice } from './slice.ts';
export { indicatorObjects, sightingObject } from './objects.ts';
export { bundleOf, latestMap, staticObjects, supportingObjects, viewObjects, viewsBundle, type ViewExportContext } from './bundle.ts';
export { exportContext, stixBundleFor, type StixExportStore } from './export.ts';
export { STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE, type StixBundle, type StixObject } from './types.ts';
export { stixFormatter } from './api-format.ts';
