// Approving, rejecting and retracting: the one place that writes the publication log. The triage
// steps (sharing/triage, used by the console and the REST API) call these functions.
import type { AuditAppender } from '../core/audit.ts';
import { C4Error } from '../core/errors.ts';
import type { Clock } from '../core/ids.ts';
import type { IndicatorWithSources, NewPublication, Store } from '../core/store/port.ts';
import type { IndicatorSource, PublicationEntry, Submission, SubmissionStatus } from '../core/types.ts';
import { decide, pairKey, publishEntry, retractEntry, type WithheldReason } from './publication-plan.ts';
import { isWider } from '../core/class-order.ts';
import { retractLateMarks } from './false-positives.ts';
import { refreshFeedViews } from './feed-views.ts';
import { emitSubmissionEvent, type SubmissionEventSink } from '../core/submission-events.ts';

export interface PublicationDeps {
  readonly store: Store;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  /** Told after a publish or reject is durable (submitter notifications); never awaited. */
  readonly events?: SubmissionEventSink | undefined;
}

export interface PublicationResult {
  readonly submissionId: string;
  readonly status: SubmissionStatus;
  /**
   * The entries this call planned, as the log holds them (an identical call at the same moment
   * gets the same entries, not new ones); empty when the log already said it all.
   */
  readonly appended: readonly PublicationEntry[];
  /** Indicators published for this submission after the call. */
  readonly published: number;
  readonly withheld: readonly { readonly indicatorId: string; readonly reason: WithheldReason }[];
}

// Defence in depth under sharing/triage/machine.ts (which refuses first, with ILLEGAL_TRANSITION):
// a rejected submission is published only after a reopen.
const APPROVABLE: readonly SubmissionStatus[] = ['awaiting-triage', 'published'];
const REJECTABLE: readonly SubmissionStatus[] = ['awaiting-triage', 'published', 'rejected', 'failed'];

async function loadSubmission(store: Store, id: string): Promise<Submission> {
  const sub = await store.getSubmission(id);
  if (!sub) throw new C4Error('NOT_FOUND', `no submission ${id}`);
  return sub;
}

/** This submission's own source of each of its indicators. */
function ownSources(sub: Submission, list: readonly IndicatorWithSources[]): { item: IndicatorWithSources; source: IndicatorSource }[] {
  return list.flatMap((item) => item.sources.filter((s) => s.submissionId === sub.id).map((source) => ({ item, source })));
}

async function latestOf(store: Store, indicatorIds: readonly string[]): Promise<Map<string, PublicationEntry>> {
  const latest = new Map<string, PublicationEntry>();
  for (const e of await store.latestPublications(indicatorIds)) latest.set(pairKey(e.indicatorId, e.submissionId), e);
  return latest;
}

/** Appends the entries, then stores what each audience now sees of their indicators (feed-views.ts). */
async function append(store: Store, entries: readonly NewPublication[], now: string): Promise<readonly PublicationEntry[]> {
  if (entries.length === 0) return [];
  const appended = await store.appendPublications(entries, now);
  await refreshFeedViews(
    store,
    appended.map((e) => e.indicatorId),
  );
  return appended;
}

/**
 * Publishes a submission (reconcilePublication: the log says what its sources say now).
 * Republishing appends nothing. Status → published; audited; the submitter is told.
 */
export async function publishSubmission(deps: PublicationDeps, submissionId: string, actor: string): Promise<PublicationResult> {
  const { store } = deps;
  const sub = await loadSubmission(store, submissionId);
  if (!APPROVABLE.includes(sub.status)) {
    throw new C4Error('CONFLICT', `submission ${sub.id} is ${sub.status}: only a triaged submission that is not rejected can be published`, {
      status: sub.status,
    });
  }
  const now = deps.clock().toISOString();
  const { appended, published, withheld } = await reconcilePublication(store, sub, now);
  const updated = sub.status === 'published' ? sub : await store.updateSubmission(sub.id, { status: 'published' }, now);
  await deps.audit({
    actor,
    action: 'submission.published',
    target: sub.id,
    data: {
      before: { status: sub.status },
      after: { status: 'published' },
      appended: loggedEntries(appended),
      published,
      withheld,
    },
  });
  emitSubmissionEvent(deps.events, { kind: 'published', submissionId: sub.id, at: now, statusBefore: sub.status, appended: appended.length });
  return { submissionId: sub.id, status: updated?.status ?? 'published', appended, published, withheld };
}

export const loggedEntries = (entries: readonly PublicationEntry[]) =>
  entries.map((e) => ({ seq: e.seq, action: e.action, indicatorId: e.indicatorId, class: e.class }));

export type Reconciled = Pick<PublicationResult, 'appended' | 'published' | 'withheld'>;

/**
 * Makes the log say what a submission's sources say now: every indicator source that is not a
 * false positive (its own mark or an exchange-level entry for its indicator) and not on a warning
 * list gets a publish entry at its class (narrowed to the submission's class for its kind, which
 * the source then takes too, so views and log agree); a source that was published and is now
 * withheld gets a retract entry, and one narrowed since it was published a retraction at the old
 * class first. No status change, no audit: the caller (publishSubmission, a triage step on a
 * published submission) records its own event with the entries.
 */
