// Victims come from the registry, not from attacker-written headers (DESIGN.md §2): every address
// at a registered domain of an organisation (or a sub-domain of one), wherever it stands in the
// original — headers, bodies, attachments' text, URLs, subjects, file names — and however it is
// written: in any case, glued to other characters (`300yamada.taro@ops.corp.example42`), or
// encoded (percent, quoted-printable, HTML entities, JSON/JS escapes, base64 and base64url at any
// offset, hex). A display name written with such an address (`山田 太郎 <yamada@corp.example>`)
// is the victim's too. An address at any other domain is never taken for a victim: an attacker
// who names itself or a third party in To: cannot make the sanitizer hide its own indicators.
//
// Work is linear in the text: addresses are found from each `@` outwards, encoded runs are
// decoded once per level, at most two levels deep (base64 of a percent-encoded address).
import addressparser from 'nodemailer/lib/addressparser';
import type { MailAddress, OriginalHeaders } from '../../core/mail/forward/types.ts';
import { normalizeHost } from '../indicators/normalize.ts';
import { ENCODING_MARKS, hexAlignments, htmlDecode, isMostlyText, jsUnescape, percentDecode, qpDecode } from './decodings.ts';
import { fold } from './identifiers.ts';

/** The registered domains, ready for glued matching: first label → domains starting with it. */
export interface RegisteredDomains {
  readonly byFirstLabel: ReadonlyMap<string, readonly string[]>;
}

export function registeredDomains(domains: readonly string[]): RegisteredDomains {
  const byFirstLabel = new Map<string, string[]>();
  const add = (d: string) => {
    const first = d.slice(0, d.indexOf('.'));
    if (!first) return;
    const list = byFirstLabel.get(first) ?? [];
    if (!list.includes(d)) list.push(d);
    byFirstLabel.set(first, list);
  };
  for (const raw of domains) {
    const host = normalizeHost(raw);
    if (host?.kind !== 'domain') continue;
    add(host.value);
    if (host.unicode) add(fold(host.unicode));
  }
  return { byFirstLabel };
}

/**
 * The part of `host` (folded, as found after an `@`) that is a registered domain or a sub-domain
 * of one, or null. Whatever is glued after the domain (`corp.example42`, `corp.example-p`) does not
 * hide it: the registered name is in the text, so the victim is.
 */
export function registeredPrefix(host: string, reg: RegisteredDomains): string | null {
  for (let start = 0; start < host.length;) {
    const dot = host.indexOf('.', start);
    if (dot < 0) return null;
    for (const d of reg.byFirstLabel.get(host.slice(start, dot)) ?? []) {
      if (host.startsWith(d, start)) return host.slice(0, start + d.length);
    }
    start = dot + 1;
  }
  return null;
}

const HOST_AFTER = /^[\p{L}\p{N}.-]{1,253}/u;
const LOCAL_BEFORE = /[\p{L}\p{N}._%+-]{1,128}$/u;
const NAME_BEFORE = /(?:^|[\n\r:;,>\t])[ \t]*"?([^"<>\n\r:;,\t@]{1,64}?)"?[ \t]*<[ \t]*$/u;

/** Addresses at registered domains in one (folded) text, with the display name written before `<addr>`. */
function scan(s: string, reg: RegisteredDomains, out: Map<string, string>): void {
  for (let at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
    const host = HOST_AFTER.exec(s.slice(at + 1, at + 1 + 260))?.[0];
    const domain = host ? registeredPrefix(host, reg) : null;
    if (!domain) continue;
    const before = s.slice(Math.max(0, at - 128), at);
    const local = LOCAL_BEFORE.exec(before)?.[0]?.replace(/^[._%+-]+/, '');
    if (!local) continue;
    const address = `${local}@${domain}`;
    const localStart = at - local.length;
    const name = NAME_BEFORE.exec(s.slice(Math.max(0, localStart - 100), localStart))?.[1]?.trim() ?? '';
    if (!out.has(address) || (name && !out.get(address))) out.set(address, name);
  }
}

// ---- decodings of a text, each searched again ----

/**
 * What one search has decoded already: a base64 run (the same runs recur in a text's percent-, QP-
 * and HTML-decoded copies) is decoded once; a text already searched at a depth is not searched
 * again at that depth or a deeper one (the search would find the same addresses, in the same order).
 */
