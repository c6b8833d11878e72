// What one STIX object may say. An object carries one marking, so it may only hold information
// shared under that class: the slice of a view at class C is computed from the viewer's visible
// sources published at C (and the visible sightings reported at C) only. A consumer can then pass
// the object on under its marking without leaking anything shared under a narrower class.
import type { IndicatorType, InfoKind, PublicationEntry, SharingClass, Sighting } from '../../core/types.ts';
import { KINDS } from '../../core/types.ts';
import { widest } from '../../core/class-order.ts';
import type { IndicatorView } from '../indicator-view.ts';
import { pairKey } from '../publication-plan.ts';

export interface IndicatorSlice {
  /** The store's indicator id. */
  readonly indicatorId: string;
  readonly type: IndicatorType;
  readonly value: string;
  readonly class: SharingClass;
  readonly kinds: readonly InfoKind[];
  readonly submissionCount: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Latest publication (publish or retract) of the slice's sources: the object's version. */
  readonly modified: string;
  /** Every source of the slice was retracted or marked a false positive. */
  readonly revoked: boolean;
}

export interface SightingSlice {
  readonly indicatorId: string;
  readonly class: SharingClass;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly firstReported: string;
  readonly lastReported: string;
}

const max = (values: readonly string[]): string => values.reduce((a, b) => (b > a ? b : a));
const min = (values: readonly string[]): string => values.reduce((a, b) => (b < a ? b : a));

/**
 * The slice of a view at one class, or null when no visible source was published at it.
 * `latest` holds the latest log entry of each (indicator, submission) pair (pairKey).
 */
export function sliceAt(view: IndicatorView, cls: SharingClass, latest: ReadonlyMap<string, PublicationEntry>): IndicatorSlice | null {
  if (isTombstone(view)) return cls === view.class ? tombstoneSlice(view) : null;
  const sources = view.sources.filter((s) => s.class === cls);
  if (sources.length === 0) return null;
  const seen = sources.map((s) => s.seenAt);
  const published = sources.map((s) => latest.get(pairKey(s.indicatorId, s.submissionId))?.publishedAt ?? s.seenAt);
  const firstSeen = min(seen);
  return {
    indicatorId: view.id,
    type: view.type,
    value: view.value,
    class: cls,
    kinds: KINDS.filter((k) => sources.some((s) => s.kind === k)),
    submissionCount: new Set(sources.map((s) => s.submissionId)).size,
    firstSeen,
    lastSeen: max(seen),
    modified: max([firstSeen, ...published]),
    revoked: sources.every((s) => s.falsePositive),
  };
}

/**
 * A retraction the reader may see of an indicator it no longer sees (see feed.ts): no visible
 * source is left, so the object says only what the reader already had, revoked at the class the
 * reader received it under, versioned at the retraction.
 */
function isTombstone(view: IndicatorView): boolean {
  return view.sources.length === 0 && view.falsePositive;
}

function tombstoneSlice(view: IndicatorView): IndicatorSlice {
  return {
    indicatorId: view.id,
    type: view.type,
    value: view.value,
    class: view.class,
    kinds: view.kinds,
    submissionCount: 0,
    firstSeen: view.firstSeen,
    lastSeen: view.lastSeen,
    modified: view.lastSeen,
    revoked: true,
  };
}

/**
 * The class an export of the whole view is marked with: the widest class at which some visible
 * source still stands (not retracted), or the widest visible class when all were retracted (the
 * object then says `revoked` at the class consumers received it under).
 */
export function primaryClass(view: IndicatorView): SharingClass {
  return widest(view.sources.filter((s) => !s.falsePositive).map((s) => s.class)) ?? view.class;
}

/** The sightings of one indicator visible to the viewer (already filtered), summed per class. */
export function sightingSlices(indicatorId: string, visible: readonly Sighting[]): readonly SightingSlice[] {
  const byClass = new Map<SharingClass, Sighting[]>();
  for (const s of visible) {
    if (s.indicatorId !== indicatorId) continue;
    const list = byClass.get(s.class) ?? [];
    list.push(s);
    byClass.set(s.class, list);
  }
  return [...byClass].map(([cls, list]) => ({
    indicatorId,
    class: cls,
    count: list.reduce((n, s) => n + s.count, 0),
    firstSeen: min(list.map((s) => s.seenAt)),
    lastSeen: max(list.map((s) => s.seenAt)),
    firstReported: min(list.map((s) => s.reportedAt)),
    lastReported: max(list.map((s) => s.reportedAt)),
  }));
}
