// MISP feed export: the public surface for the composition root.
export { MISP_MOUNT, createMispRouter, type MispDeps } from './router.ts';
export { DISTRIBUTION, attributeTypeOf, tagsFor } from './mapping.ts';
export { eventUuid, mispFeed, type MispEvent, type MispFeed } from './events.ts';
