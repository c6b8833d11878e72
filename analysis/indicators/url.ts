// URLs in text and their canonical form. Finding is linear (bounded patterns); canonicalisation
// uses the WHATWG parser (scheme and host lower-case, IDN to punycode, default port dropped, dot
// segments resolved) and then normalises percent-encoding: escapes of unreserved characters are
// decoded, the others written with upper-case hex. The fragment is kept here: the sanitizer looks
// for victim identifiers in it and then removes it from what is published.
import { domainToUnicode } from 'node:url';
import { normalizeHost, refang, type NormalHost } from './normalize.ts';

/** Schemes whose URLs are indicators; others (cid:, data:, javascript:, tel:) are not. */
const SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ftps:']);

// Characters that end a URL in running text: white space, quotes, angle brackets, the pipe of
// text tables, and the Japanese and full-width characters that often follow a URL without a
// space. Non-ASCII host names (IDN) are still taken before the first slash. A `]` ends it too
// unless the URL opened a `[` (an IPv6 host, `a[]=1` in a query): see cutAtBracket.
const STOP = '\\s<>"\'`|\\u3000-\\u30ff\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef';
const URL_IN_TEXT = new RegExp(`\\b(?:(?:https?|ftps?)://|www\\.)[^${STOP}]{1,2048}`, 'gi');
const TRAILING = /[.,;:!?'"\u3001\u3002]+$/;

function trimClosing(url: string): string {
  let out = url.replace(TRAILING, '');
  // A closing bracket is part of the URL only when the URL opened one.
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
    ['{', '}'],
  ] as const) {
    while (out.endsWith(close) && out.split(open).length < out.split(close).length) out = out.slice(0, -1).replace(TRAILING, '');
  }
  return out;
}

/** The URL up to the first `]` that closes no `[` of its own (`[http://x/y]`, `[url]…[/url]`). */
function cutAtBracket(url: string): string {
  let depth = 0;
  for (let i = 0; i < url.length; i++) {
    if (url[i] === '[') depth++;
    else if (url[i] === ']' && --depth < 0) return url.slice(0, i);
  }
  return url;
}

/** URLs written in text, re-fanged, as written (not yet canonical); bare `www.` gets `http://`. */
export function findUrls(text: string): string[] {
  const out: string[] = [];
  for (const m of refang(text).matchAll(URL_IN_TEXT)) {
    const url = trimClosing(cutAtBracket(m[0]));
    out.push(/^www\./i.test(url) ? `http://${url}` : url);
  }
  return out;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-escapes of unreserved characters decoded, the other escapes in upper-case hex. */
export function normalizePercent(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

// What RFC 3986 allows unescaped in a path, query or fragment: unreserved, sub-delims, ':', '@',
// '/', '?', and '%' of a valid escape. The WHATWG parser leaves `|`, `[`, `]`, `^`, `{`, `}`, '`'
// and `\` as written in a query or fragment; a canonical URL escapes them (and any `#` after the
// first, and a `%` that starts no escape).
const DISALLOWED = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]|%(?![0-9A-Fa-f]{2})/gu;

/** The part with every character RFC 3986 does not allow there percent-encoded (UTF-8). */
export function encodeDisallowed(part: string, lead: '' | '?' | '#'): string {
  const body = lead === '' ? part : part.slice(1);
  return lead + body.replace(DISALLOWED, (ch) => encodeURIComponent(ch));
}

export interface CanonicalUrl {
  readonly value: string;
  /** The URL with its IDN host in Unicode, when different. */
  readonly unicode?: string;
  readonly host: NormalHost;
}

/** The canonical form of a URL, or null when it does not parse or is not http(s)/ftp(s). */
export function canonicalUrl(raw: string): CanonicalUrl | null {
  let u: URL;
  try {
    u = new URL(refang(raw.trim()));
  } catch {
    return null;
  }
  if (!SCHEMES.has(u.protocol)) return null;
  const host = normalizeHost(u.hostname);
  if (!host) return null;
  const hostText = host.kind === 'ipv6' ? `[${host.value}]` : host.value;
  const userinfo = u.username || u.password ? `${normalizePercent(u.username)}${u.password ? ':' + normalizePercent(u.password) : ''}@` : '';
  const port = u.port ? `:${u.port}` : '';
  const rest =
    encodeDisallowed(normalizePercent(u.pathname), '') +
    (u.search ? encodeDisallowed(normalizePercent(u.search), '?') : '') +
    (u.hash ? encodeDisallowed(normalizePercent(u.hash), '#') : '');
  const value = `${u.protocol}//${userinfo}${hostText}${port}${rest}`;
  if (host.kind !== 'domain' || !host.unicode) return { value, host };
  return { value, unicode: `${u.protocol}//${userinfo}${domainToUnicode(host.value)}${port}${rest}`, host };
}

/** The parts of a canonical URL: everything up to the host and port, and the rest. */
export function splitUrl(value: string): { readonly origin: string; readonly rest: string } {
  const m = /^([a-z]+:\/\/[^/?#]*)(.*)$/s.exec(value);
  return m ? { origin: m[1]!, rest: m[2]! } : { origin: value, rest: '' };
}
