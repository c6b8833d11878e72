// Role port: clustering features of submissions (analysis/correlate: mass mailing vs targeted).
import type { ClusterFeature, ClusterFeatureType, SubmissionFeature } from '../../types.ts';

export interface ClusterFeatureQuery {
  /** Features to look for (type and value equal). */
  readonly features: readonly ClusterFeature[];
  /** Leave this submission's own features out. */
  readonly excludeSubmissionId?: string;
  /** Only features seen at or after this ISO time. */
  readonly seenFrom?: string;
  /** At most this many rows per feature, newest first. */
  readonly limitPerFeature: number;
}

export interface SharedFeatureQuery {
  /** Only features seen at or after this ISO time. */
  readonly seenFrom: string;
  /** Only features of these types. */
  readonly types: readonly ClusterFeatureType[];
  /** At most this many rows, newest first. */
  readonly limit: number;
}

export interface ClusterStore {
  /** Replaces the clustering features of a submission (idempotent). */
  putClusterFeatures(submissionId: string, orgId: string, seenAt: string, features: readonly ClusterFeature[]): Promise<void>;
  /** Features of submissions equal to any of the query's, newest first, bounded per feature. */
  findClusterFeatures(query: ClusterFeatureQuery): Promise<readonly SubmissionFeature[]>;
  /** Every row of a feature (of the query's types, seen in its window) that two or more submissions share there: what campaigns are built from, newest first, bounded. */
  listSharedClusterFeatures(query: SharedFeatureQuery): Promise<readonly SubmissionFeature[]>;
  /** The clustering features recorded for one submission, by type and value. */
  listClusterFeatures(submissionId: string): Promise<readonly SubmissionFeature[]>;
}
