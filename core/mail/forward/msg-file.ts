// Attached Outlook .msg files (CFB/OLE2) read with @kenjiuno/msgreader.
// Headers come from the transport headers Outlook keeps for received mail when present, else
// from the MAPI properties (sender, recipients, subject, submit time, Internet Message-ID).
import msgreader from '@kenjiuno/msgreader';
import type { FieldsData } from '@kenjiuno/msgreader';
import iconv from 'iconv-lite';
import { headersOf } from './from-parsed.ts';
import { parseMime } from './parse-mime.ts';
import type { ForwardForm, MailAddress, OriginalAttachment, OriginalHeaders, OriginalItem, UnwrapLimits } from './types.ts';

// A CommonJS module with `exports.default`: Node's ESM interop hands over the exports object
// (class at `.default`), loaders honouring `__esModule` hand over the class itself.
type MsgReaderClass = typeof import('@kenjiuno/msgreader').default;
const imported: unknown = msgreader;
const MsgReader = (typeof imported === 'function' ? imported : (imported as { default: unknown }).default) as MsgReaderClass;
type MsgReader = InstanceType<MsgReaderClass>;

const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export function looksLikeMsg(content: Buffer): boolean {
  return content.subarray(0, 8).equals(CFB_MAGIC);
}

/** A fresh ArrayBuffer: msgreader ignores the byte offset of pooled Buffers. */
function ownArrayBuffer(buf: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return copy.buffer;
}

function codepageEncoding(cp: number | undefined): string | null {
  if (!cp || cp === 65001 || cp === 1200) return null;
  if (cp === 50220 || cp === 50221 || cp === 50222) return null; // ISO-2022-JP: not a PT_STRING8 codepage
  return iconv.encodingExists(`cp${cp}`) ? `cp${cp}` : null;
}

function readFields(content: Buffer): { reader: MsgReader; fields: FieldsData } {
  const first = new MsgReader(ownArrayBuffer(content));
  const fields = first.getFileData();
  const ansi = codepageEncoding(fields.messageCodepage ?? fields.internetCodepage);
  if (!ansi) return { reader: first, fields };
  // Non-Unicode (PT_STRING8) properties are in the message's code page, e.g. cp932 for Japanese.
  const second = new MsgReader(ownArrayBuffer(content));
  second.parserConfig = { ansiEncoding: ansi };
  return { reader: second, fields: second.getFileData() };
}

function htmlOf(fields: FieldsData): string | null {
  if (fields.bodyHtml) return fields.bodyHtml;
  if (!fields.html) return null;
  const enc = codepageEncoding(fields.internetCodepage) ?? 'utf8';
  return iconv.decode(Buffer.from(fields.html), enc);
}

function recipients(fields: FieldsData, type: 'to' | 'cc'): MailAddress[] {
  return (fields.recipients ?? [])
    .filter((r) => (r.recipType ?? 'to') === type)
    .map((r) => ({ name: r.name ?? '', address: r.smtpAddress ?? (r.email?.includes('@') ? r.email : '') }));
}

function propertyHeaders(fields: FieldsData): OriginalHeaders {
  const address = fields.senderSmtpAddress ?? (fields.senderEmail?.includes('@') ? fields.senderEmail : '') ?? '';
  const when = fields.clientSubmitTime ?? fields.messageDeliveryTime ?? null;
  const ms = when ? Date.parse(when) : NaN;
  return {
    from: fields.senderName || address ? [{ name: fields.senderName ?? '', address }] : [],
    sender: [],
    replyTo: [],
    to: recipients(fields, 'to'),
    cc: recipients(fields, 'cc'),
    subject: fields.subject ?? null,
    date: Number.isNaN(ms) ? null : new Date(ms).toISOString(),
    dateText: when,
    messageId: fields.messageId ?? null,
    inReplyTo: null,
    returnPath: null,
    received: [],
    mailer: null,
    raw: [],
  };
}

function attachmentsOf(reader: MsgReader, fields: FieldsData): OriginalAttachment[] {
  const out: OriginalAttachment[] = [];
  for (const a of fields.attachments ?? []) {
    if (a.attachmentHidden) continue;
    const data = reader.getAttachment(a);
    const name = data.fileName || a.fileName || a.fileNameShort || null;
    out.push({
      filename: a.innerMsgContent && name && !/\.msg$/i.test(name) ? `${name}.msg` : name,
      contentType: a.innerMsgContent ? 'application/vnd.ms-outlook' : (a.attachMimeTag ?? 'application/octet-stream').toLowerCase(),
      disposition: a.pidContentId ? 'inline' : 'attachment',
      contentId: a.pidContentId ?? null,
      content: Buffer.from(data.content),
    });
  }
  return out;
}

/** The original inside an attached .msg file, or a reason it could not be read. */
export async function msgItem(content: Buffer, path: readonly ForwardForm[], limits: UnwrapLimits): Promise<OriginalItem | { readonly error: string }> {
  let reader: MsgReader;
  let fields: FieldsData;
  try {
    ({ reader, fields } = readFields(content));
    if (fields.error) return { error: fields.error };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  let headers = propertyHeaders(fields);
  if (fields.headers) {
    const parsed = await parseMime(Buffer.from(fields.headers.replace(/\r?\n/g, '\r\n') + '\r\n\r\n', 'utf8'), limits);
    if (parsed.kind === 'parsed') {
      const t = headersOf(parsed);
      const p = headers;
      const list = <T>(a: readonly T[], b: readonly T[]) => (a.length ? a : b);
      headers = {
        ...t,
        from: list(t.from, p.from),
        to: list(t.to, p.to),
        cc: list(t.cc, p.cc),
        subject: t.subject ?? p.subject,
        date: t.date ?? p.date,
        dateText: t.dateText ?? p.dateText,
        messageId: t.messageId ?? p.messageId,
      };
    }
  }
  let attachments: OriginalAttachment[];
  try {
    attachments = attachmentsOf(reader, fields);
  } catch (err) {
    return { error: `attachments: ${err instanceof Error ? err.message : String(err)}` };
  }
  return {
    form: 'msg',
    path,
    raw: content,
    rawSource: 'msg',
    headers,
    text: fields.body ?? null,
    html: htmlOf(fields),
    attachments,
  };
}
