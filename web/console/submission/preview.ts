// "What would be published": for each of the submission's indicator sources, the decision the
// publication step will take (sharing/publication-plan.ts decide: class, or withheld as false
// positive / warning-listed) and what the log says now, grouped by kind with the kind's class.
import type { IndicatorWithSources } from '../../../core/store/port.ts';
import { KINDS, type Indicator, type IndicatorSource, type InfoKind, type PublicationEntry, type SharingClass, type Submission } from '../../../core/types.ts';
import { decide, type SourceDecision } from '../../../sharing/publication-plan.ts';

export interface IndicatorRow {
  readonly indicator: Indicator;
  /** This submission's source of the indicator. */
  readonly source: IndicatorSource;
  readonly decision: SourceDecision;
  /** The indicator is a false positive exchange-wide (sharing/false-positives.ts). */
  readonly markedExchangeWide: boolean;
  /** Latest publication-log entry of this (indicator, submission), if any. */
  readonly latest: PublicationEntry | null;
  /** Other submissions that also carry this indicator. */
  readonly otherSubmissions: readonly string[];
}

export interface KindPreview {
  readonly kind: InfoKind;
  readonly class: SharingClass;
  readonly publish: readonly IndicatorRow[];
  readonly withheld: readonly IndicatorRow[];
}

export function indicatorRows(
  sub: Submission,
  items: readonly IndicatorWithSources[],
  latest: readonly PublicationEntry[],
  marked: ReadonlySet<string> = new Set(),
): IndicatorRow[] {
  const last = new Map<string, PublicationEntry>();
  for (const e of latest) if (e.submissionId === sub.id) last.set(e.indicatorId, e);
  const rows: IndicatorRow[] = [];
  for (const item of items) {
    const source = item.sources.find((s) => s.submissionId === sub.id);
    if (!source) continue;
    rows.push({
      indicator: item.indicator,
      source,
      decision: decide(source, sub.classes, marked.has(item.indicator.id)),
      markedExchangeWide: marked.has(item.indicator.id),
      latest: last.get(item.indicator.id) ?? null,
      otherSubmissions: [...new Set(item.sources.filter((s) => s.submissionId !== sub.id).map((s) => s.submissionId))],
    });
  }
  return rows.sort((a, b) => a.indicator.type.localeCompare(b.indicator.type) || a.indicator.value.localeCompare(b.indicator.value));
}

export function publicationPreview(sub: Submission, rows: readonly IndicatorRow[]): KindPreview[] {
  return KINDS.map((kind) => {
    const ofKind = rows.filter((r) => r.source.kind === kind);
    return {
      kind,
      class: sub.classes[kind],
      publish: ofKind.filter((r) => r.decision.kind === 'publish'),
      withheld: ofKind.filter((r) => r.decision.kind === 'withhold'),
    };
  });
}

/** Other submissions sharing indicators with this one, most shared first. */
export function relatedSubmissions(rows: readonly IndicatorRow[], limit: number): { readonly submissionId: string; readonly shared: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) for (const id of r.otherSubmissions) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([submissionId, shared]) => ({ submissionId, shared }));
}
