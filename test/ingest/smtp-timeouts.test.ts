// Idle sessions and DATA that never ends are cut off with 421; nothing is stored for them.
import { expect } from 'chai';
import { startSmtpEnv, DROP, SENDER, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';
import { expectNothingStored } from './helpers/stored.ts';

describe('SMTP ingest: timeouts', function () {
  this.timeout(30_000);
  let env: SmtpTestEnv;
  before(async () => (env = await startSmtpEnv({ smtp: { idleTimeoutMs: 1000, dataTimeoutMs: 1500 } })));
  after(() => env.close());

  it('closes an idle session with 421 after idleTimeoutMs', async () => {
    const talk = await SmtpTalk.connect(env.port);
    await talk.read();
    const started = performance.now();
    const reply = await talk.read(5000);
    expect(reply?.code).to.equal(421);
    expect(performance.now() - started).to.be.within(900, 3000);
    expect(await talk.read()).to.equal(null);
  });

  it('closes a session whose DATA trickles in past dataTimeoutMs with 421 and stores nothing', async () => {
    const talk = await SmtpTalk.connect(env.port);
    expect((await talk.openData(env.submitter.principal.name, env.submitter.secret, SENDER, DROP))?.code).to.equal(354);
    // One byte every 200 ms keeps the idle timer from firing; only the DATA deadline stops it.
    const trickle = setInterval(() => talk.write('x'), 200);
    const started = performance.now();
    const reply = await talk.read(6000).finally(() => clearInterval(trickle));
    expect(reply?.code).to.equal(421);
    expect(performance.now() - started).to.be.within(1400, 4000);
    expect(env.events('smtp.rejected').map((e) => e.reason)).to.include('data-timeout');
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });
});
