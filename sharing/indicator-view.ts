// What one viewer may know about one indicator. An indicator can come from several submissions
// with different classes; the viewer sees it when at least one source is visible, and every figure
// in the view is computed from the visible sources (and visible sightings) only. The indicator
// record's own createdAt is deliberately left out: it is the first sighting across ALL sources.
import type { IndicatorSource, IndicatorType, InfoKind, SharingClass, Sighting } from '../core/types.ts';
import { KINDS } from '../core/types.ts';
import type { IndicatorWithSources } from '../core/store/port.ts';
import { canSee } from './class-policy.ts';
import { widest } from '../core/class-order.ts';
import { visibleSectors, type ViewRules } from './sector-privacy.ts';
import type { Viewer } from './viewer.ts';

export interface IndicatorView {
  readonly id: string;
  readonly type: IndicatorType;
  readonly value: string;
  /** The widest class among the visible sources: the widest audience this viewer knows it may reach. */
  readonly class: SharingClass;
  readonly kinds: readonly InfoKind[];
  /** The sources this viewer may see (internal: never serialised as they are). */
  readonly sources: readonly IndicatorSource[];
  readonly submissionCount: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /**
   * Sectors of the organisations behind the visible sources, sorted, each once; a sector with fewer
   * than `minOrgsPerSector` organisations among them is summed up as `withheld` (sector-privacy.ts).
   */
  readonly sectors: readonly string[];
  /** Sum of the counts of the visible sightings. */
  readonly sightingCount: number;
  /** Every visible source was marked a false positive (retracted for this viewer). */
  readonly falsePositive: boolean;
  /** A RED source is among the visible ones: reading this view is a read of RED data (audited). */
  readonly redData: boolean;
}

export interface ViewContext {
  /** Sector of an organisation, or null when unknown. */
  readonly sectorOf?: (orgId: string) => string | null;
  /** Sightings of this indicator (any class; filtered here). */
  readonly sightings?: readonly Sighting[];
  /** Thresholds against singling out an organisation (default: DEFAULT_VIEW_RULES). */
  readonly rules?: ViewRules;
}

export function viewOf(viewer: Viewer | null, item: IndicatorWithSources, ctx: ViewContext = {}): IndicatorView | null {
  const sources = item.sources.filter((s) => canSee(viewer, s));
  if (sources.length === 0) return null;
  const times = sources.map((s) => s.seenAt).sort();
  const sightings = (ctx.sightings ?? []).filter((s) => s.indicatorId === item.indicator.id && canSee(viewer, s));
  return {
    id: item.indicator.id,
    type: item.indicator.type,
    value: item.indicator.value,
    class: widest(sources.map((s) => s.class))!,
    kinds: KINDS.filter((k) => sources.some((s) => s.kind === k)),
    sources,
    submissionCount: new Set(sources.map((s) => s.submissionId)).size,
    firstSeen: times[0]!,
    lastSeen: times[times.length - 1]!,
    sectors: visibleSectors(viewer, sources, ctx.sectorOf ?? (() => null), ctx.rules),
    sightingCount: sightings.reduce((n, s) => n + s.count, 0),
    falsePositive: sources.every((s) => s.falsePositive),
    redData: sources.some((s) => s.class === 'RED'),
  };
}
