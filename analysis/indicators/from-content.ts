// Candidates from the content (kind `network`): URLs in the text, in the HTML (href, src, … and
// text) and in files whose text is easy to read, with their hosts; e-mail addresses written in the
// content. Files are read as UTF-8 when they are text, otherwise their printable ASCII and UTF-16LE
// runs are searched (URLs in .lnk arguments, PDF /URI entries, scripts), with embedded X.509
// certificates blanked first (der-certificates.ts). A string cut off by the end of its run
// (`…lencr.org0`, `…gov.b`) fails the public-suffix check made in index.ts.
import type { CandidateSet } from './collect.ts';
import { blankCertificates } from './der-certificates.ts';
import { readHtml } from './html.ts';
import { MAX_LOCAL_PART, normalizeAddress, refang } from './normalize.ts';
import { canonicalUrl, findUrls } from './url.ts';

/** Bytes of each file searched for URLs. */
export const MAX_FILE_SCAN_BYTES = 4 * 1024 * 1024;

const LOCAL_CHAR = /^[\p{L}\p{N}._%+-]$/u;
const DOMAIN_AFTER = /^[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/u;

/** The local-part characters right before `at` (at most MAX_LOCAL_PART code units), scanned backwards. */
function localBefore(text: string, at: number): string {
  const stop = Math.max(0, at - MAX_LOCAL_PART);
  let i = at;
  while (i > stop) {
    const low = text.charCodeAt(i - 1);
    const pair = low >= 0xdc00 && low <= 0xdfff && i - 2 >= stop ? 2 : 1;
    if (!LOCAL_CHAR.test(text.slice(i - pair, i))) break;
    i -= pair;
  }
  // A run longer than the limit would give a truncated local part: none rather than a wrong one.
  if (i === stop && stop > 0 && LOCAL_CHAR.test(text[stop - 1] ?? '')) return '';
  return text.slice(i, at);
}

/** Address-shaped strings in text, found from each `@` outwards (linear: no scan of every position). */
export function findAddresses(text: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    const local = localBefore(text, at);
    const domain = DOMAIN_AFTER.exec(text.slice(at + 1, at + 1 + 600))?.[0];
    if (local && domain) out.push(`${local.replace(/^[._%+-]+/, '')}@${domain}`);
  }
  return out;
}
const HTML_TYPES = /^(?:text\/html|application\/xhtml\+xml|image\/svg\+xml)$/i;
const HTML_NAMES = /\.(?:html?|xhtml|svg|hta)$/i;

export function addUrl(set: CandidateSet, raw: string, field: string, detail?: string): void {
  const url = canonicalUrl(raw);
  if (!url) return;
  const origin = detail === undefined ? { field } : { field, detail };
  set.add({ type: 'url', value: url.value, unicode: url.unicode, kind: 'network', origin });
  const h = url.host;
  const type = h.kind === 'domain' ? 'domain-name' : h.kind === 'ipv4' ? 'ipv4-addr' : 'ipv6-addr';
  set.add({
    type,
    value: h.value,
    unicode: h.kind === 'domain' ? h.unicode : undefined,
    kind: 'network',
    origin: { field: `${field}-host`, ...(detail === undefined ? {} : { detail }) },
  });
}

function addAddresses(set: CandidateSet, text: string, field: string, detail?: string): void {
  for (const found of findAddresses(refang(text))) {
    const addr = normalizeAddress(found);
    if (addr)
      set.add({ type: 'email-addr', value: addr.value, unicode: addr.unicode, kind: 'network', origin: detail === undefined ? { field } : { field, detail } });
  }
}

/** URLs and addresses of a plain-text body or text file. */
export function textCandidates(set: CandidateSet, text: string, field: string, detail?: string): void {
  for (const url of findUrls(text)) addUrl(set, url, field, detail);
  addAddresses(set, text, field, detail);
}

/** Links, URLs and `mailto:` addresses of an HTML body or file. */
export function htmlCandidates(set: CandidateSet, html: string, field: string, detail?: string): void {
  const { links, text, hidden } = readHtml(html);
  for (const link of links) {
    const where = detail === undefined ? link.where : `${detail} ${link.where}`;
    if (/^mailto:/i.test(link.url)) {
      const addr = normalizeAddress(link.url);
      if (addr) set.add({ type: 'email-addr', value: addr.value, unicode: addr.unicode, kind: 'network', origin: { field, detail: where } });
    } else {
      addUrl(set, link.url, field, where);
    }
  }
  addAddresses(set, `${text}\n${hidden}`, field, detail);
}

function isUtf8Text(buf: Buffer): boolean {
  if (buf.includes(0)) return false;
  const text = buf.toString('utf8');
  return !text.includes('\ufffd') && !/[\u0001-\u0008\u000e-\u001a]/.test(text);
}

/** Printable ASCII runs, from single-byte and UTF-16LE readings of binary content. */
function printableRuns(buf: Buffer): string {
  const ascii = buf.toString('latin1').replace(/[^\x20-\x7e]+/g, '\n');
  const even = buf.length - (buf.length % 2);
  const utf16 = buf
    .subarray(0, even)
    .toString('utf16le')
    .replace(/[^\x20-\x7e]+/g, '\n');
  return `${ascii}\n${utf16}`;
}

/** URLs and addresses in a file's content (text, HTML, or strings of a binary). */
export function fileCandidates(
  set: CandidateSet,
  file: { readonly name: string | null; readonly contentType?: string | null; readonly content: Buffer },
): void {
  const buf = file.content.subarray(0, MAX_FILE_SCAN_BYTES);
  const detail = file.name ?? '(unnamed)';
  if (isUtf8Text(buf)) {
    const text = buf.toString('utf8');
    if (HTML_TYPES.test(file.contentType ?? '') || HTML_NAMES.test(file.name ?? '') || /^\s*<(?:!doctype|html|svg)/i.test(text)) {
      htmlCandidates(set, text, 'attachment', detail);
    } else {
      textCandidates(set, text, 'attachment', detail);
    }
    return;
  }
  for (const url of findUrls(printableRuns(blankCertificates(buf)))) addUrl(set, url, 'attachment', detail);
}
