// TAXII collections: one per sharing class, listed for a caller only when it reads that class as
// a whole (from every organisation). An organisation's own submissions at narrower classes are in
// the REST API, not in TAXII: a collection is one audience, so its objects carry one marking.
import { v5 as uuidv5 } from 'uuid';
import { CLASSES, type SharingClass } from '../../core/types.ts';
import { visibleScope } from '../class-policy.ts';
import { C4TAP_STIX_NAMESPACE, STIX_MEDIA_TYPE } from '../stix/index.ts';
import type { Viewer } from '../viewer.ts';

export interface TaxiiCollection {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly alias: string;
  readonly can_read: true;
  readonly can_write: false;
  readonly media_types: readonly string[];
}

const AUDIENCES: Readonly<Record<SharingClass, string>> = {
  RED: 'the secretariat and the analysts (every RED publication)',
  AMBER: 'all participants',
  YELLOW: 'participants and observers',
  GREEN: 'participants, observers and affiliates',
  WHITE: 'anyone',
};

/** Stable across restarts and deployments: UUIDv5 of the class in the C⁴TAP namespace. */
export function collectionId(cls: SharingClass): string {
  return uuidv5(`taxii-collection\u0000${cls}`, C4TAP_STIX_NAMESPACE);
}

export function collectionOf(cls: SharingClass): TaxiiCollection {
  return {
    id: collectionId(cls),
    title: `C4TAP ${cls}`,
    description: `Indicators published at C4TAP:${cls} (audience: ${AUDIENCES[cls]}), each marked with that class, with observables and sighting counts.`,
    alias: `c4tap-${cls.toLowerCase()}`,
    can_read: true,
    can_write: false,
    media_types: [STIX_MEDIA_TYPE],
  };
}

/** The classes whose collections this caller may read. */
export function readableClasses(viewer: Viewer | null): readonly SharingClass[] {
  return visibleScope(viewer).classes;
}

export function collectionsFor(viewer: Viewer | null): readonly TaxiiCollection[] {
  return readableClasses(viewer).map(collectionOf);
}

/** The class of a collection id this caller may read, or null (unknown and unreadable alike: 404). */
export function readableCollection(viewer: Viewer | null, id: string): SharingClass | null {
  const cls = CLASSES.find((c) => collectionId(c) === id);
  return cls !== undefined && readableClasses(viewer).includes(cls) ? cls : null;
}
