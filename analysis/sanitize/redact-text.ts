// Finding identifiers in a text in any of the encodings phishing kits use, and replacing them:
//   plain    case- and width-insensitive (NFKC, lower-case); a registered domain that ends an
//            address takes the whole address with it (`300yamada.taro@ops.corp.example42`);
//   percent  %XX runs, decoded (UTF-8) and searched again;
//   quoted-printable, HTML character references, JSON/JS escapes: words holding them, decoded
//            and searched again;
//   base64   standard and URL-safe alphabet, padded or not, at any of the four starting offsets
//            of a run, decoded and searched again (the whole run is replaced: its other bytes
//            cannot be trusted not to carry parts of the identifier);
//   hex      hexadecimal runs decoded and searched again, and MD5/SHA-1/SHA-256 digests of a
//            protected address (trackers often carry `md5(email)`).
// Decoded text is searched recursively up to MAX_DEPTH levels (base64 of a percent-encoded
// address, …). Work is linear in the text per level: every pattern is a bounded run.
import { ENCODING_MARKS, hexAlignments, htmlDecode, isMostlyText, jsUnescape, percentDecode, qpDecode } from './decodings.ts';
import { digestsOf, fold, type Identifier, type IdentifierCategory } from './identifiers.ts';

export type Encoding = 'plain' | 'percent' | 'quoted-printable' | 'html-entity' | 'js-escape' | 'base64' | 'hex' | 'digest';

export interface Hit {
  readonly identifier: Identifier;
  readonly encoding: Encoding;
}

export interface Redacted {
  readonly text: string;
  readonly hits: readonly Hit[];
}

const MAX_DEPTH = 2;
const RANK: Readonly<Record<IdentifierCategory, number>> = { address: 0, name: 1, org: 2 };

interface Range {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

interface Folded {
  readonly folded: string;
  /** Start and end, in the original, of the character each folded UTF-16 unit came from (null: same positions). */
  readonly starts: number[] | null;
  readonly ends: number[] | null;
}

/** Folded text with, for each folded UTF-16 unit, the span of the original character it came from. */
function foldWithMap(s: string): Folded {
  if (/^[\x00-\x7f]*$/.test(s)) return { folded: s.toLowerCase(), starts: null, ends: null };
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of s) {
    const f = ch < '\x80' ? ch.toLowerCase() : fold(ch);
    for (let k = 0; k < f.length; k++) {
      starts.push(i);
      ends.push(i + ch.length);
    }
    folded += f;
    i += ch.length;
  }
  return { folded, starts, ends };
}

const ALNUM = /[a-z0-9]/;
const SUBDOMAIN_BEFORE = /[\p{L}\p{N}.-]*$/u;
const LOCAL_BEFORE = /[\p{L}\p{N}._%+-]{1,128}$/u;

/**
 * Where a registered domain found at [at, end) of the folded text stands in an address: the start
 * of the local part and the end of the digits glued after it, or null when it is not in an address.
 */
function addressAround(folded: string, at: number, end: number): { readonly start: number; readonly end: number } | null {
  const labels = SUBDOMAIN_BEFORE.exec(folded.slice(Math.max(0, at - 253), at))?.[0] ?? '';
  const atSign = at - labels.length - 1;
  if (folded[atSign] !== '@' || (labels !== '' && !labels.endsWith('.'))) return null;
  const local = LOCAL_BEFORE.exec(folded.slice(Math.max(0, atSign - 128), atSign))?.[0];
  if (!local) return null;
  let stop = end;
  while (/[\p{L}\p{N}-]/u.test(folded[stop] ?? '')) stop++;
  return { start: atSign - local.length, end: stop };
}

