// A link value as written in HTML, repaired the way it is meant to be followed.
//
// Rule (documented for analysts, checked in test/analysis/indicators-recall.test.ts):
// - leading and trailing white space and control characters go, and every TAB, CR and LF inside
//   goes: browsers do exactly this (WHATWG URL parser), and mail clients wrap long hrefs with
//   line breaks;
// - spaces inside the scheme and authority (`https://evil.exa mple/…`, `mailto:a@exa mple`) are
//   removed: no browser can follow such a link, a host name never holds a space, and mangled
//   wrapping is the only explanation seen in real mail;
// - spaces in the path, query or fragment are kept: a browser sends them as `%20`, and real mail
//   has them in file names (`/img/first premier vday.png`); canonicalUrl encodes them;
// - a protocol-relative link (`//host/path`) is taken as https, as a web mail client loads it.

const AUTHORITY = /^([a-z][a-z0-9+.-]{0,31}:\/\/)([^/?#]*)(.*)$/is;
const MAILTO = /^(mailto:)([^?]*)(.*)$/is;

export function repairLink(value: string): string {
  let v = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\r\n]+/g, '');
  if (v.startsWith('//')) v = `https:${v}`;
  const m = AUTHORITY.exec(v) ?? MAILTO.exec(v);
  return m ? `${m[1]}${m[2]!.replace(/ +/g, '')}${m[3]}` : v;
}

/** The URLs of a `srcset` value (HTML's parsing rules: a URL may hold commas, descriptors follow it). */
export function srcsetUrls(srcset: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = srcset.length;
  const space = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
  while (i < n) {
    while (i < n && (space(srcset[i]) || srcset[i] === ',')) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !space(srcset[i])) i++;
    let url = srcset.slice(start, i);
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      // Descriptors (`2x`, `100w`) run to the next comma outside parentheses.
      let depth = 0;
      while (i < n && !(srcset[i] === ',' && depth === 0)) {
        if (srcset[i] === '(') depth++;
        else if (srcset[i] === ')' && depth > 0) depth--;
        i++;
      }
    }
    if (url !== '') out.push(url);
  }
  return out;
}
