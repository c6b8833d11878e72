// Public surface of sharing/: class policy, views, publication, the feed and the REST API.
export {
  audienceOf,
  canSee,
  canSeeKind,
  isRegistered,
  mayReceiveSample,
  narrow,
  narrowClasses,
  seesAllClasses,
  visibleKinds,
  visibleScope,
} from './class-policy.ts';
export type { Audience, NarrowOutcome, Shareable, VisibleScope } from './class-policy.ts';
export { classRank, isWider, narrowest, widest } from '../core/class-order.ts';
export { viewOf, type IndicatorView, type ViewContext } from './indicator-view.ts';
export { loadViewer, type Viewer } from './viewer.ts';
export { publishSubmission, rejectSubmission, retract, type PublicationDeps, type PublicationResult } from './publication.ts';
export { markFalsePositive, unmarkFalsePositive, type MarkResult, type UnmarkResult } from './false-positives.ts';
export { DEFAULT_VIEW_RULES, visibleSectors, WITHHELD_SECTOR, type ViewRules } from './sector-privacy.ts';
export { publishedViews, readFeed, readIndicator, type FeedItem, type FeedPage, type FeedQuery } from './feed.ts';
export { reportSighting, type SightingOutcome, type SightingReport } from './sightings.ts';
export { auditRedReads } from './red-read-audit.ts';
export { API_MOUNT, createApiRouter } from './api/router.ts';
export type { ApiDeps, ApiLimits } from './api/deps.ts';
export type { FeedFormatter, FormatName } from './api/formats.ts';
