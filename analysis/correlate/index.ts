// Correlation and clustering: the only analysis step with store side effects.
//
//   await store.upsertIndicators(sub.id, sub.orgId, now, toIndicatorInputs(sanitized.indicators, sub.classes));
//   const correlation = await correlateSubmission(store, sub.id);
//       relations: every indicator another submission shares, with all those sources (raw: the
//       sharing class policy filters per viewer); related: submissions linked by indicators that
//       are neither warning-listed nor false positive (for RED viewers).
//   const cluster = await clusterSubmission(store, {
//     submissionId: sub.id, orgId: sub.orgId, seenAt: now,
//     features: clusterFeaturesOf(sanitized.indicators, sanitized.subject, Object.values(rules.placeholders)),
//     recipients: recipientProfileOf(item.headers, rules.genericLocalParts),
//   });
//       records this submission's features, finds submissions sharing any of them within
//       `windowDays` (default 90), and labels the cluster mass / targeted / undetermined with the
//       evidence (RED-level: for analysts).
import type { ClusterStore, DirectoryStore, IndicatorStore } from '../../core/store/port.ts';
import type { ClusterFeature } from '../../core/types.ts';
import { classifyCluster, DEFAULT_CLUSTER_THRESHOLDS, type ClusterLabel, type ClusterMember, type ClusterThresholds } from './cluster.ts';
import type { RecipientProfile } from './features.ts';

export interface ClusterRequest {
  readonly submissionId: string;
  readonly orgId: string;
  /** ISO time the submission's features are recorded at (its analysis time). */
  readonly seenAt: string;
  readonly features: readonly ClusterFeature[];
  readonly recipients: RecipientProfile;
  readonly windowDays?: number;
  readonly thresholds?: ClusterThresholds;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows read per feature: a mass mailing's cluster is recognisable long before this. */
export const MAX_MATCHES_PER_FEATURE = 200;

export async function clusterSubmission(store: DirectoryStore & IndicatorStore & ClusterStore, req: ClusterRequest): Promise<ClusterLabel> {
  const seenFrom = new Date(Date.parse(req.seenAt) - (req.windowDays ?? 90) * DAY_MS).toISOString();
  // The search leaves this submission out, so it need not wait for this submission's features to
  // be committed: the write and the read run side by side.
  const [, matches] = await Promise.all([
    store.putClusterFeatures(req.submissionId, req.orgId, req.seenAt, req.features),
    store.findClusterFeatures({
      features: req.features,
      excludeSubmissionId: req.submissionId,
      seenFrom,
      limitPerFeature: MAX_MATCHES_PER_FEATURE,
    }),
  ]);
  const bySubmission = new Map<string, { orgId: string; shared: ClusterFeature[] }>();
  for (const m of matches) {
    const entry = bySubmission.get(m.submissionId) ?? { orgId: m.orgId, shared: [] };
    if (!entry.shared.some((f) => f.type === m.type && f.value === m.value)) entry.shared.push({ type: m.type, value: m.value });
    bySubmission.set(m.submissionId, entry);
  }
  const sectors = new Map<string, string | null>();
  for (const orgId of new Set([req.orgId, ...[...bySubmission.values()].map((e) => e.orgId)])) {
    sectors.set(orgId, (await store.getOrganisation(orgId))?.sector ?? null);
  }
  const members: ClusterMember[] = [...bySubmission].map(([submissionId, e]) => ({
    submissionId,
    orgId: e.orgId,
    sector: sectors.get(e.orgId) ?? null,
    shared: e.shared,
  }));
  return classifyCluster(
    { orgId: req.orgId, sector: sectors.get(req.orgId) ?? null, recipients: req.recipients, members },
    req.thresholds ?? DEFAULT_CLUSTER_THRESHOLDS,
  );
}

export {
  classifyCluster,
  DEFAULT_CLUSTER_THRESHOLDS,
  type ClusterInput,
  type ClusterLabel,
  type ClusterLabelKind,
  type ClusterMember,
  type ClusterThresholds,
} from './cluster.ts';
export { clusterFeaturesOf, recipientProfileOf, subjectTemplate, type RecipientProfile } from './features.ts';
export { correlateSubmission, type Correlation, type IndicatorRelation, type RelatedSubmission } from './related.ts';
export { storedWarningLists, toIndicatorInputs, type StoredContext } from './store-inputs.ts';
