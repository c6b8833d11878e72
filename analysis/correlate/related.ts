// Correlation: an indicator of this submission that other submissions also have links them. Raw
// relations with every source's organisation and class: who may see which relation (RED viewers
// see related submissions; counts are computed from the sources visible to each viewer) is the
// sharing class policy's decision (sharing/), not this module's.
import type { IndicatorStore } from '../../core/store/port.ts';
import type { IndicatorSource, IndicatorType } from '../../core/types.ts';
import { storedWarningLists } from './store-inputs.ts';

export interface IndicatorRelation {
  readonly indicatorId: string;
  readonly type: IndicatorType;
  readonly value: string;
  /** Warning-listed in this submission (benign or special infrastructure): shown, links nothing. */
  readonly warningListed: boolean;
  /** This submission's source is marked false positive: shown, links nothing. */
  readonly falsePositive: boolean;
  /** The sources of the other submissions. */
  readonly others: readonly IndicatorSource[];
}

export interface RelatedSubmission {
  readonly submissionId: string;
  readonly orgId: string;
  /** Indicators shared with it that link (neither warning-listed nor false positive on either side). */
  readonly indicatorIds: readonly string[];
}

export interface Correlation {
  readonly submissionId: string;
  /** Every indicator of this submission that another submission has too. */
  readonly relations: readonly IndicatorRelation[];
  /** Submissions linked by at least one linking indicator, most shared indicators first. */
  readonly related: readonly RelatedSubmission[];
}

/** Relations of a stored submission's indicators (one store query). */
export async function correlateSubmission(store: IndicatorStore, submissionId: string): Promise<Correlation> {
  const listed = await store.listIndicatorsForSubmission(submissionId);
  const relations: IndicatorRelation[] = [];
  const related = new Map<string, { submissionId: string; orgId: string; indicatorIds: string[] }>();
  for (const { indicator, sources } of listed) {
    const own = sources.find((s) => s.submissionId === submissionId);
    const others = sources.filter((s) => s.submissionId !== submissionId);
    if (others.length === 0) continue;
    const relation: IndicatorRelation = {
      indicatorId: indicator.id,
      type: indicator.type,
      value: indicator.value,
      warningListed: own ? storedWarningLists(own.context).length > 0 : false,
      falsePositive: own?.falsePositive ?? false,
      others,
    };
    relations.push(relation);
    if (relation.warningListed || relation.falsePositive) continue;
    for (const s of others) {
      if (s.falsePositive || storedWarningLists(s.context).length > 0) continue;
      const entry = related.get(s.submissionId) ?? { submissionId: s.submissionId, orgId: s.orgId, indicatorIds: [] };
      entry.indicatorIds.push(indicator.id);
      related.set(s.submissionId, entry);
    }
  }
  const sorted = [...related.values()].sort((a, b) => b.indicatorIds.length - a.indicatorIds.length || a.submissionId.localeCompare(b.submissionId));
  return { submissionId, relations, related: sorted };
}
