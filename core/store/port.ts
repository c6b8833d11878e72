// The store port: every query the rest of the system makes, as one role port per concern
// (core/store/ports/*.ts). `Store` is their intersection; a consumer declares the roles it uses
// (e.g. `SubmissionStore & JobStore`), so its type says which records it may touch. Adapters
// (SQLite, MongoDB) implement each role in one module (sqlite-<role>.ts, mongo-<role>.ts), only
// translating; every role has its contract suite (test/contracts/store-<role>.contract.ts) that
// both adapters pass.
//
// Rules every adapter keeps:
// - a method resolves only once its write is durable (SQLite: committed with synchronous=FULL;
//   MongoDB: acknowledged with the configured write concern);
// - expected outcomes are values (`null` for not found); broken invariants throw C4Error;
// - no method needs a multi-document transaction for correctness (MongoDB adapter).
import type { AuditStore } from './ports/audit.ts';
import type { ClusterStore } from './ports/clusters.ts';
import type { ConsoleStore } from './ports/console.ts';
import type { DigestStore } from './ports/digests.ts';
import type { DirectoryStore } from './ports/directory.ts';
import type { DrillStore } from './ports/drills.ts';
import type { FalsePositiveStore } from './ports/false-positives.ts';
import type { FeedViewStore } from './ports/feed-views.ts';
import type { IndicatorStore } from './ports/indicators.ts';
import type { JobStore } from './ports/jobs.ts';
import type { PublicationLogStore } from './ports/publications.ts';
import type { SampleStore } from './ports/samples.ts';
import type { SharingReadStore } from './ports/sharing.ts';
import type { SubmissionStore } from './ports/submissions.ts';
import type { TriageWorkStore } from './ports/triage-work.ts';

export type * from './ports/audit.ts';
export type * from './ports/clusters.ts';
export type * from './ports/console.ts';
export type * from './ports/digests.ts';
export type * from './ports/directory.ts';
export type * from './ports/drills.ts';
export type * from './ports/false-positives.ts';
export type * from './ports/feed-views.ts';
export type * from './ports/indicators.ts';
export type * from './ports/jobs.ts';
export type * from './ports/publications.ts';
export type * from './ports/samples.ts';
export type * from './ports/sharing.ts';
export type * from './ports/submissions.ts';
export type * from './ports/triage-work.ts';

export interface StoreCounts {
  readonly organisations: number;
  readonly principals: number;
  readonly submissions: number;
  readonly samples: number;
  readonly indicators: number;
  readonly indicatorSources: number;
  readonly publications: number;
  readonly jobs: number;
  readonly auditEvents: number;
  readonly drills: number;
  readonly drillNotices: number;
  readonly digestSubscriptions: number;
  readonly digestDeliveries: number;
  readonly falsePositives: number;
  readonly submissionNotes: number;
}

/** The store as a whole: which backend, how many records of each kind (migration checks), closing. */
export interface StoreHandle {
  readonly backend: 'sqlite' | 'mongodb';
  counts(): Promise<StoreCounts>;
  close(): Promise<void>;
}

/** Every role: what composition roots (bin/) open and hand out, each consumer taking the roles it uses. */
export type Store = DirectoryStore &
  SubmissionStore &
  SampleStore &
  IndicatorStore &
  PublicationLogStore &
  SharingReadStore &
  FeedViewStore &
  ClusterStore &
  JobStore &
  AuditStore &
  ConsoleStore &
  DrillStore &
  DigestStore &
  FalsePositiveStore &
  TriageWorkStore &
  StoreHandle;
