// Inline images: attachments the HTML body shows through `cid:` (signature logos, `image001.png`).
// They are context of the mail, not malicious files: their hashes and names are kept for the
// analyst under the warning list `inline-image`, which withholds them from publication.
import { createHash } from 'node:crypto';
import { readHtml } from './html.ts';

/** Warning-list name put on the hashes and names of inline images. */
export const INLINE_IMAGE_LIST = 'inline-image';

export interface InlineImageItem {
  readonly html: string | null;
  readonly attachments: readonly { readonly contentType: string; readonly contentId?: string | null; readonly content: Buffer }[];
}

/** A Content-ID or `cid:` reference in comparable form: no brackets, percent-decoded, lower-case. */
function cidKey(text: string): string {
  let s = text.trim().replace(/^<|>$/g, '');
  try {
    s = decodeURIComponent(s);
  } catch {
    // keep as written
  }
  return s.trim().toLowerCase();
}

const isImage = (contentType: string) => /^\s*image\//i.test(contentType);

/** Content ids referenced by `cid:` in the HTML body that belong to image/* attachments. */
export function inlineImageIds(item: InlineImageItem): ReadonlySet<string> {
  if (!item.html || !item.attachments.some((a) => a.contentId && isImage(a.contentType))) return new Set();
  const referenced = new Set(
    readHtml(item.html)
      .links.filter((l) => /^cid:/i.test(l.url))
      .map((l) => cidKey(l.url.slice(4))),
  );
  const out = new Set<string>();
  for (const a of item.attachments) {
    if (a.contentId && isImage(a.contentType) && referenced.has(cidKey(a.contentId))) out.add(a.contentId);
  }
  return out;
}

/** SHA-256 (hex) of the attachments that are inline images. */
export function inlineImageHashes(item: InlineImageItem): ReadonlySet<string> {
  const ids = inlineImageIds(item);
  const out = new Set<string>();
  for (const a of item.attachments) {
    if (a.contentId && ids.has(a.contentId) && isImage(a.contentType)) out.add(createHash('sha256').update(a.content).digest('hex'));
  }
  return out;
}