interface SearchMemo {
  readonly base64: Map<string, readonly string[]>;
  readonly searched: Map<string, number>;
}

/** `@` only comes from this byte in UTF-8: a decoding without it cannot hold an address. */
const AT = 0x40;

/** Value of each base64 (and base64url) character; -1 for others. */
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) BASE64_VALUE[c.charCodeAt(0)] = i;
BASE64_VALUE['-'.charCodeAt(0)] = 62;
BASE64_VALUE['_'.charCodeAt(0)] = 63;

/**
 * Whether some decoding of the run, at any offset, can hold the byte 0x40: each byte of base64 is
 * made of two neighbouring characters (6+2, 4+4 or 2+6 bits), so 0x40 needs a pair `v, w` with
 * v = 16 and w < 16, v & 15 = 4 and w < 4, or v & 3 = 1 and w = 0. Words of lower-case letters
 * and digits have none: they are not decoded at all.
 */
function mayHoldAt(run: string): boolean {
  for (let i = 1; i < run.length; i++) {
    const w = BASE64_VALUE[run.charCodeAt(i)] ?? -1;
    if (w < 0 || w >= 16) continue;
    const v = BASE64_VALUE[run.charCodeAt(i - 1)] ?? -1;
    if (v === 16 || ((v & 15) === 4 && w < 4) || ((v & 3) === 1 && w === 0)) return true;
  }
  return false;
}

/** The decodings of one base64 run (at each of the four offsets) that hold an `@` and are mostly text. */
function decodeBase64Run(run: string): readonly string[] {
  const out: string[] = [];
  if (!mayHoldAt(run)) return out;
  const body = run.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  for (let off = 0; off < 4; off++) {
    const bytes = Buffer.from(body.slice(off), 'base64');
    if (!bytes.includes(AT)) continue;
    const text = bytes.toString('utf8');
    if (isMostlyText(text.replace(/^[^\x20-\x7e]{1,2}|[^\x20-\x7e]{1,2}$/g, ''))) out.push(text);
  }
  return out;
}

/** Value of each hex digit; -1 for others. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [...'0123456789abcdef'].entries()) HEX_VALUE[c.charCodeAt(0)] = HEX_VALUE[c.toUpperCase().charCodeAt(0)] = i;

/** Base64 runs of 12 characters or more, cut into pieces of at most 4,096; hex runs of 16 or more, into pieces of at most 4,097. */
const BASE64_RUN = { min: 12, max: 4096 };
const HEX_RUN = { min: 16, max: 4097 };

/**
 * Each whole run in s[from, to) of the characters `table` gives a value (>= 0), with at least
 * `min` of them. One pass over the characters: a regex (`/[A-Za-z0-9+/_-]{12,4096}/g`) tries
 * again at each character of every shorter word, and was a third of the victim search on real
 * mail (issue 17).
 */
function eachRun(s: string, table: Int8Array, min: number, from: number, to: number, run: (start: number, end: number) => void): void {
  for (let i = from; i < to;) {
    const c = s.charCodeAt(i);
    if (c >= 128 || table[c]! < 0) {
      i++;
      continue;
    }
    let end = i + 1;
    for (; end < to; end++) {
      const d = s.charCodeAt(end);
      if (d >= 128 || table[d]! < 0) break;
    }
    if (end - i >= min) run(i, end);
    i = end;
  }
}

/** A run cut as `/[…]{min,max}/g` cuts it: pieces of `max` from its start, a last piece shorter than `min` dropped. */
function eachPiece(start: number, end: number, size: { min: number; max: number }, piece: (start: number, end: number) => void): void {
  for (let at = start; end - at >= size.min; at += size.max) piece(at, Math.min(at + size.max, end));
}

/**
 * Base64 (standard or URL-safe, padded or not) and hex runs long enough to hold an address. Every
 * hex digit is a base64 character, so each hex run lies inside one base64 run and is looked for
 * only there.
 */
function encodedRuns(s: string): { base64: string[]; hex: string[] } {
  const base64: string[] = [];
  const hex: string[] = [];
  // An `@` is the pair `40` somewhere in a hex run: without one, nothing to decode.
  const mayHoldHex = s.includes('40');
  eachRun(s, BASE64_VALUE, BASE64_RUN.min, 0, s.length, (start, end) => {
    // The last piece of a run takes up to two `=` of padding after it along.
    const padded = end + (s.charCodeAt(end) === 0x3d ? (s.charCodeAt(end + 1) === 0x3d ? 2 : 1) : 0);
    eachPiece(start, end, BASE64_RUN, (a, b) => base64.push(s.slice(a, b === end ? padded : b)));
    if (mayHoldHex) eachRun(s, HEX_VALUE, HEX_RUN.min, start, end, (h, e) => eachPiece(h, e, HEX_RUN, (a, b) => hex.push(s.slice(a, b))));
  });
  return { base64, hex };
}

