// Links in an HTML body: attribute values that load or link something (see html-attributes.ts),
// CSS url() in <style>, URLs written in the text and in scripts, and everything inside comments —
// Outlook conditional comments (`<!--[if mso]><v:roundrect href=…>`) hold real buttons, so a
// comment's text is read again as HTML. htmlparser2 decodes entities and is a streaming tokenizer
// (linear in the input); comments are re-read to a bounded depth and byte budget, so a hostile
// body stays linear.
import { Parser } from 'htmlparser2';
import { cssUrls } from './css.ts';
import { attributeLinks, type HtmlLink } from './html-attributes.ts';
import { repairLink } from './link-repair.ts';
import { findUrls } from './url.ts';

export type { HtmlLink } from './html-attributes.ts';

const BLOCK_TAGS = new Set(['br', 'p', 'div', 'tr', 'td', 'th', 'li', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote']);
/** Upper bound on links taken from one body (a hostile body could hold millions). */
export const MAX_HTML_LINKS = 5000;
/** Comments inside comments read again at most this deep. */
export const MAX_COMMENT_DEPTH = 3;

interface Reading {
  readonly links: HtmlLink[];
  /** Text of comments and scripts: searched for addresses, never shown. */
  readonly hidden: string[];
  /** Bytes of comments still allowed to be re-read. */
  budget: number;
}

/** Reads one document (depth 0) or comment (depth > 0) into `r`; returns its text. */
function read(html: string, depth: number, r: Reading): string {
  const text: string[] = [];
  const prefix = depth === 0 ? '' : 'comment ';
  let skip: 'script' | 'style' | null = null;
  const add = (url: string, where: string) => {
    if (r.links.length < MAX_HTML_LINKS && url.trim() !== '') r.links.push({ url: url.trim(), where: prefix + where });
  };
  // Script and style contents may arrive in several chunks: read them whole at the closing tag.
  const code: string[] = [];
  const flush = () => {
    const body = code.join('');
    code.length = 0;
    if (skip === 'style') for (const url of cssUrls(body)) add(repairLink(url), 'style-block');
    if (skip === 'script') for (const url of findUrls(body)) add(url, 'script');
    if (skip !== null) r.hidden.push('\n', body, '\n');
    skip = null;
  };
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === 'script' || name === 'style') {
          flush();
          skip = name;
        }
        if (BLOCK_TAGS.has(name)) text.push('\n');
        for (const link of attributeLinks(name, attribs)) add(link.url, link.where);
      },
      onclosetag(name) {
        if (name === skip) flush();
        if (BLOCK_TAGS.has(name)) text.push('\n');
      },
      ontext(data) {
        (skip === null ? text : code).push(data);
      },
      oncomment(data) {
        r.hidden.push('\n');
        if (depth + 1 <= MAX_COMMENT_DEPTH && data.length <= r.budget) {
          r.budget -= data.length;
          read(data, depth + 1, r);
        } else {
          for (const url of findUrls(data)) add(url, 'comment');
          r.hidden.push(data);
        }
        r.hidden.push('\n');
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  flush();
  const plain = text.join('');
  if (depth > 0) {
    for (const url of findUrls(plain)) add(url, 'text');
    r.hidden.push(plain);
  }
  return plain;
}

export interface HtmlReading {
  readonly links: readonly HtmlLink[];
  readonly text: string;
  readonly hidden: string;
}

/**
 * The body read last: an analysis reads one original's HTML for its indicators, its inline images
 * and its evidence, so it is parsed once instead of three times. One entry, frozen.
 */
let last: { readonly html: string; readonly reading: HtmlReading } | null = null;

/**
 * Links of an HTML body (attributes in document order, then URLs of the text), its visible text,
 * and the text of its comments and scripts (for addresses; never shown).
 */
export function readHtml(html: string): HtmlReading {
  if (last !== null && last.html === html) return last.reading;
  const r: Reading = { links: [], hidden: [], budget: html.length };
  const text = read(html, 0, r);
  for (const url of findUrls(text)) r.links.push({ url, where: 'text' });
  const reading: HtmlReading = { links: Object.freeze(r.links.slice(0, MAX_HTML_LINKS)), text, hidden: r.hidden.join('') };
  last = { html, reading };
  return reading;
}
