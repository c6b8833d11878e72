// Outbound mail (receipts, notifications, digests). One nodemailer code path with two transports:
// the configured relay, or — the embedded default — the outbox: each message is built by nodemailer
// and written durably as an .eml file under <dataDir>/outbox, where the console and the CLI show it.
import nodemailer from 'nodemailer';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { writeFileDurablyAsync } from './durable-file.ts';

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
  readonly outboxDir: string;
}

function message(settings: MailerSettings, mail: OutboundMail) {
  return {
    from: settings.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    attachments: (mail.attachments ?? []).map((a) => ({ ...a })),
    headers: { 'Auto-Submitted': 'auto-generated', ...(mail.headers ?? {}) },
  };
}

export function createMailer(settings: MailerSettings): Mailer {
  if (settings.relayHost) {
    const transport = nodemailer.createTransport({
      host: settings.relayHost,
      port: settings.relayPort,
      secure: settings.relaySecure,
      requireTLS: !settings.relaySecure,
      ...(settings.relayCa ? { tls: { ca: [...tls.rootCertificates, settings.relayCa] } } : {}),
      ...(settings.relayUser ? { auth: { user: settings.relayUser, pass: settings.relayPassword ?? '' } } : {}),
    });
    return {
      async send(mail) {
        const info = await transport.sendMail(message(settings, mail));
        return { messageId: info.messageId, via: 'relay' };
      },
    };
  }
  mkdirSync(settings.outboxDir, { recursive: true, mode: 0o700 });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    async send(mail) {
      const info = await transport.sendMail(message(settings, mail));
      const file = path.join(settings.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
      await writeFileDurablyAsync(file, info.message as Buffer, 0o600);
      return { messageId: info.messageId, via: file };
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
    names = readdirSync(outboxDir).filter((n) => n.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return names.map((n) => ({ file: path.join(outboxDir, n), raw: readFileSync(path.join(outboxDir, n)) }));
}
