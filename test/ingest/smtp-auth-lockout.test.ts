// AUTH lockout of a known user name: 5 bad AUTHs for a participant's user name from one address
// used to make the owner's correct secret from another address get 421. Failures now count per
// client address, per (user name, source /24 or /48), and per user name only for attempts from
// outside the organisation's registered networks, so guessing from elsewhere never locks the owner
// out of its own networks.
import { expect } from 'chai';
import { startSmtpEnv, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';

describe('SMTP ingest: AUTH lockout by a known user name', function () {
  this.timeout(60_000);
  let env: SmtpTestEnv;
  const talks: SmtpTalk[] = [];
  beforeEach(async () => {
    env = await startSmtpEnv({ smtp: { authFailuresPerUser: 5, authFailuresPerAddress: 10, authFailuresPerUserFromElsewhere: 8 } });
    await env.ctx.store.updateOrganisation(env.submitter.org.id, { networks: ['127.0.9.0/24'] });
  });
  afterEach(async () => {
    for (const t of talks.splice(0)) t.destroy();
    await env.close();
  });

  async function from(address: string): Promise<SmtpTalk> {
    const t = await SmtpTalk.connect(env.port, '127.0.0.1', address);
    talks.push(t);
    await t.secureHello();
    return t;
  }
  const user = () => env.submitter.principal.name;

  it("accepts the owner's correct secret from its registered network after 5 bad AUTHs for its name from another address", async () => {
    const attacker = await from('127.0.0.5');
    for (let i = 0; i < 5; i++) expect((await attacker.authPlain(user(), `guess-${i}`))?.code).to.equal(535);
    expect((await attacker.authPlain(user(), 'guess-5'))?.code).to.equal(421);

    const owner = await from('127.0.9.7');
    expect((await owner.authPlain(user(), env.submitter.secret))?.code).to.equal(235);
  });

  it('stops a brute force spread over many networks, while the owner still gets in from its registered network', async () => {
    for (let i = 0; i < 8; i++) {
      const t = await from(`127.0.${100 + i}.1`);
      expect((await t.authPlain(user(), `guess-${i}`))?.code).to.equal(535);
    }
    // Even the right secret from yet another outside network is refused now …
    const outsider = await from('127.0.120.1');
    expect((await outsider.authPlain(user(), env.submitter.secret))?.code).to.equal(421);
    expect(env.events('smtp.rejected').at(-1)).to.include({ reason: 'auth-rate-limited', by: 'user-elsewhere' });
    // … but not from the organisation's own network.
    const owner = await from('127.0.9.7');
    expect((await owner.authPlain(user(), env.submitter.secret))?.code).to.equal(235);
  });

  it('still locks the user name out of a network that guessed too often, and only that network', async () => {
    const guesser = await from('127.0.9.50');
    for (let i = 0; i < 5; i++) expect((await guesser.authPlain(user(), `guess-${i}`))?.code).to.equal(535);
    const sameNetwork = await from('127.0.9.7');
    expect((await sameNetwork.authPlain(user(), env.submitter.secret))?.code).to.equal(421);
    expect(env.events('smtp.rejected').at(-1)).to.include({ reason: 'auth-rate-limited', by: 'user' });
    const otherNetwork = await from('127.0.30.1');
    expect((await otherNetwork.authPlain(user(), env.submitter.secret))?.code).to.equal(235);
  });
});
