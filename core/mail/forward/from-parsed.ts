// Typed original items from a parsed MIME message.
import { addressesOf, isoDate, stringHeader, stringHeaders, type ParsedAttachment, type ParsedMime } from './parse-mime.ts';
import type { ForwardForm, OriginalAttachment, OriginalHeaders, OriginalItem, OuterInfo, RawSource } from './types.ts';

export function headersOf(parsed: ParsedMime): OriginalHeaders {
  const h = parsed.headers;
  const dateText = parsed.rawHeaders.find((r) => r.name === 'date')?.value ?? null;
  const returnPath = addressesOf(h, 'return-path')[0]?.address ?? null;
  return {
    from: addressesOf(h, 'from'),
    sender: addressesOf(h, 'sender'),
    replyTo: addressesOf(h, 'reply-to'),
    to: addressesOf(h, 'to'),
    cc: addressesOf(h, 'cc'),
    subject: stringHeader(h, 'subject'),
    date: isoDate(dateText),
    dateText,
    messageId: stringHeader(h, 'message-id'),
    inReplyTo: stringHeader(h, 'in-reply-to'),
    returnPath: returnPath || null,
    received: stringHeaders(h, 'received'),
    mailer: stringHeader(h, 'x-mailer') ?? stringHeader(h, 'user-agent'),
    raw: parsed.rawHeaders,
  };
}

export function outerInfoOf(parsed: ParsedMime): OuterInfo {
  const headers = headersOf(parsed);
  return { subject: headers.subject, from: headers.from, to: headers.to, cc: headers.cc, messageId: headers.messageId, date: headers.date };
}

export function toOriginalAttachment(a: ParsedAttachment): OriginalAttachment {
  return {
    filename: a.filename,
    contentType: a.declaredType,
    disposition: a.disposition,
    contentId: a.contentId,
    content: a.content,
  };
}

export function itemFromParsed(parsed: ParsedMime, raw: Buffer, rawSource: RawSource, path: readonly ForwardForm[]): OriginalItem {
  return {
    form: path[path.length - 1] ?? 'none',
    path,
    raw,
    rawSource,
    headers: headersOf(parsed),
    text: parsed.text,
    html: parsed.html,
    attachments: parsed.attachments.map(toOriginalAttachment),
  };
}
