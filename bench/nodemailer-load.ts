// Drives a server the way a participant's mail server submits: nodemailer with STARTTLS and AUTH
// PLAIN, `sessions` senders in parallel for a bounded time, either over pooled connections
// (connection reuse: one STARTTLS + AUTH per connection) or a new connection per message (each
// message pays the greeting, STARTTLS and AUTH). Each message is what a participant forwards: a
// short note with the suspicious mail attached as message/rfc822, itself carrying a base64
// attachment that makes up the size. Every message and original has its own Message-ID, so none is
// a duplicate of another. Any refused message fails the run.
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { LoadResult } from './smtp-source.ts';

export type ConnectionMode = 'reuse' | 'per-message';

export interface AuthLoadSpec {
  readonly port: number;
  readonly sessions: number;
  readonly mode: ConnectionMode;
  readonly bodyBytes: number;
  readonly from: string;
  readonly to: string;
  readonly user: string;
  readonly pass: string;
  readonly budgetMs: number;
}

/** About `bytes` of base64 in 76-character lines (an attachment as mail carries it). */
function base64Lines(bytes: number): string {
  const line = (): string => randomBytes(57).toString('base64');
  return Array.from({ length: Math.ceil(bytes / 78) }, line).join('\r\n');
}

/** A forward of a suspicious mail (message/rfc822) whose attachment brings the whole to about `bytes`. */
function forward(spec: Pick<AuthLoadSpec, 'from' | 'to'>, tag: string, attachment: string): string {
  const original = [
    'From: "Invoice Desk" <billing@phish.example>',
    `To: <${spec.from}>`,
    `Subject: Invoice ${tag}`,
    `Message-ID: <orig.${tag}@phish.example>`,
    'Date: Mon, 06 Jan 2025 09:00:00 +0900',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Please find the invoice attached.',
    '--inner',
    'Content-Type: application/octet-stream; name="invoice.bin"',
    'Content-Disposition: attachment; filename="invoice.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    attachment,
    '--inner--',
    '',
  ].join('\r\n');
  return [
    `From: <${spec.from}>`,
    `To: <${spec.to}>`,
    `Subject: Fw: Invoice ${tag}`,
    `Message-ID: <fwd.${tag}@bench.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Suspicious mail received by our finance team.',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    original,
    '--outer--',
    '',
  ].join('\r\n');
}

export async function driveAuthenticated(spec: AuthLoadSpec): Promise<LoadResult> {
  const attachment = base64Lines(spec.bodyBytes);
  const options = {
    host: '127.0.0.1',
    port: spec.port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: spec.user, pass: spec.pass },
  };
  const pooled = spec.mode === 'reuse' ? nodemailer.createTransport({ ...options, pool: true, maxConnections: spec.sessions, maxMessages: Infinity }) : null;
  const run = randomBytes(4).toString('hex');
  let sent = 0;
  const started = performance.now();
  const sender = async (id: number): Promise<void> => {
    while (performance.now() - started < spec.budgetMs) {
      const raw = forward(spec, `${run}.${id}.${sent}.${randomBytes(6).toString('hex')}`, attachment);
      const transport = pooled ?? nodemailer.createTransport(options);
      try {
        await transport.sendMail({ envelope: { from: spec.from, to: spec.to }, raw });
      } finally {
        if (!pooled) transport.close();
      }
      sent++;
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.sessions }, (_, i) => sender(i)));
  } finally {
    pooled?.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { messages: sent, seconds, perSecond: sent / seconds };
}
