// A participant's forward of a planted original, in the usual forms, rotating: the original
// attached as message/rfc822, as an .eml file, or inline below a Gmail "Forwarded message" block.
// The class directive is a `C4TAP-Class:` line of the forwarding note.
import { simpleParser, type AddressObject } from 'mailparser';
import { buildMail } from '../../test/fixtures/mail-builder.ts';
import { inlineHtml, inlineText } from '../../test/fixtures/inline-templates.ts';
import type { SharingClassName } from './plan.ts';

export const FORWARD_FORMS = ['rfc822', 'eml', 'inline'] as const;
export type ForwardForm = (typeof FORWARD_FORMS)[number];

export interface ForwardInput {
  readonly original: Buffer;
  readonly form: ForwardForm;
  readonly cls: SharingClassName;
  readonly submitter: string;
  readonly dropAddress: string;
}

function note(cls: SharingClassName): string {
  return `C4TAP-Class: ${cls}\nReceived by one of our staff; please analyse.`;
}

/**
 * The sender as a mail client shows it in an inline forward: the first address, with the first
 * display name. `From: KetoPlus, <service@…>` (an unquoted comma) parses as a bare name and an
 * address; Gmail still shows the address, so the forward must carry it.
 */
function firstAddress(a: AddressObject | AddressObject[] | undefined): { name: string; address: string } {
  const values = (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value);
  // A quoted name with an @ in it (`"Anna@Hofer", <service@…>`) parses as an address of its own: prefer one with a dotted domain.
  const withAddress = values.find((v) => /@[^@\s]+\.[^@\s]+$/.test(v.address ?? '')) ?? values.find((v) => v.address);
  return { name: withAddress?.name || values.find((v) => v.name)?.name || '', address: withAddress?.address ?? '' };
}

function toText(a: AddressObject | AddressObject[] | undefined): string {
  return (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.value.map((v) => v.address ?? '').join(', ')).join(', ');
}

async function inlineForward(input: ForwardInput): Promise<Buffer> {
  const o = await simpleParser(input.original, { skipTextLinks: true, skipImageLinks: true });
  const from = firstAddress(o.from);
  const original = {
    fromName: from.name,
    fromAddress: from.address,
    to: toText(o.to),
    subject: o.subject ?? '',
    text: o.text ?? '',
    ...(typeof o.html === 'string' ? { html: o.html } : {}),
  };
  return buildMail({
    from: input.submitter,
    to: input.dropAddress,
    subject: `Fwd: ${o.subject ?? ''}`.slice(0, 200),
    text: inlineText('inline-gmail', note(input.cls), original),
    html: inlineHtml('inline-gmail', note(input.cls), original),
    attachments: o.attachments.map((a) => ({
      filename: a.filename ?? 'attachment.bin',
      content: a.content,
      contentType: a.contentType,
      ...(a.cid ? { contentId: a.cid } : {}),
      disposition: a.contentDisposition === 'inline' ? ('inline' as const) : ('attachment' as const),
    })),
  });
}

export async function buildForward(input: ForwardInput): Promise<Buffer> {
  const base = { from: input.submitter, to: input.dropAddress, subject: 'Fwd: suspicious mail', text: note(input.cls) };
  switch (input.form) {
    case 'rfc822':
      return buildMail({ ...base, attachments: [{ content: input.original, contentType: 'message/rfc822', encoding: '8bit' }] });
    case 'eml':
      return buildMail({ ...base, attachments: [{ filename: 'suspicious.eml', content: input.original, contentType: 'application/octet-stream' }] });
    case 'inline':
      return inlineForward(input);
  }
}
