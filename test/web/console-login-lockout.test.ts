// Console login lockout by a known user name: failed logins for an analyst's name from one address
// used to lock the analyst out everywhere (429). Failures now count per client address, per (user
// name, source /24 or /48), and per user name only from outside the organisation's registered
// networks: the owner's correct password still works from its registered networks. Runs the login
// step the console route uses (checkPassword) over the console's real SQLite store.
import { expect } from 'chai';
import { createLoginLimits } from '../../web/console/auth/login-limits.ts';
import { checkPassword, type LoginDeps } from '../../web/console/auth/login.ts';
import { consoleKeys } from '../../web/console/auth/keys.ts';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';

describe('console: login lockout by a known user name', function () {
  this.timeout(60_000);
  let env: ConsoleEnv;
  let deps: LoginDeps;
  before(async () => {
    env = await startConsoleEnv();
    await env.ctx.store.updateOrganisation(env.secretariatOrg.id, { networks: ['192.0.2.0/24', '2001:db8:9::/48'] });
  });
  beforeEach(() => {
    const limits = createLoginLimits({ failuresPerUser: 5, failuresPerAddress: 20, failuresPerUserFromElsewhere: 8, windowSeconds: 900 }, env.ctx.store);
    deps = { store: env.ctx.store, audit: env.ctx.audit, clock: env.now, log: env.ctx.log, keys: consoleKeys(env.ctx.secrets), limits };
  });
  after(() => env?.close());

  const login = (password: string, address: string) => checkPassword(deps, 'analyst1', password, address).then((o) => o.kind);

  it("accepts the owner's correct password from its registered network after failures for its name from elsewhere", async () => {
    for (let i = 0; i < 5; i++) expect(await login(`guess-${i}`, '203.0.113.5')).to.equal('refused');
    expect(await login(env.analyst.password, '203.0.113.5')).to.equal('locked');
    expect(await login(env.analyst.password, '192.0.2.44')).to.equal('ok');
    expect(await login(env.analyst.password, '2001:db8:9:1::20')).to.equal('ok');
  });

  it('stops guessing spread over many networks without locking the registered networks', async () => {
    for (let i = 0; i < 8; i++) expect(await login(`guess-${i}`, `198.51.${i}.7`)).to.equal('refused');
    expect(await login(env.analyst.password, '198.51.100.7')).to.equal('locked');
    expect(await login(env.analyst.password, '192.0.2.44')).to.equal('ok');
  });

  it('locks the name out of a network that guessed too often, and only that network', async () => {
    for (let i = 0; i < 5; i++) expect(await login(`guess-${i}`, '192.0.2.99')).to.equal('refused');
    expect(await login(env.analyst.password, '192.0.2.44')).to.equal('locked');
    expect(await login(env.analyst.password, '2001:db8:9:1::20')).to.equal('ok');
  });
});