export async function reconcilePublication(store: Store, sub: Submission, now: string): Promise<Reconciled> {
  const items = await store.listIndicatorsForSubmission(sub.id);
  const latest = await latestOf(
    store,
    items.map((i) => i.indicator.id),
  );
  const marked = new Set(await store.markedFalsePositives(items.map((i) => i.indicator.id)));
  const entries: NewPublication[] = [];
  const withheld: { indicatorId: string; reason: WithheldReason }[] = [];
  let published = 0;
  for (const { item, source } of ownSources(sub, items)) {
    const d = decide(source, sub.classes, marked.has(source.indicatorId));
    const last = latest.get(pairKey(source.indicatorId, sub.id));
    if (d.kind === 'withhold') {
      withheld.push({ indicatorId: source.indicatorId, reason: d.reason });
      const r = retractEntry(source, last);
      if (r) entries.push(r);
      continue;
    }
    if (d.class !== source.class) {
      const { type, value } = item.indicator;
      await store.upsertIndicators(sub.id, sub.orgId, source.seenAt, [{ type, value, kind: source.kind, class: d.class, context: source.context }]);
    }
    // Narrowed after it was published: readers of the wider class must learn it is gone, so a
    // retraction at the old class goes first (they cannot see the new, narrower entry).
    if (last?.action === 'publish' && isWider(last.class, d.class)) {
      const r = retractEntry(source, last);
      if (r) entries.push(r);
    }
    const p = publishEntry(source, d.class, last);
    if (p) entries.push(p);
    published++;
  }
  const appended = [...(await append(store, entries, now))];
  appended.push(...(await retractLateMarks(store, appended, now)));
  return { appended, published, withheld };
}

/** Retract entries for every source of this submission the log publishes (reject, reopen). */
export async function retractSubmission(store: Store, sub: Submission, now: string): Promise<readonly PublicationEntry[]> {
  const items = await store.listIndicatorsForSubmission(sub.id);
  const latest = await latestOf(
    store,
    items.map((i) => i.indicator.id),
  );
  const entries = ownSources(sub, items)
    .map(({ source }) => retractEntry(source, latest.get(pairKey(source.indicatorId, sub.id))))
    .filter((e): e is NewPublication => e !== null);
  return append(store, entries, now);
}

/**
 * Rejects a submission: nothing of it stays published (each published source gets a retract
 * entry, so pullers learn about it). Status → rejected; audited with the reason.
 */
export async function rejectSubmission(deps: PublicationDeps, submissionId: string, actor: string, reason: string): Promise<PublicationResult> {
  const { store } = deps;
  const sub = await loadSubmission(store, submissionId);
  if (!REJECTABLE.includes(sub.status)) {
    throw new C4Error('CONFLICT', `submission ${sub.id} is ${sub.status}: wait for its analysis to finish`, { status: sub.status });
  }
  const now = deps.clock().toISOString();
  const appended = await retractSubmission(store, sub, now);
  if (sub.status !== 'rejected') await store.updateSubmission(sub.id, { status: 'rejected' }, now);
  await deps.audit({
    actor,
    action: 'submission.rejected',
    target: sub.id,
    data: {
      before: { status: sub.status },
      after: { status: 'rejected' },
      reason,
      appended: loggedEntries(appended),
    },
  });
  emitSubmissionEvent(deps.events, { kind: 'rejected', submissionId: sub.id, at: now, statusBefore: sub.status, reason });
  return { submissionId: sub.id, status: 'rejected', appended, published: 0, withheld: [] };
}

export interface RetractResult {
  /** The retract entry, or null when the source was never published (it is only marked). */
  readonly entry: PublicationEntry | null;
}

/**
 * Marks one submission's source of an indicator a false positive and, when it was published,
 * appends a retract entry (at the class it was published under, so the same audience learns of it).
 */
export async function retract(
  deps: PublicationDeps,
  target: { readonly indicatorId: string; readonly submissionId: string },
  actor: string,
  reason: string,
): Promise<RetractResult> {
  const { store } = deps;
  const item = await store.getIndicator(target.indicatorId);
  const source = item?.sources.find((s) => s.submissionId === target.submissionId);
  if (!item || !source) throw new C4Error('NOT_FOUND', `submission ${target.submissionId} has no indicator ${target.indicatorId}`);
  const last = (await latestOf(store, [target.indicatorId])).get(pairKey(target.indicatorId, target.submissionId));
  await store.setSourceFalsePositive(target.indicatorId, target.submissionId, true);
  const planned = retractEntry(source, last);
  const [entry] = planned ? await store.appendPublications([planned], deps.clock().toISOString()) : [];
  await deps.audit({
    actor,
    action: 'indicator.retracted',
    target: target.indicatorId,
    data: {
      submissionId: target.submissionId,
      reason,
      before: { falsePositive: source.falsePositive, publication: last?.action ?? null },
      after: { falsePositive: true, publication: entry ? 'retract' : (last?.action ?? null), seq: entry?.seq ?? null },
    },
  });
  return { entry: entry ?? null };
}
