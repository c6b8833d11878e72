// Links in an HTML body: attribute values that load or link something (href, src, action, …, a
// meta refresh target) and URLs written in the text. htmlparser2 decodes entities and is a
// streaming tokenizer (linear in the input); script and style contents are not text.
import { Parser } from 'htmlparser2';
import { findUrls } from './url.ts';

/** Attributes whose value is a URL. */
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'background', 'poster', 'data', 'cite', 'longdesc', 'xlink:href'];
const BLOCK_TAGS = new Set(['br', 'p', 'div', 'tr', 'td', 'th', 'li', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote']);
/** Upper bound on links taken from one body (a hostile body could hold millions). */
export const MAX_HTML_LINKS = 5000;

export interface HtmlLink {
  readonly url: string;
  /** `href`, `src`, … or `text` for a URL written in the text. */
  readonly where: string;
}

function refreshTarget(content: string): string | null {
  const m = /url\s*=\s*['"]?([^'"\s]+)/i.exec(content);
  return m ? m[1]! : null;
}

/** Links of an HTML body (attributes in document order, then the text's URLs) and its text. */
export function readHtml(html: string): { readonly links: readonly HtmlLink[]; readonly text: string } {
  const links: HtmlLink[] = [];
  const text: string[] = [];
  let skip = 0;
  const add = (url: string, where: string) => {
    if (links.length < MAX_HTML_LINKS && url.trim() !== '') links.push({ url: url.trim(), where });
  };
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === 'script' || name === 'style') skip++;
        if (BLOCK_TAGS.has(name)) text.push('\n');
        for (const attr of URL_ATTRIBUTES) {
          const value = attribs[attr];
          if (value !== undefined) add(value, attr);
        }
        if (attribs['srcset']) for (const part of attribs['srcset'].split(',')) add(part.trim().split(/\s+/)[0] ?? '', 'srcset');
        if (name === 'meta' && /refresh/i.test(attribs['http-equiv'] ?? '') && attribs['content']) {
          const target = refreshTarget(attribs['content']);
          if (target) add(target, 'meta-refresh');
        }
      },
      onclosetag(name) {
        if ((name === 'script' || name === 'style') && skip > 0) skip--;
        if (BLOCK_TAGS.has(name)) text.push('\n');
      },
      ontext(data) {
        if (skip === 0) text.push(data);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const plain = text.join('');
  for (const url of findUrls(plain)) add(url, 'text');
  return { links, text: plain };
}
