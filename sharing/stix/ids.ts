// Deterministic STIX identifiers, so a re-export of the same information carries the same ids and
// consumers update objects instead of piling up copies.
//
// - Objects we author (indicators, sightings, the exchange identity, the C⁴TAP class markings) get
//   a UUIDv4, as STIX 2.1 §2.9 asks of SDOs, SROs and marking definitions (and the validator's
//   strict mode enforces). Its 122 free bits are not drawn at random but taken from
//   SHA-256(C4TAP_STIX_NAMESPACE, type, name): indistinguishable from random to a consumer, unique
//   in practice, and stable by construction — the same object keeps its id across re-exports,
//   restarts and deployments without a table of issued ids, and TAXII can still compute the id of
//   an indicator from a log entry alone. The namespace is a fixed random UUIDv4 chosen once for
//   C⁴TAP; never change it, or every id changes.
// - Cyber observables (SCOs) follow STIX 2.1 §2.9: UUIDv5 in the OASIS SCO namespace over the
//   canonical JSON of their ID-contributing properties, so they match other producers' ids.
import { createHash } from 'node:crypto';
import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';

/** C⁴TAP's namespace for the UUIDv5 of the STIX objects it authors. Fixed forever. */
export const C4TAP_STIX_NAMESPACE = '5d810e02-3be0-4518-9c03-432182cd726b';

/** The OASIS namespace for deterministic SCO ids (STIX 2.1 §2.9). */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/** `<type>--UUIDv4` whose random bits are SHA-256(C4TAP namespace, type, NUL, name). */
export function authoredId(type: string, name: string): string {
  const random = createHash('sha256').update(`${C4TAP_STIX_NAMESPACE}\u0000${type}\u0000${name}`).digest().subarray(0, 16);
  return `${type}--${uuidv4({ random })}`;
}

/**
 * The STIX id of an indicator. `indicatorId` is the store's id, itself a hash of the indicator's
 * type and normalised value (core/ids.ts), so this id follows from type and value — and it can be
 * computed from a publication-log entry alone, which is how TAXII finds an object by id.
 */
export function indicatorStixId(indicatorId: string): string {
  return authoredId('indicator', indicatorId);
}

/** The STIX id of the sightings of an indicator reported at one class (one object per class). */
export function sightingStixId(indicatorId: string, cls: string): string {
  return authoredId('sighting', `${indicatorId}\u0000${cls}`);
}

/** JSON with object keys sorted (RFC 8785 for the strings and flat objects used here). */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Deterministic SCO id from its ID-contributing properties (STIX 2.1 §2.9). */
export function scoId(type: string, contributing: Readonly<Record<string, unknown>>): string {
  return `${type}--${uuidv5(canonicalJson(contributing), STIX_SCO_NAMESPACE)}`;
}
