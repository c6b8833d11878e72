// When an object was added to a collection, as a position in the publication log that is also a
// STIX timestamp. Many entries share one publication instant (one approval publishes them all at
// once), so the instant alone cannot order them: a page boundary inside such a group made a
// client polling by `added_after` = `X-TAXII-Date-Added-Last` skip the rest of the group.
//
// So every object gets a unique `date_added`: the publication instant to the millisecond, then
// the entry's log seq (12 digits) and the object's index within its entry's group (3 digits) as
// further fractional digits — `2026-12-04T14:55:00.123` + `000000004297` + `001` + `Z`. The
// values are strictly increasing along the log (for a clock that does not run backwards), the
// order of the string is the order of the position, and handing the last one back as
// `added_after` resumes exactly after the last object read. The identity and the marking
// definitions hold seq 0. A client that cuts the digits to microseconds re-reads the objects of
// that millisecond (duplicates, never a loss).

/** The position of an object in a collection: its log entry's seq and its index in that entry's group. */
export interface Position {
  readonly seq: number;
  readonly index: number;
}

/** Index meaning "every object of the entry": larger than any group. */
export const WHOLE = 999;

/** Before every object (the identity and markings are seq 0, log entries seq 1 and up). */
export const START: Position = { seq: -1, index: 0 };

const FRACTION_DIGITS = 18;

export function dateAddedOf(publishedAt: string, seq: number, index: number): string {
  const ms = new Date(publishedAt).toISOString().slice(0, 23);
  return `${ms}${String(seq).padStart(12, '0')}${String(index).padStart(3, '0')}Z`;
}

/** A timestamp as a string whose order is time order: seconds, then 18 fractional digits. */
export function timestampKey(ts: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(ts);
  if (!m) throw new Error(`not a STIX timestamp: ${ts}`);
  return `${m[1]}.${(m[2] ?? '').padEnd(FRACTION_DIGITS, '0').slice(0, FRACTION_DIGITS)}`;
}

/** Whether an object added at `dateAdded` is strictly after the `added_after` value. */
export function addedAfter(dateAdded: string, after: string | null): boolean {
  return after === null || timestampKey(dateAdded) > timestampKey(after);
}

/** The millisecond instant of a timestamp (ISO, 3 digits): what the log's publishedAt compares with. */
export function millisecondOf(ts: string): string {
  return `${timestampKey(ts).slice(0, 23)}Z`;
}

/** The position a `date_added` of this server encodes, or null for any other timestamp. */
export function positionOf(ts: string): Position | null {
  const m = /\.\d{3}(\d{12})(\d{3})Z$/.exec(ts);
  return m ? { seq: Number(m[1]), index: Number(m[2]) } : null;
}

export function isAfter(a: Position, b: Position): boolean {
  return a.seq > b.seq || (a.seq === b.seq && a.index > b.index);
}

/** `next` as handed out: `<seq>` when that entry's objects were all read, `<seq>-<index>` inside it. */
export function encodeNext(p: Position): string {
  return p.index === WHOLE ? String(p.seq) : `${p.seq}-${p.index}`;
}

export function decodeNext(next: string): Position | null {
  const m = /^(\d{1,15})(?:-(\d{1,3}))?$/.exec(next);
  if (!m) return null;
  return { seq: Number(m[1]), index: m[2] === undefined ? WHOLE : Number(m[2]) };
}
