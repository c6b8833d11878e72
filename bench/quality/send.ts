// Sends forwards to the drop address through the real SMTP listener with STARTTLS and AUTH, as the
// participant's submitter, over a few parallel connections; the 250 reply names the submission.
import nodemailer from 'nodemailer';

export interface Outgoing {
  readonly key: string;
  readonly user: string;
  readonly password: string;
  readonly from: string;
  readonly to: string;
  readonly raw: Buffer;
}

export type SendOutcome =
  | { readonly kind: 'accepted'; readonly key: string; readonly submissionIds: readonly string[]; readonly reply: string }
  | { readonly kind: 'refused'; readonly key: string; readonly reply: string };

export interface SmtpTarget {
  readonly port: number;
  readonly ca: Buffer;
}

function transportFor(target: SmtpTarget, user: string, password: string) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: target.port,
    secure: false,
    requireTLS: true,
    auth: { user, pass: password },
    // The generated certificate names exchange.hostname (localhost).
    tls: { ca: [target.ca], servername: 'localhost' },
    pool: true,
    maxConnections: 1,
    maxMessages: 200,
  });
}

export async function sendAll(target: SmtpTarget, items: readonly Outgoing[], parallel: number, progress: (done: number) => void): Promise<SendOutcome[]> {
  const transports = new Map<string, ReturnType<typeof transportFor>[]>();
  const outcomes: SendOutcome[] = new Array(items.length);
  let next = 0;
  let done = 0;
  async function lane(laneNo: number): Promise<void> {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      const item = items[i]!;
      const pool = transports.get(item.user) ?? [];
      transports.set(item.user, pool);
      const transport = (pool[laneNo] ??= transportFor(target, item.user, item.password));
      try {
        const info = await transport.sendMail({ envelope: { from: item.from, to: [item.to] }, raw: item.raw });
        const ids = [...info.response.matchAll(/sub_[A-Za-z0-9_-]+/g)].map((m) => m[0]);
        outcomes[i] = { kind: 'accepted', key: item.key, submissionIds: ids, reply: info.response };
      } catch (err) {
        outcomes[i] = { kind: 'refused', key: item.key, reply: String((err as Error).message) };
      }
      progress(++done);
    }
  }
  await Promise.all(Array.from({ length: parallel }, (_, n) => lane(n)));
  for (const pool of transports.values()) for (const t of pool) t?.close();
  return outcomes;
}
