// One digest message for one recipient: subject with the class tag and period, the banner-topped
// text and HTML parts, headers, and the machine-readable files as the recipient chose (encrypted
// zip, authenticated link, or nothing). Nothing identifying a submitter is in the input's records
// that reach the output: only views' derived figures, and campaign names.
import type { OutboundAttachment, OutboundMail } from '../../../core/mailer.ts';
import { formatDay } from './dates.ts';
import { digestDocument } from './document.ts';
import { digestZip } from './files.ts';
import { filesNotice, type FilesNotice } from './files-notice.ts';
import { digestHtml } from './html.ts';
import { digestModel, oneLine } from './model.ts';
import { digestText } from './text.ts';
import type { DigestInput } from './types.ts';

async function attachments(input: DigestInput, notice: FilesNotice): Promise<readonly OutboundAttachment[]> {
  if (notice.kind !== 'zip') return [];
  const zip = await digestZip(input, notice.password);
  return [{ ...zip, contentType: 'application/zip' }];
}

export async function renderDigest(input: DigestInput): Promise<OutboundMail> {
  const { recipient } = input;
  const notice = filesNotice(recipient);
  const model = digestModel(input);
  const doc = digestDocument(model, {
    language: recipient.language,
    timeZone: recipient.timeZone,
    scheduleName: input.scheduleName,
    period: input.period,
    files: notice,
  });
  const period = `${formatDay(input.period.from, recipient.timeZone)} – ${formatDay(input.period.to, recipient.timeZone)}`;
  return {
    to: recipient.address,
    // ASCII tag first, as mail rules and the ingest's own subject tags expect it.
    subject: `[C4TAP:${model.class}] ${doc.title} ${period}`,
    text: digestText(doc),
    html: digestHtml(doc),
    attachments: await attachments(input, notice),
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'C4TAP-Class': model.class,
      'C4TAP-Digest': oneLine(input.scheduleName).replace(/[^\x20-\x7e]/g, '?'),
    },
  };
}
