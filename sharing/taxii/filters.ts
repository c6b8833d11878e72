// TAXII 2.1 query parameters (§3.4-3.5): `added_after`, `limit`, `next` and the `match[...]`
// filters, parsed once into a typed record. A TAXII client joins several values with commas.
import { C4Error } from '../../core/errors.ts';
import type { StixObject } from '../stix/index.ts';
import { decodeNext, type Position } from './date-added.ts';

export interface TaxiiFilters {
  /** Position already read (the `next` of the previous page, see date-added.ts); null for the first page. */
  readonly after: Position | null;
  readonly limit: number;
  /** STIX timestamp as given (all its digits): only objects added to the collection strictly after it. */
  readonly addedAfter: string | null;
  readonly types: readonly string[] | null;
  readonly ids: readonly string[] | null;
  /** `match[version]`: 'last', 'first', 'all' or exact versions; only one version is kept, the current one. */
  readonly versions: readonly string[] | null;
  readonly specVersions: readonly string[] | null;
}

export interface TaxiiLimits {
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
}

function one(query: Record<string, unknown>, name: string): string | null {
  const v = query[name];
  if (v === undefined) return null;
  if (typeof v !== 'string') throw new C4Error('VALIDATION_FAILED', `${name}: give it once`);
  return v;
}

function list(query: Record<string, unknown>, name: string): readonly string[] | null {
  const v = one(query, name);
  if (v === null) return null;
  const values = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (values.length === 0) throw new C4Error('VALIDATION_FAILED', `${name}: empty`);
  return values;
}

function timestamp(text: string, name: string): string {
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(text) || Number.isNaN(t)) {
    throw new C4Error('VALIDATION_FAILED', `${name}: not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)`);
  }
  return new Date(t).toISOString();
}

const KNOWN = new Set(['added_after', 'limit', 'next', 'match[type]', 'match[id]', 'match[version]', 'match[spec_version]']);

/** Parses the query of an objects, manifest or versions request; unknown parameters are refused. */
export function parseFilters(query: Record<string, unknown>, limits: TaxiiLimits): TaxiiFilters {
  const unknown = Object.keys(query).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) throw new C4Error('VALIDATION_FAILED', `unknown parameter(s): ${unknown.join(', ')}`);
  // An empty `next` (a client echoing the absent `next` of a last page) starts from the beginning.
  const nextText = one(query, 'next') || null;
  const next = nextText === null ? null : decodeNext(nextText);
  if (nextText !== null && next === null) throw new C4Error('VALIDATION_FAILED', 'next: not a value this server handed out');
  const limit = one(query, 'limit');
  if (limit !== null && !/^\d{1,9}$/.test(limit)) throw new C4Error('VALIDATION_FAILED', 'limit: a positive integer');
  const addedAfter = one(query, 'added_after');
  return {
    after: next,
    // The server's maximum applies whatever the client asks (TAXII 2.1 §3.4).
    limit: Math.min(Math.max(limit === null ? limits.defaultPageSize : Number(limit), 1), limits.maxPageSize),
    addedAfter: addedAfter === null ? null : (timestamp(addedAfter, 'added_after'), addedAfter),
    types: list(query, 'match[type]'),
    ids: list(query, 'match[id]'),
    versions: list(query, 'match[version]')?.map((v) => (['last', 'first', 'all'].includes(v) ? v : timestamp(v, 'match[version]'))) ?? null,
    specVersions: list(query, 'match[spec_version]'),
  };
}

/** An object as a collection holds it: when it was added and which version it is. */
export interface TaxiiEntry {
  readonly object: StixObject;
  readonly dateAdded: string;
  readonly version: string;
  /** The store's id of the indicator the object belongs to (none for identity and markings). */
  readonly indicatorId: string | null;
}

/** The version of an object: `modified`, else `created`, else when it was added (TAXII 2.1 §3.6). */
export function entryOf(object: StixObject, dateAdded: string, indicatorId: string | null = null): TaxiiEntry {
  const r = object as unknown as { modified?: string; created?: string };
  return { object, dateAdded, version: r.modified ?? r.created ?? dateAdded, indicatorId };
}

/** Whether an entry passes the `match[...]` filters (`added_after` and paging are applied by the reader). */
export function matches(e: TaxiiEntry, f: TaxiiFilters): boolean {
  if (f.types && !f.types.includes(e.object.type)) return false;
  if (f.ids && !f.ids.includes(e.object.id)) return false;
  if (f.specVersions && !f.specVersions.includes('2.1')) return false;
  // Only the current version is kept, so it is the first, the last and all of them.
  if (f.versions && !f.versions.some((v) => v === 'last' || v === 'first' || v === 'all' || v === e.version)) return false;
  return true;
}
