// Console login over plain HTTP: password, TOTP enrolment and second factor, recovery codes,
// forced password change, lockout, roles, allowed networks, timeouts and cookies.
import { expect } from 'chai';
import { issueToken } from '../../core/tokens.ts';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { ConsoleClient, loginAndEnrol, totpAt } from './helpers/http-client.ts';

describe('console login', function () {
  this.timeout(30_000);
  let env: ConsoleEnv;
  beforeEach(async () => {
    env = await startConsoleEnv({ console: { loginFailuresPerUser: 3, sessionIdleMinutes: 30, sessionAbsoluteHours: 12 } });
  });
  afterEach(async () => {
    await env.close();
  });

  async function passwordStep(name: string, password: string): Promise<ConsoleClient> {
    const client = new ConsoleClient(env.origin);
    await client.get('/console/login');
    const r = await client.post('/console/login', { name, password });
    expect(r.status, r.text).to.equal(303);
    return client;
  }

  it('enrols a TOTP authenticator at first login and then lets the analyst in, with recovery codes shown once', async function () {
    const { client, recoveryCodes } = await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now);
    expect(recoveryCodes).to.have.length(10);
    const queue = await client.get('/console/queue');
    expect(queue.status).to.equal(200);
    expect(queue.text).to.include('analyst1');
    const stored = (await env.ctx.store.getPrincipal(env.analyst.principal.id))!;
    expect(stored.totpSecret).to.match(/^v1:/);
    const factor = (await env.ctx.store.getSecondFactor(stored.id))!;
    expect(factor.recoveryCodeHashes).to.have.length(10);
    expect(factor.recoveryCodeHashes.join(' ')).to.not.include(recoveryCodes[0]!.replace(/-/g, ''));
  });

  it('requires the second factor: after the password alone no console page opens', async function () {
    const { secret } = await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now);
    env.advance(60_000);
    const client = await passwordStep('analyst1', env.analyst.password);
    for (const path of ['/console/queue', '/console/settings', '/console/dashboard', '/console/queue.json']) {
      const r = await client.get(path);
      expect(r.status, path).to.be.oneOf([303, 401]);
      expect(r.text).to.not.include('Submissions');
    }
    expect((await client.get('/console/queue')).location).to.equal('/console/login/second-factor');
    await client.get('/console/login/second-factor');
    expect((await client.post('/console/login/second-factor', { code: '000000' })).status).to.equal(401);
    const ok = await client.post('/console/login/second-factor', { code: await totpAt(secret, env.now()) });
    expect(ok.location).to.equal('/console/queue');
    expect((await client.get('/console/queue')).status).to.equal(200);
  });

  it('refuses a TOTP code used twice, and accepts each recovery code once', async function () {
    const { secret, recoveryCodes } = await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now);
    env.advance(60_000);
    const code = await totpAt(secret, env.now());
    const first = await passwordStep('analyst1', env.analyst.password);
    await first.get('/console/login/second-factor');
    expect((await first.post('/console/login/second-factor', { code })).location).to.equal('/console/queue');
    const second = await passwordStep('analyst1', env.analyst.password);
    await second.get('/console/login/second-factor');
    expect((await second.post('/console/login/second-factor', { code })).status).to.equal(401);
    const recovery = recoveryCodes[3]!.toUpperCase();
    expect((await second.post('/console/login/second-factor', { code: recovery })).location).to.equal('/console/queue');
    const third = await passwordStep('analyst1', env.analyst.password);
    await third.get('/console/login/second-factor');
    expect((await third.post('/console/login/second-factor', { code: recovery })).status).to.equal(401);
  });

  it('refuses wrong passwords with one message for unknown and known names, then locks the name out', async function () {
    const client = new ConsoleClient(env.origin);
    await client.get('/console/login');
    const unknown = await client.post('/console/login', { name: 'nobody', password: 'whatever-123' });
    const wrong = await client.post('/console/login', { name: 'analyst1', password: 'wrong-password' });
    expect(unknown.status).to.equal(401);
    expect(wrong.status).to.equal(401);
    expect(unknown.text.replace(/value="[^"]*"/g, '')).to.equal(wrong.text.replace(/value="[^"]*"/g, ''));
    await client.post('/console/login', { name: 'analyst1', password: 'wrong-again' });
    await client.post('/console/login', { name: 'analyst1', password: 'wrong-thrice' });
    const locked = await client.post('/console/login', { name: 'analyst1', password: env.analyst.password });
    expect(locked.status).to.equal(429);
    expect(locked.text).to.include('ロックされています');
    expect(client.cookies.has('c4tap_console')).to.equal(false);
  });

  it('lets only secretariat and analysts in: a reader or submitter with a password is refused', async function () {
    const reader = await env.addAccount('reader1', ['reader'], env.participantOrg.id);
    const submitter = await env.addAccount('submitter2', ['submitter'], env.participantOrg.id);
    for (const a of [reader, submitter]) {
      const client = new ConsoleClient(env.origin);
      await client.get('/console/login');
      const r = await client.post('/console/login', { name: a.principal.name, password: a.password });
      expect(r.status).to.equal(401);
      expect(client.cookies.has('c4tap_console')).to.equal(false);
    }
  });

  it("does not open any console page with a reader's API token", async function () {
    const reader = await env.addAccount('reader2', ['reader'], env.participantOrg.id);
    const { token } = await issueToken(env.ctx.store, env.ctx.tokenSettings, reader.principal, 3600_000, 'test', env.now());
    const client = new ConsoleClient(env.origin);
    for (const path of ['/console/', '/console/queue', '/console/queue.json', '/console/settings', '/console/admin/principals', '/console/dashboard']) {
      const r = await client.get(path, { authorization: `Bearer ${token}` });
      expect(r.status, path).to.be.oneOf([303, 401]);
      expect(r.location ?? '', path).to.match(/^(\/console\/login)?$/);
    }
    const post = await client.request('POST', '/console/settings', { language: 'en', timeZone: 'UTC' }, { authorization: `Bearer ${token}` });
    expect(post.status).to.equal(403);
  });

  it('forces the bootstrap-style account to change its password before anything else', async function () {
    const admin = await env.addAccount('admin2', ['secretariat'], env.secretariatOrg.id, { mustChangePassword: true });
    const client = new ConsoleClient(env.origin);
    await client.get('/console/login');
    await client.post('/console/login', { name: 'admin2', password: admin.password });
    const enrol = await client.get('/console/login/enrol');
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(enrol.text)![1]!;
    const r = await client.post('/console/login/enrol', { code: await totpAt(secret, env.now()) });
    expect(r.text).to.include('/console/login/change-password');
    expect((await client.get('/console/queue')).location).to.equal('/console/login/change-password');
    await client.get('/console/login/change-password');
    const short = await client.post('/console/login/change-password', { current: admin.password, next: 'short', confirm: 'short' });
    expect(short.status).to.equal(400);
    const ok = await client.post('/console/login/change-password', {
      current: admin.password,
      next: 'a much longer passphrase',
      confirm: 'a much longer passphrase',
    });
    expect(ok.status).to.equal(303);
    expect((await client.get('/console/queue')).status).to.equal(200);
    expect((await env.ctx.store.getPrincipal(admin.principal.id))!.mustChangePassword).to.equal(false);
    const audit = await env.ctx.store.listAudit(0, 1000);
    expect(audit.map((e) => e.action)).to.include.members(['console.totp-enrolled', 'console.password-changed', 'console.login']);
  });

  it('ends a session after the idle timeout, after the absolute timeout, and at logout', async function () {
    const { client } = await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now);
    env.advance(29 * 60_000);
    expect((await client.get('/console/queue')).status).to.equal(200);
    env.advance(31 * 60_000);
    expect((await client.get('/console/queue')).location).to.equal('/console/login');

    const again = await loginAndEnrol(env.origin, 'analyst2', (await env.addAccount('analyst2', ['analyst'])).password, env.now);
    // Active every 25 minutes: never idle, but 12 hours after login the session ends anyway.
    for (let i = 0; i < 28; i++) {
      env.advance(25 * 60_000);
      expect((await again.client.get('/console/queue')).status).to.equal(200);
    }
    env.advance(25 * 60_000);
    expect((await again.client.get('/console/queue')).location).to.equal('/console/login');

    const third = await loginAndEnrol(env.origin, 'analyst3', (await env.addAccount('analyst3', ['analyst'])).password, env.now);
    await third.client.get('/console/queue');
    const sessionCookie = third.client.cookies.get('c4tap_console')!;
    await third.client.post('/console/logout');
    const replay = new ConsoleClient(env.origin);
    replay.cookies.set('c4tap_console', sessionCookie);
    expect((await replay.get('/console/queue')).location).to.equal('/console/login');
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, scoped to the console, and never stores the id', async function () {
    const client = new ConsoleClient(env.origin);
    await client.get('/console/login');
    const res = await fetch(`${env.origin}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `c4tap_prelogin=${client.cookies.get('c4tap_prelogin')}` },
      body: new URLSearchParams({ _csrf: client.csrf, name: 'analyst1', password: env.analyst.password }).toString(),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('c4tap_console='))!;
    expect(cookie)
      .to.match(/HttpOnly/i)
      .and.match(/SameSite=Strict/i)
      .and.match(/Path=\/console/);
    const id = /^c4tap_console=([^;]+)/.exec(cookie)![1]!;
    const { createHash } = await import('node:crypto');
    expect(await env.ctx.store.getConsoleSession(id)).to.equal(null);
    expect(await env.ctx.store.getConsoleSession(createHash('sha256').update(id).digest('hex'))).to.not.equal(null);
  });

  it('answers clients outside console.allowedNetworks with 403 before anything else', async function () {
    const restricted = await startConsoleEnv({ console: { allowedNetworks: ['192.0.2.0/24'] } });
    try {
      const r = await fetch(`${restricted.origin}/console/login`);
      expect(r.status).to.equal(403);
      expect(await r.text()).to.equal('Forbidden');
    } finally {
      await restricted.close();
    }
    const loopback = await startConsoleEnv({ console: { allowedNetworks: ['127.0.0.0/8'] } });
    try {
      expect((await fetch(`${loopback.origin}/console/login`)).status).to.equal(200);
    } finally {
      await loopback.close();
    }
  });

  it('shows the login page in Japanese by default and in English on request, in the user language after login', async function () {
    const ja = await fetch(`${env.origin}/console/login`);
    expect(await ja.text())
      .to.include('分析コンソールへのログイン')
      .and.include('lang="ja"');
    const en = await fetch(`${env.origin}/console/login`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(await en.text()).to.include('Sign in to the analyst console');
    const jaUser = await env.addAccount('analyst-ja', ['analyst'], env.secretariatOrg.id, { language: 'ja' });
    const { client } = await loginAndEnrol(env.origin, 'analyst-ja', jaUser.password, env.now);
    const queue = await client.get('/console/queue');
    expect(queue.text).to.include('提出一覧').and.include('トリアージ待ち');
  });
});
