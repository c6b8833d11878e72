// Links in the attributes of one HTML (or VML) element: attributes whose value is a URL, srcset,
// a meta refresh target, CSS url() in style=, and URLs written in any other attribute (title=,
// data-*, alt=, onclick=, a meta content=…), except XML namespace names.
import { cssUrls } from './css.ts';
import { repairLink, srcsetUrls } from './link-repair.ts';
import { findUrls } from './url.ts';

/** Attributes whose value is a URL (VML's `o:href` and SVG's `xlink:href` too). */
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'background',
  'poster',
  'data',
  'cite',
  'longdesc',
  'xlink:href',
  'o:href',
  'lowsrc',
  'dynsrc',
  'manifest',
  'ping',
]);
/** Attributes holding identifiers that look like URLs but are never fetched. */
const NOT_LINKS = /^(?:xmlns(?::.*)?|itemtype|itemprop|itemid|profile|prefix|vocab|typeof|property|datatype|class|id)$/;

export interface HtmlLink {
  readonly url: string;
  /** `href`, `src`, `style`, `title`, `data-…`, `meta-refresh`, … or `text` for a URL written in the text. */
  readonly where: string;
}

/**
 * The target of a meta refresh (`5; url='…'`, `0;URL=…`, or `0; https://…` without `url=`, which
 * browsers follow too).
 */
export function refreshTarget(content: string): string | null {
  const m = /^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*)$/is.exec(content);
  if (!m) return null;
  const rest = m[1] ? m[2]!.split(m[1])[0]! : m[2]!;
  return rest.trim() === '' ? null : rest.trim();
}

/** Links of one element's attributes, in attribute order. */
export function attributeLinks(tag: string, attribs: Readonly<Record<string, string>>): HtmlLink[] {
  const out: HtmlLink[] = [];
  const isRefresh = tag === 'meta' && /refresh/i.test(attribs['http-equiv'] ?? '');
  for (const [name, value] of Object.entries(attribs)) {
    if (URL_ATTRIBUTES.has(name)) {
      out.push({ url: repairLink(value), where: name });
    } else if (name === 'srcset' || name === 'imagesrcset') {
      for (const url of srcsetUrls(value)) out.push({ url: repairLink(url), where: 'srcset' });
    } else if (name === 'style') {
      for (const url of cssUrls(value)) out.push({ url: repairLink(url), where: 'style' });
    } else if (isRefresh && name === 'content') {
      const target = refreshTarget(value);
      if (target) out.push({ url: repairLink(target), where: 'meta-refresh' });
    } else if (!NOT_LINKS.test(name) && /:\/\/|www\.|\[\.\]/i.test(value)) {
      for (const url of findUrls(value)) out.push({ url, where: name });
    }
  }
  return out;
}
