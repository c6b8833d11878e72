// AUTH at a mail server's cost: SMTP secrets end up under a keyed hash (no scrypt per login once
// upgraded), and a client coming back resumes its TLS session after STARTTLS instead of a full
// handshake.
import { expect } from 'chai';
import net from 'node:net';
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import { DROP, SENDER, startSmtpEnv, submitterTransport, type SmtpTestEnv } from './helpers/smtp-env.ts';

/** One STARTTLS session opened with `session` (a previous session's ticket); says whether it was resumed. */
function startTls(port: number, session?: Buffer): Promise<{ reused: boolean; ticket: Buffer | null }> {
  return new Promise((resolve, reject) => {
    const raw = net.connect({ port, host: '127.0.0.1' });
    raw.setEncoding('latin1');
    let buffer = '';
    let step = 0;
    raw.on('error', reject);
    raw.on('data', (chunk: string) => {
      buffer += chunk;
      // Whole replies only: the last line of a reply has a space after its code.
      const lines = buffer.split('\r\n');
      if (lines.at(-1) !== '' || !/^\d{3} /.test(lines.at(-2) ?? '')) return;
      const reply = buffer;
      buffer = '';
      if (step === 0) raw.write('EHLO client.example\r\n');
      else if (step === 1) raw.write('STARTTLS\r\n');
      else if (step === 2) {
        if (!reply.startsWith('220')) return reject(new Error(`STARTTLS refused: ${reply}`));
        raw.removeAllListeners('data');
        const secure = tls.connect({ socket: raw, rejectUnauthorized: false, servername: 'localhost', ...(session ? { session } : {}) });
        let ticket: Buffer | null = null;
        secure.on('session', (s: Buffer) => (ticket ??= s));
        secure.once('error', reject);
        secure.once('secureConnect', () => {
          // The ticket comes after the handshake (TLS 1.3): ask something and wait for the answer.
          secure.write('EHLO client.example\r\n');
          secure.once('data', () => {
            const reused = secure.isSessionReused();
            secure.end('QUIT\r\n');
            resolve({ reused, ticket });
          });
        });
      }
      step++;
    });
  });
}

describe('SMTP AUTH cost', function () {
  this.timeout(60_000);
  let env: SmtpTestEnv;

  beforeEach(async function () {
    env = await startSmtpEnv();
  });
  afterEach(async function () {
    await env.close();
  });

  it('replaces a scrypt SMTP secret hash with the keyed hash at the first AUTH, and the secret keeps working', async function () {
    const before = await env.ctx.store.getPrincipal(env.submitter.principal.id);
    expect(before?.smtpSecretHash, 'as c4tap principal add stores it').to.match(/^scrypt\$/);
    const transport = submitterTransport(env);
    try {
      await transport.sendMail({ envelope: { from: SENDER, to: DROP }, raw: 'Subject: one\r\n\r\nfirst\r\n' });
      const after = await env.ctx.store.getPrincipal(env.submitter.principal.id);
      expect(after?.smtpSecretHash).to.match(/^hmac-sha256\$[0-9a-f]{8}\$[A-Za-z0-9+/]{43}=$/);
      await transport.sendMail({ envelope: { from: SENDER, to: DROP }, raw: 'Subject: two\r\n\r\nsecond\r\n' });
    } finally {
      transport.close();
    }
    const wrong = nodemailer.createTransport({
      host: '127.0.0.1',
      port: env.port,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: env.submitter.principal.name, pass: `${env.submitter.secret}x` },
    });
    const err = await wrong.sendMail({ envelope: { from: SENDER, to: DROP }, raw: 'Subject: x\r\n\r\nx\r\n' }).then(
      () => null,
      (e: { responseCode?: number }) => e,
    );
    expect(err?.responseCode, 'a wrong secret against the keyed hash').to.equal(535);
    const accepted = await env.ctx.store.countSubmissionsByStatus();
    expect(Object.values(accepted).reduce((a, b) => a + b, 0)).to.equal(2);
  });

  it('resumes the TLS session of a client that comes back after STARTTLS', async function () {
    const first = await startTls(env.port);
    expect(first.reused).to.equal(false);
    expect(first.ticket, 'the server sent a session ticket').to.be.instanceOf(Buffer);
    const second = await startTls(env.port, first.ticket!);
    expect(second.reused, "second connection resumed with the first one's ticket").to.equal(true);
  });
});