function plainRanges(s: string, matcher: Matcher, hits: Hit[]): Range[] {
  const { folded, starts, ends } = foldWithMap(s);
  const ranges: Range[] = [];
  // Registered domains first: an address at one is replaced whole, with what a tracker glued to it.
  for (const id of matcher.ordered) {
    for (let at = folded.indexOf(id.text); at >= 0; at = folded.indexOf(id.text, at + 1)) {
      const end = at + id.text.length;
      if (id.domain) {
        // Whatever is glued after it (`corp.example42`, `corp.example-p`, `corp.examples.com`), the
        // registered name is in it; before it, a letter or digit makes it part of another name.
        if (ALNUM.test(folded[at - 1] ?? '')) continue;
        const address = addressAround(folded, at, end);
        if (address) {
          const text = folded.slice(address.start, address.end);
          const whole: Identifier = {
            text,
            category: 'address',
            placeholder: id.domain.addressPlaceholder,
            reason: 'address at a registered domain',
            substring: false,
          };
          pushRange(ranges, hits, starts, ends, address.start, address.end, whole);
          continue;
        }
      } else if (!id.substring && (ALNUM.test(folded[at - 1] ?? '') || ALNUM.test(folded[end] ?? ''))) {
        continue;
      }
      pushRange(ranges, hits, starts, ends, at, end, id);
    }
  }
  return ranges;
}

/** Records the identifier found at [from, to) of the folded text, unless an earlier find covers part of it. */
function pushRange(ranges: Range[], hits: Hit[], starts: number[] | null, ends: number[] | null, from: number, to: number, id: Identifier): void {
  const range = { start: starts ? starts[from]! : from, end: ends ? ends[to - 1]! : to, replacement: id.placeholder };
  if (ranges.some((r) => r.start < range.end && range.start < r.end)) return;
  ranges.push(range);
  hits.push({ identifier: id, encoding: 'plain' });
}

function strongest(hits: readonly Hit[]): Identifier {
  return hits.reduce((a, b) => (RANK[b.identifier.category] < RANK[a.identifier.category] ? b : a)).identifier;
}

/** The run decoded from its start; from the next three offsets too when that is not text (a prefix that is not base64). */
function base64Decodings(run: string): string[] {
  const out: string[] = [];
  const body = run.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  for (let off = 0; off < 4 && body.length - off >= 4; off++) {
    out.push(Buffer.from(body.slice(off), 'base64').toString('utf8'));
    if (off === 0 && isMostlyText(out[0]!)) break;
  }
  return out;
}

interface Decoder {
  /** Runs worth decoding (linear scans: no pattern that backtracks over long words). */
  readonly runs: (s: string) => Iterable<{ readonly index: number; readonly text: string }>;
  readonly encoding: Encoding;
  /** Replacement for the run when the identifier was found inside it. */
  readonly replace: (run: string, inner: Redacted) => string;
  readonly decode: (run: string) => readonly string[];
}

function* matches(s: string, re: RegExp): Iterable<{ index: number; text: string }> {
  for (const m of s.matchAll(re)) yield { index: m.index, text: m[0] };
}

/** White-space separated words that contain `mark`. */
function* words(s: string, mark: RegExp): Iterable<{ index: number; text: string }> {
  for (const m of s.matchAll(/\S+/g)) if (mark.test(m[0])) yield { index: m.index, text: m[0] };
}

const DECODERS: readonly Decoder[] = [
  {
    runs: (s) => (s.includes('%') ? words(s, /%[0-9a-fA-F]{2}/) : []),
    encoding: 'percent',
    decode: (run) => [percentDecode(run)],
    replace: (_run, inner) => encodeURIComponent(inner.text),
  },
  {
    runs: (s) => (s.includes('=') ? words(s, ENCODING_MARKS.qp) : []),
    encoding: 'quoted-printable',
    decode: (run) => [qpDecode(run)],
    replace: (_run, inner) => inner.text,
  },
  {
    runs: (s) => (s.includes('&') ? words(s, ENCODING_MARKS.html) : []),
    encoding: 'html-entity',
    decode: (run) => [htmlDecode(run)],
    replace: (_run, inner) => inner.text,
  },
  {
    runs: (s) => (s.includes('\\') ? words(s, ENCODING_MARKS.js) : []),
    encoding: 'js-escape',
    decode: (run) => [jsUnescape(run)],
    replace: (_run, inner) => inner.text,
  },
  {
    runs: (s) => matches(s, /[0-9a-fA-F]{8,}/g),
    encoding: 'hex',
    decode: (run) => hexAlignments(run).map((b) => b.toString('utf8')),
    replace: (_run, inner) => strongest(inner.hits).placeholder,
  },
  {
    runs: (s) => matches(s, /[A-Za-z0-9+/_-]{4,}={0,2}/g),
    encoding: 'base64',
    decode: base64Decodings,
    replace: (_run, inner) => strongest(inner.hits).placeholder,
  },
];

