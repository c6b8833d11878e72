// Inline forwards: the original's header block and body are part of the forwarding message's text.
import { toOriginalAttachment } from './from-parsed.ts';
import { cidsIn, htmlToPlain, splitHtmlAtForward } from './html-text.ts';
import { findInlineForward, parseInlineAddresses, type InlineForward } from './inline-markers.ts';
import { isoDate, type ParsedMime } from './parse-mime.ts';
import { reconstructMessage } from './reconstruct.ts';
import type { ForwardForm, OriginalHeaders, OriginalItem } from './types.ts';

export interface InlineSplit {
  readonly forward: InlineForward;
  /** The original's part of the HTML body, when the message has one and it could be cut. */
  readonly originalHtml: string | null;
  /** HTML of the note (only used to tell the submitter's signature images from the original's). */
  readonly noteHtml: string | null;
}

/** Find an inline forward in the plain text body, or in the HTML body when there is no text. */
export function findInline(parsed: ParsedMime): InlineSplit | null {
  const forward = (parsed.text ? findInlineForward(parsed.text) : null) ?? (parsed.html ? findInlineForward(htmlToPlain(parsed.html)) : null);
  if (!forward) return null;
  const cut = parsed.html ? splitHtmlAtForward(parsed.html) : null;
  return { forward, originalHtml: cut?.original ?? null, noteHtml: cut?.note ?? null };
}

function inlineHeaders(forward: InlineForward): OriginalHeaders {
  const f = forward.fields;
  const dateText = f.date ?? null;
  return {
    from: parseInlineAddresses(f.from),
    sender: [],
    replyTo: parseInlineAddresses(f.replyTo),
    to: parseInlineAddresses(f.to),
    cc: parseInlineAddresses(f.cc),
    subject: f.subject ?? null,
    date: isoDate(dateText),
    dateText,
    messageId: null,
    inReplyTo: null,
    returnPath: null,
    received: [],
    mailer: null,
    raw: [],
  };
}

/**
 * The original of an inline forward. Attachments of the forwarding message belong to the
 * original, except images referenced only from the note (the submitter's signature logo).
 */
export async function inlineItem(parsed: ParsedMime, split: InlineSplit, path: readonly ForwardForm[]): Promise<OriginalItem> {
  const noteCids = split.noteHtml ? cidsIn(split.noteHtml) : new Set<string>();
  const originalCids = split.originalHtml ? cidsIn(split.originalHtml) : new Set<string>();
  const attachments = parsed.attachments.filter((a) => !(a.contentId && noteCids.has(a.contentId) && !originalCids.has(a.contentId))).map(toOriginalAttachment);
  const headers = inlineHeaders(split.forward);
  const form = split.forward.form;
  const text = split.forward.body;
  const raw = await reconstructMessage({ form, headers, text, html: split.originalHtml, attachments });
  return { form, path, raw, rawSource: 'reconstructed', headers, text, html: split.originalHtml, attachments };
}
