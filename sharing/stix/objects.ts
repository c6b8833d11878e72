// STIX objects for slices: an indicator with its pattern and its observable; a sighting with counts only (never who saw it: no
// `where_sighted_refs`, no `observed_data_refs`).
import { indicatorStixId, sightingStixId } from './ids.ts';
import { markingRefsFor } from './markings.ts';
import { TYPE_MAPPINGS, observableOf, patternOf } from './patterns.ts';
import type { IndicatorSlice, SightingSlice } from './slice.ts';
import type { StixIndicator, StixObject, StixSighting } from './types.ts';

/** STIX limits a name to a reasonable length; long URLs and subjects are cut for the name only. */
function shortName(label: string, value: string): string {
  const text = `${label}: ${value}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

export function indicatorObject(slice: IndicatorSlice, createdByRef: string): StixIndicator {
  const { label } = TYPE_MAPPINGS[slice.type];
  const n = slice.submissionCount;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: indicatorStixId(slice.indicatorId),
    created_by_ref: createdByRef,
    created: slice.firstSeen,
    modified: slice.modified,
    name: shortName(label, slice.value),
    description:
      n === 0
        ? `${label} withdrawn from C4TAP:${slice.class}.`
        : `${label} found in ${n} targeted-attack mail submission${n === 1 ? '' : 's'} (${slice.kinds.join(', ')}) shared at C4TAP:${slice.class}.`,
    indicator_types: ['malicious-activity'],
    pattern: patternOf(slice.type, slice.value),
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: slice.firstSeen,
    labels: slice.kinds.map((k) => `c4tap-kind-${k}`),
    ...(slice.revoked ? { revoked: true } : {}),
    object_marking_refs: markingRefsFor(slice.class),
  };
}

/**
 * The indicator and, when its type has one, its observable (marked like it). No relationship links
 * them: STIX suggests `based-on` only towards observed-data, and the pattern already names the value.
 */
export function indicatorObjects(slice: IndicatorSlice, createdByRef: string): readonly StixObject[] {
  const indicator = indicatorObject(slice, createdByRef);
  const observable = observableOf(slice.type, slice.value, indicator.object_marking_refs ?? []);
  return observable ? [indicator, observable] : [indicator];
}

export function sightingObject(s: SightingSlice, createdByRef: string): StixSighting {
  return {
    type: 'sighting',
    spec_version: '2.1',
    id: sightingStixId(s.indicatorId, s.class),
    created_by_ref: createdByRef,
    created: s.firstReported,
    modified: s.lastReported,
    description: `Sightings reported by organisations of the exchange at C4TAP:${s.class} (counts only).`,
    sighting_of_ref: indicatorStixId(s.indicatorId),
    count: Math.min(s.count, 999_999_999),
    first_seen: s.firstSeen,
    last_seen: s.lastSeen,
    object_marking_refs: markingRefsFor(s.class),
  };
}