/**
 * The identifiers of one sanitizer run, prepared once (they do not change while it redacts a
 * message's values): searched in order, registered domains first; digests (hex) of the addresses;
 * and the redaction of each text already redacted (values, URL tokens and host names recur).
 */
interface Matcher {
  readonly ordered: readonly Identifier[];
  /** Digest (hex) → the address identifier it was computed from. */
  readonly digests: ReadonlyMap<string, Identifier>;
  readonly redacted: Map<string, Redacted>;
}

const MATCHERS = new WeakMap<readonly Identifier[], Matcher>();
/** Texts of one run whose redaction is remembered (a run redacts a few hundred). */
const MAX_REMEMBERED = 20_000;

function matcherOf(ids: readonly Identifier[]): Matcher {
  const cached = MATCHERS.get(ids);
  if (cached) return cached;
  const digests = new Map<string, Identifier>();
  for (const id of ids) if (id.category === 'address') for (const d of digestsOf(id.text)) digests.set(d, id);
  const matcher = { ordered: [...ids.filter((i) => i.domain), ...ids.filter((i) => !i.domain)], digests, redacted: new Map() };
  MATCHERS.set(ids, matcher);
  return matcher;
}

function overlaps(ranges: readonly Range[], start: number, end: number): boolean {
  return ranges.some((r) => r.start < end && start < r.end);
}

function redactAt(text: string, matcher: Matcher, depth: number): Redacted {
  const s = text.normalize('NFC');
  const hits: Hit[] = [];
  const ranges = plainRanges(s, matcher, hits);
  for (const m of s.matchAll(/[0-9a-fA-F]{32,64}/g)) {
    const id = matcher.digests.get(m[0].toLowerCase());
    if (id && !overlaps(ranges, m.index, m.index + m[0].length)) {
      ranges.push({ start: m.index, end: m.index + m[0].length, replacement: id.placeholder });
      hits.push({ identifier: id, encoding: 'digest' });
    }
  }
  if (depth < MAX_DEPTH) {
    for (const d of DECODERS) {
      for (const run of d.runs(s)) {
        const start = run.index;
        const end = start + run.text.length;
        if (overlaps(ranges, start, end)) continue;
        for (const decoded of d.decode(run.text)) {
          // Binary garbage (a word that merely looks like base64) is searched for what text it
          // holds, but not decoded further.
          const text = isMostlyText(decoded);
          const inner = redactAt(text ? decoded : decoded.replace(/[\ufffd\u0000-\u001f]+/g, ' '), matcher, text ? depth + 1 : MAX_DEPTH);
          if (inner.hits.length === 0) continue;
          ranges.push({ start, end, replacement: d.replace(run.text, inner) });
          hits.push(...inner.hits.map((h) => ({ identifier: h.identifier, encoding: d.encoding })));
          break;
        }
      }
    }
  }
  if (ranges.length === 0) return { text: s, hits };
  let out = '';
  let pos = 0;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    out += s.slice(pos, r.start) + r.replacement;
    pos = r.end;
  }
  return { text: out + s.slice(pos), hits };
}

/** The text with every protected identifier replaced by its placeholder, and what was found. */
export function redactText(text: string, ids: readonly Identifier[]): Redacted {
  const matcher = matcherOf(ids);
  const known = matcher.redacted.get(text);
  if (known) return known;
  const redacted = redactAt(text, matcher, 0);
  if (matcher.redacted.size < MAX_REMEMBERED) matcher.redacted.set(text, redacted);
  return redacted;
}

/** True when the text carries a protected identifier in any encoding. */
export function carriesIdentifier(text: string, ids: readonly Identifier[]): boolean {
  return redactText(text, ids).hits.length > 0;
}
