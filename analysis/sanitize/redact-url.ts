// Victim identifiers inside a URL. The URL is cut into tokens at its delimiters (/ ? # & ; , =,
// keeping base64 padding with its token); each token is percent-decoded, searched in every
// encoding (redact-text.ts) and, when it carried an identifier, written back percent-encoded with
// the placeholder in place. A host name that carries an identifier cannot be rewritten into a
// usable indicator: such a URL is dropped. The fragment is removed from what is published.
import { domainToUnicode } from 'node:url';
import { normalizePercent } from '../indicators/url.ts';
import type { Identifier } from './identifiers.ts';
import { redactText, type Hit } from './redact-text.ts';

export type UrlRedaction =
  { readonly kind: 'kept'; readonly value: string; readonly hits: readonly Hit[] } | { readonly kind: 'dropped'; readonly hits: readonly Hit[] };

// A token, with trailing `=` padding when a delimiter or the end follows; or one delimiter.
const TOKENS = /[^/?#&;,=]+(?:=+(?=[/?#&;,]|$))?|[/?#&;,=]/g;

/** Percent-decoded until stable (double encoding is common in redirect chains), at most 3 times. */
function decodeToken(token: string): string {
  let cur = token;
  for (let i = 0; i < 3 && /%[0-9a-fA-F]{2}/.test(cur); i++) {
    try {
      cur = decodeURIComponent(cur);
    } catch {
      cur = cur.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
  }
  return cur;
}

/** The part after the host (path, query, fragment) or the user information, token by token. */
export function redactUrlPart(part: string, ids: readonly Identifier[]): { readonly text: string; readonly hits: readonly Hit[] } {
  const hits: Hit[] = [];
  let out = '';
  for (const m of part.matchAll(TOKENS)) {
    const token = m[0];
    if (token.length === 1 && '/?#&;,='.includes(token)) {
      out += token;
      continue;
    }
    const r = redactText(decodeToken(token), ids);
    if (r.hits.length === 0) {
      out += token;
      continue;
    }
    hits.push(...r.hits);
    out += normalizePercent(encodeURIComponent(r.text));
  }
  return { text: out, hits };
}

/** A canonical URL (analysis/indicators/url.ts) with victim identifiers replaced, or dropped. */
export function redactUrl(value: string, ids: readonly Identifier[]): UrlRedaction {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return { kind: 'dropped', hits: [] };
  }
  const host = u.hostname;
  for (const h of new Set([host, domainToUnicode(host)])) {
    const r = redactText(h, ids);
    if (r.hits.length > 0) return { kind: 'dropped', hits: r.hits };
  }
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:([^@/?#]*)@)?([^/?#]*)(.*)$/is.exec(value);
  if (!m) return { kind: 'dropped', hits: [] };
  const [, scheme, userinfo, hostPort, rest] = m;
  const user = userinfo === undefined ? null : redactUrlPart(userinfo, ids);
  const tail = redactUrlPart(rest ?? '', ids);
  const hits = [...(user?.hits ?? []), ...tail.hits];
  return { kind: 'kept', value: `${scheme}${user ? user.text + '@' : ''}${hostPort}${tail.text}`, hits };
}

/** The URL without its fragment, and the fragment removed ('' when there was none). */
export function withoutFragment(value: string): { readonly value: string; readonly fragment: string } {
  const hash = value.indexOf('#');
  return hash < 0 ? { value, fragment: '' } : { value: value.slice(0, hash), fragment: value.slice(hash) };
}
