// Password guessing over SMTP AUTH: failures are counted per client address and per user name;
// past the limit even the right secret is refused with 421 and the connection closed.
import { expect } from 'chai';
import { startSmtpEnv, type SmtpEnvOptions, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';

describe('SMTP ingest: AUTH brute force', function () {
  this.timeout(30_000);
  let env: SmtpTestEnv;
  let talk: SmtpTalk | null = null;
  afterEach(async () => {
    talk?.destroy();
    await env.close();
  });

  async function start(smtp: SmtpEnvOptions['smtp']): Promise<void> {
    env = await startSmtpEnv({ smtp });
    talk = await SmtpTalk.connect(env.port);
    await talk.secureHello();
  }

  const attempt = (user: string, password: string) => talk!.authPlain(user, password);
  const user = () => env.submitter.principal.name;

  it('refuses the right secret with 421 once a user name reached its failure limit, and closes the connection', async () => {
    await start({ authFailuresPerUser: 3, authFailuresPerAddress: 100 });
    for (let i = 0; i < 3; i++) expect((await attempt(user(), `guess-${i}`))?.code).to.equal(535);
    const blocked = await attempt(user(), env.submitter.secret);
    expect(blocked?.code).to.equal(421);
    expect(await talk!.read()).to.equal(null);
    expect(env.events('smtp.rejected').at(-1)).to.include({ reason: 'auth-rate-limited', by: 'user' });

    // Another user from the same address is not affected by that user's limit.
    talk = await SmtpTalk.connect(env.port);
    await talk.secureHello();
    expect((await attempt('someone-else', 'x'))?.code).to.equal(535);
  });

  it('refuses every user from a client address that reached its failure limit', async () => {
    await start({ authFailuresPerUser: 100, authFailuresPerAddress: 3 });
    for (const name of ['alice', 'bob', 'carol']) expect((await attempt(name, 'guess'))?.code).to.equal(535);
    expect((await attempt(user(), env.submitter.secret))?.code).to.equal(421);
    expect(env.events('smtp.rejected').at(-1)).to.include({ reason: 'auth-rate-limited', by: 'address' });
  });

  it("forgets a user's earlier failures after a successful login", async () => {
    await start({ authFailuresPerUser: 3, authFailuresPerAddress: 100 });
    for (let i = 0; i < 2; i++) expect((await attempt(user(), `typo-${i}`))?.code).to.equal(535);
    expect((await attempt(user(), env.submitter.secret))?.code).to.equal(235);
    talk!.destroy();
    talk = await SmtpTalk.connect(env.port);
    await talk.secureHello();
    for (let i = 0; i < 2; i++) expect((await attempt(user(), `typo-again-${i}`))?.code).to.equal(535);
    expect((await attempt(user(), env.submitter.secret))?.code).to.equal(235);
  });
});
