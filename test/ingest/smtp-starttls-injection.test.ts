// STARTTLS command injection: commands pipelined in plaintext behind STARTTLS must be discarded,
// never run inside the TLS session (where they would pass as the client's own).
import { expect } from 'chai';
import { startSmtpEnv, DROP, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';
import { expectNothingStored } from './helpers/stored.ts';

describe('SMTP ingest: STARTTLS command injection', function () {
  this.timeout(30_000);
  let env: SmtpTestEnv;
  before(async () => (env = await startSmtpEnv()));
  after(() => env.close());

  it('discards commands pipelined before the TLS handshake completes', async () => {
    const talk = await SmtpTalk.connect(env.port);
    await talk.read();
    await talk.command('EHLO client.example');
    const credentials = Buffer.from(`\0${env.submitter.principal.name}\0${env.submitter.secret}`).toString('base64');
    talk.write(`STARTTLS\r\nAUTH PLAIN ${credentials}\r\nMAIL FROM:<ceo@rail.example>\r\nRCPT TO:<${DROP}>\r\n`);
    expect((await talk.read())?.code).to.equal(220);
    await talk.upgrade();

    // The first reply inside TLS answers our EHLO: nothing injected was answered.
    const ehlo = await talk.command('EHLO client.example');
    expect(ehlo?.lines[0]).to.match(/^250-localhost /);
    // The injected MAIL FROM opened no transaction, and the injected AUTH did not log us in (without
    // AUTH a transaction may open, for drill replies only, but the drop address is refused).
    expect((await talk.command(`RCPT TO:<${DROP}>`))?.code).to.equal(503);
    expect((await talk.command('MAIL FROM:<ceo@rail.example>'))?.code).to.equal(250);
    expect((await talk.command(`RCPT TO:<${DROP}>`))?.code).to.equal(530);
    expect((await talk.command('RSET'))?.code).to.equal(250);
    expect((await talk.authPlain(env.submitter.principal.name, env.submitter.secret))?.code).to.equal(235);
    expect((await talk.command(`RCPT TO:<${DROP}>`))?.code).to.equal(503);
    talk.destroy();
    expect(env.events('smtp.authenticated')).to.have.length(1);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });
});
