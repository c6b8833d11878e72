// One outgoing message as bytes: nodemailer's MailComposer builds the MIME message (headers,
// text/HTML, attachments), then S/MIME signs and/or encrypts its content (smime-mime.ts). The
// result is what both transports send unchanged: the relay (SMTP) and the outbox (.eml file).
import MailComposer from 'nodemailer/lib/mail-composer';
import addressparser from 'nodemailer/lib/addressparser';
import { C4Error } from '../errors.ts';
import { certificatesFromPem, type SmimeSigner } from './smime.ts';
import { applySmime } from './smime-mime.ts';

export interface ComposeInput {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
  readonly attachments?: readonly { readonly filename: string; readonly content: Buffer | string; readonly contentType?: string | undefined }[] | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** PEM certificate to encrypt to (S/MIME enveloped-data). */
  readonly encryptTo?: string | undefined;
}

export interface ComposedMessage {
  readonly raw: Buffer;
  readonly messageId: string;
  /** SMTP envelope: MAIL FROM and RCPT TO addresses. */
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
}

function addresses(text: string): string[] {
  return addressparser(text, { flatten: true })
    .map((a) => a.address)
    .filter((a): a is string => Boolean(a));
}

/** The recipient certificate of `encryptTo` as DER; VALIDATION_FAILED when it holds none. */
function recipientCertificate(pem: string): Buffer {
  const [der] = certificatesFromPem(pem);
  if (!der) throw new C4Error('VALIDATION_FAILED', 'encryptTo holds no PEM certificate');
  return der;
}

export async function composeMessage(input: ComposeInput, smime: { readonly signer?: SmimeSigner | undefined; readonly now: Date }): Promise<ComposedMessage> {
  const wrapped = Boolean(smime.signer || input.encryptTo);
  const encryptTo = input.encryptTo ? recipientCertificate(input.encryptTo) : undefined;
  const node = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    text: input.text,
    ...(input.html ? { html: input.html } : {}),
    attachments: (input.attachments ?? []).map((a) => ({ ...a })),
    headers: { 'Auto-Submitted': 'auto-generated', ...(input.headers ?? {}) },
    date: smime.now,
    // Signed text must survive relays that strip trailing spaces or re-wrap long lines.
    ...(wrapped ? { textEncoding: 'quoted-printable' as const } : {}),
  }).compile();
  const built = await node.build();
  const raw = wrapped ? applySmime(built, { signer: smime.signer, encryptTo, now: smime.now }) : built;
  const envelope = { from: addresses(input.from)[0] ?? '', to: addresses(input.to) };
  if (envelope.to.length === 0) throw new C4Error('VALIDATION_FAILED', 'outgoing mail has no recipient address');
  return { raw, messageId: node.messageId(), envelope };
}
