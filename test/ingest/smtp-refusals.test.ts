// Transactions the ingest server refuses, each with its SMTP code and nothing stored.
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { setPrincipalStatus } from '../../core/directory.ts';
import { startSmtpEnv, DROP, SENDER, type SmtpEnvOptions, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { buildForward, SAMPLE_ATTACHMENTS } from './helpers/forwards.ts';
import { swaks, requireSwaks } from './helpers/swaks.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';
import { expectNothingStored } from './helpers/stored.ts';

describe('SMTP ingest: refusals', function () {
  before(function () {
    requireSwaks(this);
  });
  this.timeout(30_000);
  let env: SmtpTestEnv;
  let file: string;

  async function start(options: SmtpEnvOptions = {}): Promise<void> {
    env = await startSmtpEnv(options);
    file = path.join(env.dir, 'forward.eml');
    await writeFile(file, (await buildForward({ attachment: SAMPLE_ATTACHMENTS.docm })).forward);
  }
  afterEach(() => env?.close());

  const auth = (password?: string, user?: string) => ({ user: user ?? env.submitter.principal.name, password: password ?? env.submitter.secret });
  const reasons = () => env.events('smtp.rejected').map((e) => e.reason);

  it('answers 535 to a wrong password and stores nothing', async () => {
    await start();
    const run = await swaks({ port: env.port, from: SENDER, to: DROP, dataFile: file, tls: true, auth: auth('not-the-secret') });
    expect(run.replies, run.transcript).to.include('535 Authentication credentials invalid');
    expect(run.replies.some((r) => r.startsWith('250 Accepted as'))).to.equal(false);
    expect(reasons()).to.deep.equal(['wrong-secret']);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('answers 535 alike to an unknown user and to a disabled principal', async () => {
    await start();
    await setPrincipalStatus(env.ctx, 'test', env.submitter.principal.name, 'disabled');
    const unknown = await swaks({ port: env.port, from: SENDER, to: DROP, dataFile: file, tls: true, auth: auth(undefined, 'nobody') });
    const disabled = await swaks({ port: env.port, from: SENDER, to: DROP, dataFile: file, tls: true, auth: auth(), extra: ['--auth', 'LOGIN'] });
    expect(unknown.replies).to.include('535 Authentication credentials invalid');
    expect(disabled.replies).to.include('535 Authentication credentials invalid');
    expect(reasons()).to.deep.equal(['unknown-user', 'disabled']);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('answers 538 to AUTH before STARTTLS and 530 to the drop address without AUTH', async () => {
    await start();
    const run = await swaks({ port: env.port, from: SENDER, to: DROP, dataFile: file, auth: auth() });
    expect(run.replies, run.transcript).to.include('538 Error: Must issue a STARTTLS command first');

    const talk = await SmtpTalk.connect(env.port);
    await talk.read();
    await talk.command('EHLO client.example');
    // MAIL FROM is taken without AUTH (drill replies need it); every report recipient is refused.
    expect((await talk.command(`MAIL FROM:<${SENDER}>`))?.code).to.equal(250);
    expect((await talk.command(`RCPT TO:<${DROP}>`))?.code).to.equal(530);
    expect((await talk.command('RCPT TO:<amber@c4tap.example>'))?.code).to.equal(530);
    expect((await talk.command('DATA'))?.code).to.equal(503);
    talk.destroy();
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('refuses nodemailer sending AUTH without TLS with 538', async () => {
    await start();
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: env.port,
      ignoreTLS: true,
      auth: { user: env.submitter.principal.name, pass: env.submitter.secret },
    });
    const err = await t.sendMail({ from: SENDER, to: DROP, text: 'x' }).then(
      () => null,
      (e: { responseCode?: number }) => e,
    );
    t.close();
    expect(err?.responseCode).to.equal(538);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('answers 553 to a sender outside the organisation and outside allowedSenders', async () => {
    await start();
    const foreign = await swaks({ port: env.port, from: 'someone@gmail.example', to: DROP, dataFile: file, tls: true, auth: auth() });
    expect(foreign.replies).to.include('553 Sender address not allowed for this account');
    await env.ctx.store.updatePrincipal(env.submitter.principal.id, { allowedSenders: ['cert@rail.example'] });
    const notListed = await swaks({ port: env.port, from: SENDER, to: DROP, dataFile: file, tls: true, auth: auth() });
    expect(notListed.replies).to.include('553 Sender address not allowed for this account');
    const listed = await swaks({ port: env.port, from: 'CERT@rail.example', to: DROP, dataFile: file, tls: true, auth: auth() });
    expect(listed.lastReply).to.match(/^250 Accepted as submission/);
    expect(reasons()).to.deep.equal(['sender-not-allowed', 'sender-not-allowed']);
  });

  it('answers 550 to a recipient that is not the drop address', async () => {
    await start();
    const run = await swaks({ port: env.port, from: SENDER, to: 'ceo@rail.example', dataFile: file, tls: true, auth: auth() });
    expect(run.replies, run.transcript).to.include('550 Mailbox unavailable: send to the drop address report@c4tap.example');
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('answers 452 to recipients beyond maxRecipients and refuses the message with 550, storing nothing', async () => {
    await start({ smtp: { maxRecipients: 2 } });
    const run = await swaks({ port: env.port, from: SENDER, to: `${DROP},amber@c4tap.example,green@c4tap.example`, dataFile: file, tls: true, auth: auth() });
    expect(run.replies, run.transcript).to.include('452 Too many recipients (at most 2)');
    expect(run.lastReply).to.equal('550 Too many recipients: send one copy to report@c4tap.example');
    expect(reasons()).to.deep.equal(['too-many-recipients', 'too-many-recipients']);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('answers 552 to a message over maxMessageBytes, declared with SIZE or not, and stores nothing', async () => {
    await start({ smtp: { maxMessageBytes: 4096, allowInsecureAuthOnLoopback: true } });
    const big = (await buildForward({ attachment: { filename: 'big.zip', content: Buffer.alloc(20_000, 7) } })).forward;

    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: env.port,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: env.submitter.principal.name, pass: env.submitter.secret },
    });
    const err = await t.sendMail({ envelope: { from: SENDER, to: [DROP] }, raw: big }).then(
      () => null,
      (e: { responseCode?: number }) => e,
    );
    t.close();
    expect(err?.responseCode).to.equal(552);

    const talk = await SmtpTalk.connect(env.port);
    await talk.read();
    await talk.command('EHLO client.example');
    expect((await talk.authPlain(env.submitter.principal.name, env.submitter.secret))?.code).to.equal(235);
    // Declared too large: refused at MAIL FROM.
    expect((await talk.command(`MAIL FROM:<${SENDER}> SIZE=${big.length}`))?.code).to.equal(552);
    // Declared small (or not at all) but sent large: stopped on the stream.
    expect((await talk.command(`MAIL FROM:<${SENDER}> SIZE=1000`))?.code).to.equal(250);
    expect((await talk.command(`RCPT TO:<${DROP}>`))?.code).to.equal(250);
    expect((await talk.command('DATA'))?.code).to.equal(354);
    talk.write(Buffer.concat([big, Buffer.from('.\r\n')]));
    const reply = await talk.read();
    expect(reply?.code).to.equal(552);
    // The session goes on: the next transaction is accepted.
    expect((await talk.command(`MAIL FROM:<${SENDER}>`))?.code).to.equal(250);
    talk.destroy();
    expect(reasons()).to.deep.equal(['message-too-large', 'message-too-large']);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('answers 452 at MAIL FROM when free disk space is below minFreeBytes', async () => {
    await start({ smtp: { minFreeBytes: 1_000_000 }, deps: { freeBytes: async () => 999_999 } });
    const run = await swaks({ port: env.port, from: SENDER, to: DROP, dataFile: file, tls: true, auth: auth() });
    expect(run.replies, run.transcript).to.include('452 Insufficient system storage, try again later');
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('answers 421 to a connection beyond maxConnectionsPerClient', async () => {
    await start({ smtp: { maxConnectionsPerClient: 2 } });
    const open = [await SmtpTalk.connect(env.port), await SmtpTalk.connect(env.port)];
    for (const t of open) expect((await t.read())?.code).to.equal(220);
    const third = await SmtpTalk.connect(env.port);
    expect((await third.read())?.code).to.equal(421);
    for (const t of [...open, third]) t.destroy();
    expect(reasons()).to.deep.equal(['connections-per-client']);
  });
});
