// Connection flood against the SMTP server: 520 idle connections from 26 loopback addresses, each
// in its own /24 (20 per address, within the per-address limit), used to take all 500 slots and
// shut a participant out. Clients outside the organisations' registered networks now share at most
// maxConnections − reservedConnections slots, and one /24 at most maxConnectionsPerNetwork.
import { expect } from 'chai';
import { startSmtpEnv, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';

describe('SMTP ingest: connection flood', function () {
  this.timeout(60_000);
  let env: SmtpTestEnv;
  const open: SmtpTalk[] = [];
  before(async () => {
    env = await startSmtpEnv();
    await env.ctx.store.updateOrganisation(env.submitter.org.id, { networks: ['127.0.9.0/24'] });
  });
  afterEach(async () => {
    for (const t of open.splice(0)) t.destroy();
    // The server releases the slots when it sees the closes.
    await new Promise((r) => setTimeout(r, 500));
  });
  after(() => env.close());

  /** Opens connections from `address` and waits for each greeting; returns the reply codes. */
  async function flood(address: string, n: number): Promise<number[]> {
    const talks = await Promise.all(Array.from({ length: n }, () => SmtpTalk.connect(env.port, '127.0.0.1', address)));
    open.push(...talks);
    return Promise.all(talks.map(async (t) => (await t.read(10_000))?.code ?? 0));
  }

  it('lets a participant from its registered network connect and authenticate while 520 hostile idle connections are open', async () => {
    const codes = (await Promise.all(Array.from({ length: 26 }, (_, i) => flood(`127.0.${i + 20}.1`, 20)))).flat();
    expect(codes).to.have.length(520);
    const greeted = codes.filter((c) => c === 220).length;
    expect(greeted).to.equal(400);
    expect(codes.filter((c) => c === 421)).to.have.length(120);
    expect(env.events('smtp.rejected').map((e) => e.reason)).to.include('connections-unregistered');

    const participant = await SmtpTalk.connect(env.port, '127.0.0.1', '127.0.9.7');
    open.push(participant);
    await participant.secureHello();
    expect((await participant.authPlain(env.submitter.principal.name, env.submitter.secret))?.code).to.equal(235);
    // A second host of the same registered network too.
    const second = await SmtpTalk.connect(env.port, '127.0.0.1', '127.0.9.8');
    open.push(second);
    expect((await second.read(5000))?.code).to.equal(220);
  });

  it('refuses connections past maxConnectionsPerNetwork from one /24 spread over many addresses', async () => {
    const codes = (await Promise.all(Array.from({ length: 6 }, (_, i) => flood(`127.0.60.${i + 1}`, 10)))).flat();
    expect(codes.filter((c) => c === 220)).to.have.length(50);
    expect(codes.filter((c) => c === 421)).to.have.length(10);
    expect(env.events('smtp.rejected').map((e) => e.reason)).to.include('connections-per-network');
  });
});
