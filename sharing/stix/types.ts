// The STIX 2.1 objects this exporter writes, as plain JSON records (only the properties we use).

export interface StixCommon {
  readonly type: string;
  readonly spec_version: '2.1';
  readonly id: string;
  readonly object_marking_refs?: readonly string[];
}

export interface StixMarkingDefinition extends StixCommon {
  readonly type: 'marking-definition';
  readonly created: string;
  readonly name: string;
  readonly definition_type?: 'statement';
  readonly definition?: { readonly statement: string };
  readonly extensions?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Domain and relationship objects: versioned by `modified`. */
export interface StixVersioned extends StixCommon {
  readonly created: string;
  readonly modified: string;
  readonly created_by_ref?: string;
  readonly revoked?: boolean;
}

export interface StixIdentity extends StixVersioned {
  readonly type: 'identity';
  readonly name: string;
  readonly description: string;
  readonly identity_class: 'organization';
}

export interface StixIndicator extends StixVersioned {
  readonly type: 'indicator';
  readonly name: string;
  readonly description: string;
  readonly indicator_types: readonly string[];
  readonly pattern: string;
  readonly pattern_type: 'stix';
  readonly pattern_version: '2.1';
  readonly valid_from: string;
  readonly labels?: readonly string[];
}

export interface StixSighting extends StixVersioned {
  readonly type: 'sighting';
  readonly description: string;
  readonly sighting_of_ref: string;
  readonly count: number;
  readonly first_seen: string;
  readonly last_seen: string;
}

/** A cyber observable (SCO): not versioned, id from its contributing properties. */
export interface StixObservable extends StixCommon {
  readonly [property: string]: unknown;
}

export type StixObject = StixMarkingDefinition | StixIdentity | StixIndicator | StixSighting | StixObservable;

export interface StixBundle {
  readonly type: 'bundle';
  readonly id: string;
  readonly objects: readonly StixObject[];
}

/** STIX and TAXII media types (TAXII 2.1 §1.6.8). */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
