// A real SMTP server on loopback standing in for the outbound relay: STARTTLS with a certificate
// made for the test (pass `ca` to the mailer as `relayCa`), optional AUTH, and every accepted
// message kept raw and parsed. `refuse` answers 550 for chosen recipients, `delayMs` holds each
// DATA reply back (to catch a sender between messages).
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { generate } from 'selfsigned';
import { SMTPServer } from 'smtp-server';
import type { MailerSettings } from '../../core/mailer.ts';

export interface SinkMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
}

export interface SmtpSinkOptions {
  /** Recipients (lower-case addresses) answered with 550 at RCPT TO. */
  readonly refuse?: readonly string[];
  /** Required AUTH PLAIN/LOGIN credentials; none by default. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Milliseconds to wait before answering each DATA. */
  readonly delayMs?: number;
}

export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  /** PEM of the sink's self-signed certificate: trust it as the relay CA. */
  readonly ca: string;
  /** Accepted messages, in the order they were accepted. */
  readonly messages: SinkMessage[];
  /** Mailer settings that send through this sink. */
  mailerSettings(outboxDir: string, from?: string): MailerSettings;
  /** Resolves once at least `n` messages were accepted; rejects after `ms`. */
  waitFor(n: number, ms?: number): Promise<SinkMessage[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  } as Parameters<typeof generate>[1]);
  const messages: SinkMessage[] = [];
  const waiters: (() => void)[] = [];
  const refuse = new Set((opts.refuse ?? []).map((a) => a.toLowerCase()));
  const server = new SMTPServer({
    secure: false,
    key: pems.private,
    cert: pems.cert,
    logger: false,
    disableReverseLookup: true,
    authOptional: !opts.auth,
    ...(opts.auth ? {} : { disabledCommands: ['AUTH'] }),
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid credentials'));
    },
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) {
        const err = new Error('Mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const accept = async () => {
          if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
          const parsed = await simpleParser(raw);
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed,
          });
          for (const w of waiters.splice(0)) w();
        };
        accept().then(
          () => callback(),
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    ca: pems.cert,
    messages,
    mailerSettings: (outboxDir, from = 'C4TAP <noreply@c4tap.example>') => ({
      from,
      relayHost: '127.0.0.1',
      relayPort: port,
      relaySecure: false,
      relayCa: pems.cert,
      ...(opts.auth ? { relayUser: opts.auth.user, relayPassword: opts.auth.pass } : {}),
      outboxDir,
    }),
    async waitFor(n, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (messages.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`SMTP sink: ${messages.length} of ${n} messages after ${ms} ms`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return messages.slice();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
