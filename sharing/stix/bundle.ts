// STIX 2.1 bundles of indicator views, one per request: the exchange identity, the marking
// definitions the objects use, then the objects. Pure: the caller passes what it read.
import { v4 as uuidv4 } from 'uuid';
import { CLASSES, type PublicationEntry, type SharingClass, type Sighting } from '../../core/types.ts';
import type { IndicatorView } from '../indicator-view.ts';
import { pairKey } from '../publication-plan.ts';
import { exchangeIdentity, type ExchangeInfo } from './identity.ts';
import { CLASS_MARKINGS, TLP2_MARKINGS } from './markings.ts';
import { indicatorObjects, sightingObject } from './objects.ts';
import { primaryClass, sightingSlices, sliceAt } from './slice.ts';
import type { StixBundle, StixMarkingDefinition, StixObject } from './types.ts';

const ALL_MARKINGS: readonly StixMarkingDefinition[] = CLASSES.flatMap((c: SharingClass) => {
  const tlp = TLP2_MARKINGS[c];
  return tlp ? [tlp, CLASS_MARKINGS[c]] : [CLASS_MARKINGS[c]];
});

export interface ViewExportContext {
  /** Latest log entry of each (indicator, submission) pair of the exported indicators (any order). */
  readonly latest: readonly PublicationEntry[];
  /** Sightings of the exported indicators that the viewer may see (already filtered by class policy). */
  readonly sightings: readonly Sighting[];
}

/**
 * The objects for one view: the indicator (with its observable) at `cls` — by default
 * the view's primary class — and a sighting object per class of the visible sightings.
 * `onlyClass` keeps the sightings to that class too (a TAXII collection holds one class).
 */
export function viewObjects(
  view: IndicatorView,
  latest: ReadonlyMap<string, PublicationEntry>,
  sightings: readonly Sighting[],
  createdByRef: string,
  onlyClass?: SharingClass,
): readonly StixObject[] {
  const slice = sliceAt(view, onlyClass ?? primaryClass(view), latest);
  if (!slice) return [];
  const out: StixObject[] = [...indicatorObjects(slice, createdByRef)];
  for (const s of sightingSlices(view.id, sightings)) {
    if (onlyClass === undefined || s.class === onlyClass) out.push(sightingObject(s, createdByRef));
  }
  return out;
}

/** The identity and the marking definitions that these objects refer to. */
export function supportingObjects(objects: readonly StixObject[], exchange: ExchangeInfo): readonly StixObject[] {
  const refs = new Set(objects.flatMap((o) => o.object_marking_refs ?? []));
  return [exchangeIdentity(exchange), ...ALL_MARKINGS.filter((m) => refs.has(m.id))];
}

/** Every object a collection may refer to besides its indicators: identity and all markings. */
export function staticObjects(exchange: ExchangeInfo): readonly StixObject[] {
  return [exchangeIdentity(exchange), ...ALL_MARKINGS];
}

export function bundleOf(objects: readonly StixObject[], bundleId: string = `bundle--${uuidv4()}`): StixBundle {
  const seen = new Set<string>();
  const unique = objects.filter((o) => !seen.has(o.id) && (seen.add(o.id), true));
  return { type: 'bundle', id: bundleId, objects: unique };
}

/** A bundle of these views for one request, each at its primary class. */
export function viewsBundle(views: readonly IndicatorView[], ctx: ViewExportContext, exchange: ExchangeInfo, bundleId?: string): StixBundle {
  const identity = exchangeIdentity(exchange);
  const latest = latestMap(ctx.latest);
  const objects = views.flatMap((v) => viewObjects(v, latest, ctx.sightings, identity.id));
  return bundleOf([...supportingObjects(objects, exchange), ...objects], bundleId);
}

export function latestMap(entries: readonly PublicationEntry[]): ReadonlyMap<string, PublicationEntry> {
  return new Map(entries.map((e) => [pairKey(e.indicatorId, e.submissionId), e]));
}
