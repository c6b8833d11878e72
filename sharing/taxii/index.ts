// TAXII 2.1 server: the public surface for the composition root.
export { API_ROOT, TAXII_MOUNT, createTaxiiRouter, type TaxiiDeps } from './router.ts';
export { collectionId, collectionOf, collectionsFor, type TaxiiCollection } from './collections.ts';
export type { TaxiiLimits } from './filters.ts';
