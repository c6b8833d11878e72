// An RFC 5322 message rebuilt from an inline forward, so every original has raw bytes to store
// and export. It carries only what the forward kept: no invented Message-ID or Date (those would
// become false indicators), and an X-C4TAP-Reconstructed header naming the form.
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ForwardForm, MailAddress, OriginalAttachment, OriginalHeaders } from './types.ts';

const withAddress = (list: readonly MailAddress[]) => list.filter((a) => a.address).map((a) => ({ name: a.name, address: a.address }));

/** Remove top-level header fields (with their folded lines) by lower-case name. */
function dropHeaderFields(message: Buffer, names: ReadonlySet<string>): Buffer {
  const end = message.indexOf('\r\n\r\n');
  if (end < 0) return message;
  const head = message.toString('latin1', 0, end).split('\r\n');
  const kept: string[] = [];
  let dropping = false;
  for (const line of head) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = names.has(line.slice(0, line.indexOf(':')).trim().toLowerCase());
    if (!dropping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(kept.join('\r\n'), 'latin1'), message.subarray(end)]);
}

export async function reconstructMessage(input: {
  readonly form: ForwardForm;
  readonly headers: OriginalHeaders;
  readonly text: string | null;
  readonly html: string | null;
  readonly attachments: readonly OriginalAttachment[];
}): Promise<Buffer> {
  const { headers } = input;
  const extra: Record<string, string> = { 'X-C4TAP-Reconstructed': input.form };
  const nameOnly = headers.from.filter((a) => !a.address).map((a) => a.name);
  if (nameOnly.length) extra['X-C4TAP-Forwarded-From'] = nameOnly.join(', ');
  if (headers.dateText && !headers.date) extra['X-C4TAP-Forwarded-Date'] = headers.dateText;
  const composer = new MailComposer({
    from: withAddress(headers.from),
    to: withAddress(headers.to),
    cc: withAddress(headers.cc),
    replyTo: withAddress(headers.replyTo),
    subject: headers.subject ?? undefined,
    date: headers.date ? new Date(headers.date) : undefined,
    text: input.text ?? undefined,
    html: input.html ?? undefined,
    headers: extra,
    attachments: input.attachments.map((a) => ({
      filename: a.filename ?? false,
      content: a.content,
      contentType: a.contentType,
      contentDisposition: a.disposition,
      cid: a.contentId ?? undefined,
    })),
  });
  const built = await composer.compile().build();
  const drop = new Set(['message-id']);
  if (!headers.date) drop.add('date');
  return dropHeaderFields(built, drop);
}
