// The text encodings phishing kits and mail software wrap identifiers in, decoded: shared by the
// victim search (victims.ts) and the redaction of values (redact-text.ts), so both read the same
// encodings the same way. Each decoder is linear in its input and never throws.
import { decodeHTML } from 'entities';

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Lone surrogates as U+FFFD, as a UTF-8 round trip writes them. */
function wellFormed(s: string): string {
  return /[\uD800-\uDFFF]/.test(s) ? Buffer.from(s, 'utf8').toString('utf8') : s;
}

/**
 * %XX escapes decoded as UTF-8; other characters kept as they are. Linear: the text between
 * escapes is copied as one slice, each run of escapes decoded as one buffer (a run cut by a
 * literal character decodes as it would in one buffer, since a literal never continues a sequence).
 */
export function percentDecode(s: string): string {
  let pct = s.indexOf('%');
  if (pct < 0) return wellFormed(s);
  let out = '';
  let from = 0;
  while (pct >= 0) {
    const bytes: number[] = [];
    let j = pct;
    while (j + 2 < s.length && s.charCodeAt(j) === 37 && isHex(s.charCodeAt(j + 1)) && isHex(s.charCodeAt(j + 2))) {
      bytes.push(parseInt(s.slice(j + 1, j + 3), 16));
      j += 3;
    }
    if (bytes.length === 0) {
      pct = s.indexOf('%', pct + 1);
      continue;
    }
    out += s.slice(from, pct) + Buffer.from(bytes).toString('utf8');
    from = j;
    pct = s.indexOf('%', j);
  }
  return wellFormed(out + s.slice(from));
}

/** Quoted-printable (`=40`, soft line breaks) decoded as UTF-8. */
export function qpDecode(s: string): string {
  return percentDecode(
    s
      .replace(/%/g, '%25')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, '%$1'),
  );
}

/** HTML character references, named and numeric (`&#64;`, `&#x40;`, `&commat;`). */
export function htmlDecode(s: string): string {
  return decodeHTML(s);
}

/** JSON and JavaScript escapes: `\u0040`, `\u{40}`, `\x40`, `\/`. */
export function jsUnescape(s: string): string {
  return s
    .replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})/g, (_, a?: string, b?: string, c?: string) => {
      const cp = parseInt(a ?? b ?? c ?? '0', 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    })
    .replace(/\\\//g, '/');
}

/**
 * A run of hex digits decoded at both alignments (pairs from its first digit, and from its second:
 * a stray digit before the encoded bytes shifts every pair), each to the longest whole number of pairs.
 */
export function hexAlignments(run: string): Buffer[] {
  const at = (from: number) => Buffer.from(run.slice(from, from + ((run.length - from) & ~1)), 'hex');
  return run.length < 3 ? [at(0)] : [at(0), at(1)];
}

/** Signs that a text holds each encoding (cheap tests before decoding). */
export const ENCODING_MARKS = {
  percent: /%[0-9a-fA-F]{2}/,
  qp: /=[0-9A-Fa-f]{2}|=\r?\n/,
  html: /&(?:#[xX]?[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?/,
  js: /\\(?:u[0-9a-fA-F{]|x[0-9a-fA-F]{2}|\/)/,
} as const;

/** At most one character in ten is a replacement or control character. */
export function isMostlyText(s: string): boolean {
  if (s.length === 0) return false;
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfffd || c <= 0x08 || (c >= 0x0e && c <= 0x1f)) bad++;
  }
  return bad * 10 <= s.length;
}
