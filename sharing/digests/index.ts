// Digest delivery: subscriptions, schedules, the channel policy, the run and its scheduler, and the
// authenticated files link. The content of one message is in content/.
export { digestChannel, loadChannelPolicy, optInProblem, type ChannelPolicy, type DigestChannel } from './channels.ts';
export { loadSchedules, latestSlot, nextSlot, isDue, type Schedule, type Schedules } from './schedules.ts';
export { subscribe, unsubscribe, type SubscribeRequest, type SubscriptionDeps } from './subscriptions.ts';
export { runDigests, type DigestDeps, type DigestExchange, type RunOptions, type SubscriptionOutcome } from './run.ts';
export { startDigestScheduler, type DigestScheduler } from './scheduler.ts';
export { DIGEST_FILES_MOUNT, createDigestFilesRouter, type DigestFilesDeps } from './files-route.ts';
export { digestSealKey, filesLink } from './recipient.ts';
export { deliveryId, digestMessageId } from './delivery-id.ts';
