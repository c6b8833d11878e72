// Slowloris against the SMTP server: the idle timeout is reset by every byte, so a client trickling
// one byte at a time used to hold a session for ever (424 s and counting in the attack run). A
// command line must now arrive within smtp.commandTimeoutMs, and DATA must keep up
// smtp.minDataRateBytesPerSecond after that grace, whatever the idle timeout says.
import { expect } from 'chai';
import { startSmtpEnv, DROP, SENDER, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';
import { expectNothingStored } from './helpers/stored.ts';

describe('SMTP ingest: slowloris (command deadline and minimum data rate)', function () {
  this.timeout(30_000);
  let env: SmtpTestEnv;
  before(
    async () => (env = await startSmtpEnv({ smtp: { idleTimeoutMs: 60_000, dataTimeoutMs: 60_000, commandTimeoutMs: 2000, minDataRateBytesPerSecond: 200 } })),
  );
  after(() => env.close());

  it('cuts a client that trickles a command one byte at a time with 421 within the command deadline', async () => {
    const talk = await SmtpTalk.connect(env.port);
    expect((await talk.read())?.code).to.equal(220);
    const trickle = setInterval(() => talk.write('E'), 300);
    const started = performance.now();
    const reply = await talk.read(8000).finally(() => clearInterval(trickle));
    expect(reply?.code).to.equal(421);
    expect(performance.now() - started).to.be.within(1500, 3500);
    expect(await talk.read()).to.equal(null);
    expect(env.events('smtp.rejected').map((e) => e.reason)).to.include('command-timeout');
  });

  it('cuts a client that spreads a session over slow complete commands once one command takes too long', async () => {
    const talk = await SmtpTalk.connect(env.port);
    await talk.read();
    expect((await talk.command('EHLO client.example'))?.code).to.equal(250);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await talk.command('NOOP'))?.code).to.equal(250);
    const started = performance.now();
    const trickle = setInterval(() => talk.write('N'), 250);
    const reply = await talk.read(8000).finally(() => clearInterval(trickle));
    expect(reply?.code).to.equal(421);
    expect(performance.now() - started).to.be.within(1500, 3500);
  });

  it('cuts DATA arriving slower than the minimum data rate with 421 and stores nothing', async () => {
    const talk = await SmtpTalk.connect(env.port);
    expect((await talk.openData(env.submitter.principal.name, env.submitter.secret, SENDER, DROP))?.code).to.equal(354);
    // 20 bytes/s: far below 200 bytes/s, but every 50 ms a byte, so neither the idle timer nor the 60 s DATA deadline fires.
    const trickle = setInterval(() => talk.write('x'), 50);
    const started = performance.now();
    const reply = await talk.read(10_000).finally(() => clearInterval(trickle));
    expect(reply?.code).to.equal(421);
    expect(performance.now() - started).to.be.within(1800, 5000);
    expect(env.events('smtp.rejected').map((e) => e.reason)).to.include('data-rate');
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('still takes a message from a client that pauses between commands within the deadline', async () => {
    const talk = await SmtpTalk.connect(env.port);
    await talk.secureHello();
    expect((await talk.authPlain(env.submitter.principal.name, env.submitter.secret))?.code).to.equal(235);
    for (const line of [`MAIL FROM:<${SENDER}>`, `RCPT TO:<${DROP}>`]) {
      await new Promise((r) => setTimeout(r, 1200));
      expect((await talk.command(line))?.code).to.equal(250);
    }
    expect((await talk.command('DATA'))?.code).to.equal(354);
    talk.write(`From: <a@invoice-portal.top>\r\nTo: <${DROP}>\r\nSubject: paced\r\n\r\n${'body line\r\n'.repeat(100)}.\r\n`);
    expect((await talk.read(10_000))?.code).to.equal(250);
  });
});
