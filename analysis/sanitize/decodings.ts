// The text encodings phishing kits and mail software wrap identifiers in, decoded: shared by the
// victim search (victims.ts) and the redaction of values (redact-text.ts), so both read the same
// encodings the same way. Each decoder is linear in its input and never throws.
import { decodeHTML } from 'entities';

/** %XX escapes decoded as UTF-8; other characters kept as they are. */
export function percentDecode(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length;) {
    if (s[i] === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
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
