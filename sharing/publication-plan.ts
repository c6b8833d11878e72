// Which publication-log entries make the log say what a submission's indicator sources say now.
// Pure: the caller reads the sources and the latest entry of each, and appends what this returns.
// Idempotency keys are derived from the state they follow, so planning twice from the same state
// (a retried or concurrent approval) appends nothing new.
import type { IndicatorSource, InfoKind, PublicationEntry, SharingClass, Submission } from '../core/types.ts';
import type { NewPublication } from '../core/store/port.ts';
import { narrowest } from '../core/class-order.ts';
import { warningListsOf as contextWarningLists } from '../core/indicator-context.ts';

export type WithheldReason = 'false-positive' | 'warning-listed';

export type SourceDecision = { readonly kind: 'publish'; readonly class: SharingClass } | { readonly kind: 'withhold'; readonly reason: WithheldReason };

/** Warning lists recorded in a source's context by the analysis (`context.warningLists`). */
export function warningListsOf(source: IndicatorSource): readonly string[] {
  return contextWarningLists(source.context);
}

/**
 * A source is published at the narrower of its own class and its submission's class for its kind
 * (an analyst may have narrowed the submission after analysis); false positives (this source
 * marked, or its indicator marked exchange-wide: `markedExchangeWide`) and sources on a warning
 * list are withheld.
 */
export function decide(source: IndicatorSource, classes: Submission['classes'], markedExchangeWide = false): SourceDecision {
  if (source.falsePositive || markedExchangeWide) return { kind: 'withhold', reason: 'false-positive' };
  if (warningListsOf(source).length > 0) return { kind: 'withhold', reason: 'warning-listed' };
  return { kind: 'publish', class: narrowest([source.class, classes[source.kind]]) };
}

export function pairKey(indicatorId: string, submissionId: string): string {
  return `${indicatorId}\u0000${submissionId}`;
}

function publishKey(s: IndicatorSource, kind: InfoKind, cls: SharingClass, after: PublicationEntry | undefined): string {
  return `publish:${s.submissionId}:${s.indicatorId}:${kind}:${cls}:after:${after?.seq ?? 0}`;
}

/** A publish entry unless the latest entry already publishes this source at this class and kind. */
export function publishEntry(s: IndicatorSource, cls: SharingClass, latest: PublicationEntry | undefined): NewPublication | null {
  if (latest?.action === 'publish' && latest.class === cls && latest.kind === s.kind) return null;
  return {
    idempotencyKey: publishKey(s, s.kind, cls, latest),
    action: 'publish',
    indicatorId: s.indicatorId,
    submissionId: s.submissionId,
    kind: s.kind,
    class: cls,
  };
}

/** A retract entry when the latest entry publishes this source; null when it is not published. */
export function retractEntry(s: IndicatorSource, latest: PublicationEntry | undefined): NewPublication | null {
  if (latest?.action !== 'publish' || latest.indicatorId !== s.indicatorId || latest.submissionId !== s.submissionId) return null;
  return retractionOf(latest);
}

/** The retract entry that follows this publish entry (at its class and kind, so the same audience learns of it). */
export function retractionOf(published: PublicationEntry): NewPublication {
  const { indicatorId, submissionId, kind, class: cls, seq } = published;
  return { idempotencyKey: `retract:${submissionId}:${indicatorId}:after:${seq}`, action: 'retract', indicatorId, submissionId, kind, class: cls };
}
