// URLs in text and their canonical form. Finding is linear (bounded patterns); canonicalisation
// uses the WHATWG parser (scheme and host lower-case, IDN to punycode, default port dropped, dot
// segments resolved) and then normalises percent-encoding: escapes of unreserved characters are
// decoded, the others written with upper-case hex. The fragment is kept here: the sanitizer looks
// for victim identifiers in it and then removes it from what is published.
import { domainToUnicode } from 'node:url';
import { normalizeHost, refang, type NormalHost } from './normalize.ts';

/** Schemes whose URLs are indicators; others (cid:, data:, javascript:, tel:) are not. */
const SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ftps:']);

// Characters that end a URL in running text: white space, quotes, angle brackets, and the
// Japanese and full-width characters that often follow a URL without a space. Non-ASCII host
// names (IDN) are still taken before the first slash.
const STOP = '\\s<>"\'`\\u3000-\\u30ff\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef';
const URL_IN_TEXT = new RegExp(`\\b(?:(?:https?|ftps?)://|www\\.)[^${STOP}]{1,2048}`, 'gi');
const TRAILING = /[.,;:!?'"\u3001\u3002]+$/;

function trimClosing(url: string): string {
  let out = url.replace(TRAILING, '');
  // A closing bracket is part of the URL only when the URL opened one.
  for (const [open, close] of [['(', ')'], ['[', ']'], ['{', '}']] as const) {
    while (out.endsWith(close) && out.split(open).length < out.split(close).length) out = out.slice(0, -1).replace(TRAILING, '');
  }
  return out;
}

/** URLs written in text, re-fanged, as written (not yet canonical); bare `www.` gets `http://`. */
export function findUrls(text: string): string[] {
  const out: string[] = [];
  for (const m of refang(text).matchAll(URL_IN_TEXT)) {
    const url = trimClosing(m[0]);
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
  const rest = normalizePercent(u.pathname) + normalizePercent(u.search) + normalizePercent(u.hash);
  const value = `${u.protocol}//${userinfo}${hostText}${port}${rest}`;
  if (host.kind !== 'domain' || !host.unicode) return { value, host };
  return { value, unicode: `${u.protocol}//${userinfo}${domainToUnicode(host.value)}${port}${rest}`, host };
}

/** The parts of a canonical URL: everything up to the host and port, and the rest. */
export function splitUrl(value: string): { readonly origin: string; readonly rest: string } {
  const m = /^([a-z]+:\/\/[^/?#]*)(.*)$/s.exec(value);
  return m ? { origin: m[1]!, rest: m[2]! } : { origin: value, rest: '' };
}
