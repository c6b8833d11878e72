// Exchange-level false positives: an analyst's judgement on an indicator (type and value), not on
// one submission's copy of it. Marking records the entry (FalsePositiveStore) and at once retracts
// every source of the indicator that the log publishes, at the class it was published under, so
// every surface reading the log (REST JSON/CSV/STIX, TAXII, MISP, digests) learns it is withdrawn.
// While the entry exists, publication.ts withholds the indicator from every submission, also from
// ones approved later. Unmarking removes the entry and republishes nothing: a source comes back
// when its submission is approved again (the result names those submissions). Both are audited.
import { C4Error } from '../core/errors.ts';
import type { FalsePositiveStore, IndicatorStore, NewPublication, PublicationLogStore, SharingReadStore, SubmissionStore } from '../core/store/port.ts';
import type { FalsePositiveEntry, PublicationEntry } from '../core/types.ts';
import { retractionOf } from './publication-plan.ts';
import type { PublicationDeps } from './publication.ts';

export interface MarkResult {
  readonly entry: FalsePositiveEntry;
  /** false when the indicator was marked already (the first entry stands). */
  readonly created: boolean;
  /** Retract entries this call appended (one per source that was published). */
  readonly retracted: readonly PublicationEntry[];
}

export interface UnmarkResult {
  readonly entry: FalsePositiveEntry;
  /** Published submissions with a source of the indicator: approving one again republishes its source. */
  readonly republishOnApprove: readonly string[];
}

/** Retract entries for every (indicator, submission) pair whose latest log entry publishes one of these indicators. */
async function retractPublished(
  store: SubmissionStore & IndicatorStore & PublicationLogStore & SharingReadStore & FalsePositiveStore,
  indicatorIds: readonly string[],
  now: string,
): Promise<readonly PublicationEntry[]> {
  if (indicatorIds.length === 0) return [];
  const planned: NewPublication[] = (await store.latestPublications(indicatorIds)).filter((e) => e.action === 'publish').map(retractionOf);
  return planned.length === 0 ? [] : store.appendPublications(planned, now);
}

const logged = (entries: readonly PublicationEntry[]) => entries.map((e) => ({ seq: e.seq, submissionId: e.submissionId, class: e.class }));

/**
 * Marks an indicator a false positive exchange-wide and retracts what is published of it. Marking
 * it again keeps the first entry and completes retractions a crash may have left undone.
 */
export async function markFalsePositive(deps: PublicationDeps, indicatorId: string, actor: string, reason: string): Promise<MarkResult> {
  const { store } = deps;
  const item = await store.getIndicator(indicatorId);
  if (!item) throw new C4Error('NOT_FOUND', `no indicator ${indicatorId}`);
  const now = deps.clock().toISOString();
  const { type, value } = item.indicator;
  // The entry first, then the log read: a publication racing with this mark either sees the entry
  // (and withholds) or appended before this read (and is retracted here).
  const { entry, created } = await store.markFalsePositive({ indicatorId, type, value, markedBy: actor, markedAt: now, reason });
  const retracted = await retractPublished(store, [indicatorId], now);
  if (created || retracted.length > 0) {
    await deps.audit({
      actor,
      action: 'false-positive.marked',
      target: indicatorId,
      data: { type, value, reason, created, before: created ? null : entry, after: entry, retracted: logged(retracted) },
    });
  }
  return { entry, created, retracted };
}

/** Removes the exchange-level entry (null when there was none); nothing is republished by this. */
export async function unmarkFalsePositive(deps: PublicationDeps, indicatorId: string, actor: string, reason: string): Promise<UnmarkResult | null> {
  const { store } = deps;
  const entry = await store.unmarkFalsePositive(indicatorId);
  if (!entry) return null;
  const item = await store.getIndicator(indicatorId);
  const republishOnApprove: string[] = [];
  for (const id of new Set((item?.sources ?? []).filter((s) => !s.falsePositive).map((s) => s.submissionId))) {
    if ((await store.getSubmission(id))?.status === 'published') republishOnApprove.push(id);
  }
  await deps.audit({
    actor,
    action: 'false-positive.unmarked',
    target: indicatorId,
    data: { type: entry.type, value: entry.value, reason, before: entry, after: null, republishOnApprove },
  });
  return { entry, republishOnApprove: republishOnApprove.sort() };
}

/**
 * After a publication appended entries: retracts those whose indicator was marked while the
 * publication ran (it read the marks before the mark's retraction read the log).
 */
export async function retractLateMarks(
  store: SubmissionStore & IndicatorStore & PublicationLogStore & SharingReadStore & FalsePositiveStore,
  appended: readonly PublicationEntry[],
  now: string,
): Promise<readonly PublicationEntry[]> {
  const ids = [...new Set(appended.filter((e) => e.action === 'publish').map((e) => e.indicatorId))];
  if (ids.length === 0) return [];
  return retractPublished(store, await store.markedFalsePositives(ids), now);
}
