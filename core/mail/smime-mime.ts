// S/MIME on a whole RFC 5322 message (RFC 8551): the message's content (its Content-* header fields
// and body) becomes the MIME entity that is signed (multipart/signed, RFC 1847, detached
// application/pkcs7-signature) and/or encrypted (application/pkcs7-mime; smime-type=enveloped-data).
// Every other header field (From, To, Subject, Date, Message-ID, Auto-Submitted, custom ones) stays
// outside, readable by relays and clients. Pure functions over bytes.
import { randomBytes } from 'node:crypto';
import { C4Error } from '../errors.ts';
import { envelope, signDetached, type SmimeSigner } from './smime.ts';

const CRLF = '\r\n';

export interface SplitMessage {
  /** Header fields that describe the message (raw, folded lines kept), in order. */
  readonly messageHeaders: readonly string[];
  /** Content-* header fields, which belong to the entity. */
  readonly contentHeaders: readonly string[];
  readonly body: Buffer;
}

/** Every line ending as CRLF (S/MIME signs the canonical form). Latin-1 keeps any byte as is. */
export function toCrlf(data: Buffer): Buffer {
  return Buffer.from(data.toString('latin1').replace(/\r?\n/g, CRLF), 'latin1');
}

/** Splits a message into its header fields (message vs content) and its body. */
export function splitMessage(raw: Buffer): SplitMessage {
  const text = toCrlf(raw);
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new C4Error('MALFORMED_MESSAGE', 'message has no header/body separator');
  const fields: string[] = [];
  for (const line of text.subarray(0, end).toString('latin1').split(CRLF)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += CRLF + line;
    else fields.push(line);
  }
  const isContent = (f: string) => /^content-/i.test(f);
  return { messageHeaders: fields.filter((f) => !isContent(f)), contentHeaders: fields.filter(isContent), body: text.subarray(end + 4) };
}

function entity(headers: readonly string[], body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(headers.map((h) => h + CRLF).join('') + CRLF, 'latin1'), body]);
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF) + CRLF;
}

function boundaryFor(content: Buffer): string {
  for (;;) {
    const b = `----=_C4TAP_Signed_${randomBytes(12).toString('hex')}`;
    if (!content.includes(b)) return b;
  }
}

/** A multipart/signed entity over `content` (a MIME entity in CRLF form). */
export function signedEntity(content: Buffer, signer: SmimeSigner, now: Date): Buffer {
  const signature = signDetached(content, signer, now);
  const boundary = boundaryFor(content);
  const headers = [`Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;${CRLF} boundary="${boundary}"`];
  const body = Buffer.concat([
    Buffer.from(`This is a cryptographically signed message in MIME format.${CRLF}${CRLF}--${boundary}${CRLF}`, 'latin1'),
    content,
    Buffer.from(
      `${CRLF}--${boundary}${CRLF}` +
        `Content-Type: application/pkcs7-signature; name="smime.p7s"${CRLF}` +
        `Content-Transfer-Encoding: base64${CRLF}` +
        `Content-Disposition: attachment; filename="smime.p7s"${CRLF}` +
        `Content-Description: S/MIME Cryptographic Signature${CRLF}${CRLF}` +
        base64Lines(signature) +
        `--${boundary}--${CRLF}`,
      'latin1',
    ),
  ]);
  return entity(headers, body);
}

/** An application/pkcs7-mime enveloped-data entity carrying `content` encrypted to the certificate. */
export function envelopedEntity(content: Buffer, recipientCertDer: Buffer, now: Date): Buffer {
  const cms = envelope(content, recipientCertDer, now);
  const headers = [
    'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="smime.p7m"',
    'Content-Description: S/MIME Encrypted Message',
  ];
  return entity(headers, Buffer.from(base64Lines(cms), 'latin1'));
}

export interface SmimeOptions {
  /** Sign with this identity (multipart/signed, detached, SHA-256). */
  readonly signer?: SmimeSigner | undefined;
  /** Encrypt to this certificate (DER), after signing. */
  readonly encryptTo?: Buffer | undefined;
  readonly now: Date;
}

/**
 * The message signed and/or encrypted: its content entity is replaced by the S/MIME entity, the
 * message header fields are kept as they were. Without a signer or recipient it is returned as is.
 */
export function applySmime(raw: Buffer, options: SmimeOptions): Buffer {
  if (!options.signer && !options.encryptTo) return raw;
  const split = splitMessage(raw);
  let content = entity(split.contentHeaders, split.body);
  if (options.signer) content = signedEntity(content, options.signer, options.now);
  if (options.encryptTo) content = envelopedEntity(content, options.encryptTo, options.now);
  return Buffer.concat([Buffer.from(split.messageHeaders.map((h) => h + CRLF).join(''), 'latin1'), content]);
}
