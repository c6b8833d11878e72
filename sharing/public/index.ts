// Public WHITE feed: the public surface for the composition root.
export { PUBLIC_MOUNT, createPublicFeedRouter, type PublicFeedDeps } from './router.ts';
