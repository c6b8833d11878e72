// What the outbox shows of a message: its header fields (parsed by mailparser, so encoded words and
// Japanese subjects read as text), its size and its S/MIME form. For `c4tap outbox` and the console.
import path from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { OutboxEntry } from '../mailer.ts';

export type SmimeForm = 'plain' | 'signed' | 'encrypted';

export interface OutboxSummary {
  /** File name inside the outbox. */
  readonly file: string;
  /** Date header as ISO time, or null. */
  readonly date: string | null;
  readonly to: string;
  readonly subject: string;
  readonly messageId: string | null;
  readonly size: number;
  readonly smime: SmimeForm;
}

function headerBlock(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  const lfEnd = raw.indexOf('\n\n');
  const cut = end >= 0 ? end + 4 : lfEnd >= 0 ? lfEnd + 2 : raw.length;
  return raw.subarray(0, cut);
}

export function smimeForm(contentType: string): SmimeForm {
  const t = contentType.toLowerCase();
  if (t.startsWith('multipart/signed')) return 'signed';
  if (/^application\/(x-)?pkcs7-mime/.test(t)) return 'encrypted';
  return 'plain';
}

function addressText(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ');
}

function contentTypeOf(parsed: ParsedMail): string {
  const ct = parsed.headers.get('content-type') as { value?: string } | string | undefined;
  return typeof ct === 'string' ? ct : (ct?.value ?? '');
}

/** Summary from the header fields only (the body is not decoded). */
export async function summarizeOutboxEntry(entry: OutboxEntry): Promise<OutboxSummary> {
  const parsed = await simpleParser(headerBlock(entry.raw), { skipTextToHtml: true, skipImageLinks: true });
  return {
    file: path.basename(entry.file),
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    to: addressText(parsed.to),
    subject: parsed.subject ?? '',
    messageId: parsed.messageId ?? null,
    size: entry.raw.length,
    smime: smimeForm(contentTypeOf(parsed)),
  };
}

export interface OutboxMessage extends OutboxSummary {
  readonly from: string;
  /** The plain-text body; empty for encrypted mail (only the recipient can read it). */
  readonly text: string;
  readonly attachments: readonly { readonly filename: string; readonly contentType: string; readonly size: number }[];
}

/** The whole message as a reader sees it (signed mail shows its content; encrypted mail cannot). */
export async function readOutboxMessage(entry: OutboxEntry): Promise<OutboxMessage> {
  const summary = await summarizeOutboxEntry(entry);
  const parsed = await simpleParser(entry.raw, { skipTextToHtml: true, skipImageLinks: true });
  return {
    ...summary,
    from: addressText(parsed.from),
    text: summary.smime === 'encrypted' ? '' : (parsed.text ?? ''),
    attachments: parsed.attachments
      .filter((a) => !/^application\/(x-)?pkcs7-(signature|mime)$/i.test(a.contentType))
      .map((a) => ({ filename: a.filename ?? '(unnamed)', contentType: a.contentType, size: a.size })),
  };
}