/** Decodings of base64 runs at each of the four offsets. */
function base64Decodings(runs: readonly string[], memo: SearchMemo): string[] {
  const out: string[] = [];
  for (const run of runs) {
    let texts = memo.base64.get(run);
    if (!texts) memo.base64.set(run, (texts = decodeBase64Run(run)));
    out.push(...texts);
  }
  return out;
}

function hexDecodings(runs: readonly string[]): string[] {
  const out: string[] = [];
  for (const run of runs) {
    if (!run.includes('40')) continue;
    for (const bytes of hexAlignments(run)) if (bytes.includes(AT)) out.push(bytes.toString('utf8'));
  }
  return out;
}

/** The texts to search besides `s` itself: each decoding that applies to it. */
function decodings(s: string, memo: SearchMemo): string[] {
  const out: string[] = [];
  if (ENCODING_MARKS.percent.test(s)) out.push(percentDecode(s));
  if (ENCODING_MARKS.qp.test(s)) out.push(qpDecode(s));
  if (ENCODING_MARKS.html.test(s)) out.push(htmlDecode(s));
  if (ENCODING_MARKS.js.test(s)) out.push(jsUnescape(s));
  const runs = encodedRuns(s);
  out.push(...base64Decodings(runs.base64, memo), ...hexDecodings(runs.hex));
  return out.filter((d) => d !== s);
}

const MAX_DEPTH = 2;
/** Bytes of one text searched (a hostile attachment could be huge; victims sit near the top). */
export const MAX_VICTIM_SCAN_CHARS = 4 * 1024 * 1024;

function scanDeep(text: string, reg: RegisteredDomains, out: Map<string, string>, depth: number, memo: SearchMemo): void {
  const head = text.slice(0, MAX_VICTIM_SCAN_CHARS);
  const before = memo.searched.get(head);
  if (before !== undefined && before <= depth) return;
  memo.searched.set(head, depth);
  scan(fold(head), reg, out);
  if (depth >= MAX_DEPTH) return;
  for (const d of decodings(head, memo)) scanDeep(d, reg, out, depth + 1, memo);
}

/** Header fields whose value is a list of addresses (display names paired with them are read). */
const ADDRESS_FIELDS = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'delivered-to',
  'x-original-to',
  'envelope-to',
  'x-envelope-to',
  'x-rcpt-to',
  'x-forwarded-to',
  'apparently-to',
  'resent-to',
  'resent-cc',
  'resent-bcc',
  'resent-from',
  'return-path',
  'disposition-notification-to',
  'return-receipt-to',
]);

/**
 * Every address at a registered domain found in these texts (and in the address fields of the
 * header, with their display names), each once, in folded form.
 */
export function findVictims(
  input: { readonly headers?: Pick<OriginalHeaders, 'to' | 'cc' | 'raw'>; readonly texts: Iterable<string> },
  reg: RegisteredDomains,
): MailAddress[] {
  const out = new Map<string, string>();
  const fields: MailAddress[] = [...(input.headers?.to ?? []), ...(input.headers?.cc ?? [])];
  for (const h of input.headers?.raw ?? []) {
    if (!ADDRESS_FIELDS.has(h.name)) continue;
    for (const a of addressparser(h.value, { flatten: true })) fields.push({ name: a.name ?? '', address: a.address ?? '' });
  }
  for (const a of fields) {
    const address = fold(a.address.trim());
    const at = address.lastIndexOf('@');
    const domain = at > 0 ? registeredPrefix(address.slice(at + 1), reg) : null;
    if (!domain) continue;
    const key = `${address.slice(0, at)}@${domain}`;
    if (!out.get(key)) out.set(key, a.name.trim());
  }
  const memo: SearchMemo = { base64: new Map(), searched: new Map() };
  for (const text of input.texts) scanDeep(text, reg, out, 0, memo);
  return [...out].map(([address, name]) => ({ address, name: name.includes('@') ? '' : name }));
}
