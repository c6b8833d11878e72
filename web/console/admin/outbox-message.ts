// An outbox message (.eml written by the notifier) as a person reads it: header fields decoded,
// the text body decoded from quoted-printable/base64 and its charset, line ends as lines. Parsed
// with mailparser, the parser ingest uses; the raw source stays available for checking.
import { simpleParser } from 'mailparser';

export interface OutboxMessage {
  readonly headers: readonly (readonly [string, string])[];
  readonly text: string;
  readonly attachments: readonly string[];
}

const SHOWN = ['from', 'to', 'cc', 'subject', 'date', 'message-id', 'auto-submitted'];

export async function readOutboxMessage(raw: Buffer): Promise<OutboxMessage | null> {
  try {
    const mail = await simpleParser(raw, { skipHtmlToText: false, skipImageLinks: true });
    const headers: [string, string][] = [];
    for (const line of mail.headerLines) {
      if (!SHOWN.includes(line.key)) continue;
      const v = mail.headers.get(line.key);
      const text =
        typeof v === 'string'
          ? v
          : v instanceof Date
            ? v.toISOString()
            : v && typeof v === 'object' && 'text' in v
              ? String((v as { text: unknown }).text)
              : line.line.slice(line.line.indexOf(':') + 1).trim();
      headers.push([line.key, text]);
    }
    return { headers, text: (mail.text ?? '').replace(/\r\n?/g, '\n'), attachments: mail.attachments.map((a) => a.filename ?? a.contentType) };
  } catch {
    return null;
  }
}
