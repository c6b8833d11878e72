// Forwarded samples as participants send them: the suspicious original attached as
// message/rfc822 to a short note, built with the shared fixture builder.
import { buildMail, type FixtureAttachment } from '../../fixtures/mail-builder.ts';
import { DROP, SENDER } from './smtp-env.ts';

export interface ForwardSpec {
  /** The suspicious original, already built (to forward the very same bytes twice). */
  readonly original?: Buffer;
  /** The attachment of the suspicious original. */
  readonly attachment?: FixtureAttachment;
  readonly note?: string;
  readonly subject?: string;
  readonly originalSubject?: string;
  readonly originalMessageId?: string;
  /** More originals attached to the same forward. */
  readonly extraOriginals?: readonly Buffer[];
  readonly to?: string;
}

export interface BuiltForward {
  readonly original: Buffer;
  readonly forward: Buffer;
}

export async function buildOriginal(subject: string, messageId: string, attachment?: FixtureAttachment): Promise<Buffer> {
  return buildMail({
    from: 'Billing <billing@invoices-secure.example>',
    to: `taro@rail.example`,
    subject,
    messageId,
    text: 'Please open the attached invoice and enable content.',
    attachments: attachment ? [attachment] : [],
  });
}

export async function buildForward(spec: ForwardSpec = {}): Promise<BuiltForward> {
  const original =
    spec.original ??
    (await buildOriginal(spec.originalSubject ?? 'Invoice 4411', spec.originalMessageId ?? '<inv-4411@invoices-secure.example>', spec.attachment));
  const originals = [original, ...(spec.extraOriginals ?? [])];
  const forward = await buildMail({
    from: SENDER,
    to: spec.to ?? DROP,
    subject: spec.subject ?? 'FW: Invoice 4411',
    text: spec.note ?? 'Suspicious invoice received by our accounting team.',
    attachments: originals.map((o, i) => ({ filename: `original-${i + 1}.eml`, content: o, contentType: 'message/rfc822', encoding: '8bit' as const })),
  });
  return { original, forward };
}

/** A Word macro document, a zip and a PDF, enough like the real thing for their names and types. */
export const SAMPLE_ATTACHMENTS: Readonly<Record<'docm' | 'zip' | 'pdf', FixtureAttachment>> = {
  docm: {
    filename: 'invoice-4411.docm',
    contentType: 'application/vnd.ms-word.document.macroEnabled.12',
    content: Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('word/vbaProject.bin AutoOpen '.repeat(40))]),
  },
  zip: {
    filename: 'documents.zip',
    contentType: 'application/zip',
    content: Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('invoice.exe MZ '.repeat(40))]),
  },
  pdf: {
    filename: 'statement.pdf',
    contentType: 'application/pdf',
    content: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n'.repeat(20)),
  },
};
