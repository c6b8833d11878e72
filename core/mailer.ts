// Outbound mail (receipts, notifications, digests). One code path with two transports: every
// message is built once as bytes (core/mail/compose.ts: nodemailer's MailComposer, then S/MIME
// signing with the exchange's certificate and/or encryption to the recipient's when configured)
// and handed unchanged to the configured relay, or — the embedded default — written durably as an
// .eml file under <dataDir>/outbox, where the console and `c4tap outbox` show it.
import nodemailer from 'nodemailer';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { writeFileDurablyAsync } from './durable-file.ts';
import { systemClock, type Clock } from './ids.ts';
import { composeMessage, type ComposedMessage } from './mail/compose.ts';
import type { SmimeSigner } from './mail/smime.ts';

export interface OutboundAttachment {
  readonly filename: string;
  readonly content: Buffer | string;
  readonly contentType?: string;
}

export interface OutboundMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly attachments?: readonly OutboundAttachment[];
  /** Extra headers such as In-Reply-To, Auto-Submitted. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * PEM certificate of the recipient: the content (signed first, when signing is configured) is
   * encrypted to it (S/MIME enveloped-data, AES-256-CBC). The header fields stay readable.
   * An expired or non-RSA certificate fails the send with VALIDATION_FAILED.
   */
  readonly encryptTo?: string;
}

export interface SentMail {
  readonly messageId: string;
  /** Where it went: `relay` or the outbox file path. */
  readonly via: string;
}

export interface Mailer {
  send(mail: OutboundMail): Promise<SentMail>;
}

export interface MailerSettings {
  readonly from: string;
  readonly relayHost?: string | undefined;
  readonly relayPort: number;
  readonly relaySecure: boolean;
  readonly relayUser?: string | undefined;
  readonly relayPassword?: string | undefined;
  /** PEM of a CA to trust for the relay's certificate, besides the system CAs. */
  readonly relayCa?: string | undefined;
  /** Longest wait for the relay to connect, greet or answer one command (ms); default 60 s. */
  readonly relayTimeoutMs?: number | undefined;
  readonly outboxDir: string;
  /** Sign every message (S/MIME multipart/signed, SHA-256) with this identity. */
  readonly smime?: SmimeSigner | undefined;
  /** Date header, signing time and certificate validity checks; the system clock by default. */
  readonly clock?: Clock | undefined;
}

const DEFAULT_RELAY_TIMEOUT_MS = 60_000;

function compose(settings: MailerSettings, mail: OutboundMail): Promise<ComposedMessage> {
  return composeMessage({ ...mail, from: settings.from }, { signer: settings.smime, now: (settings.clock ?? systemClock)() });
}

export function createMailer(settings: MailerSettings): Mailer {
  if (settings.relayHost) {
    const timeout = settings.relayTimeoutMs ?? DEFAULT_RELAY_TIMEOUT_MS;
    const transport = nodemailer.createTransport({
      host: settings.relayHost,
      port: settings.relayPort,
      secure: settings.relaySecure,
      requireTLS: !settings.relaySecure,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      ...(settings.relayCa ? { tls: { ca: [...tls.rootCertificates, settings.relayCa] } } : {}),
      ...(settings.relayUser ? { auth: { user: settings.relayUser, pass: settings.relayPassword ?? '' } } : {}),
    });
    return {
      async send(mail) {
        const message = await compose(settings, mail);
        await transport.sendMail({ envelope: { from: message.envelope.from, to: [...message.envelope.to] }, raw: message.raw });
        return { messageId: message.messageId, via: 'relay' };
      },
    };
  }
  mkdirSync(settings.outboxDir, { recursive: true, mode: 0o700 });
  return {
    async send(mail) {
      const message = await compose(settings, mail);
      const file = path.join(settings.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
      await writeFileDurablyAsync(file, message.raw, 0o600);
      return { messageId: message.messageId, via: file };
    },
  };
}

export interface OutboxEntry {
  readonly file: string;
  readonly raw: Buffer;
}

/** Messages in the outbox, oldest first. */
export function listOutbox(outboxDir: string): OutboxEntry[] {
  let names: string[];
  try {
    names = readdirSync(outboxDir)
      .filter((n) => n.endsWith('.eml'))
      .sort();
  } catch {
    return [];
  }
  return names.map((n) => ({ file: path.join(outboxDir, n), raw: readFileSync(path.join(outboxDir, n)) }));
}
