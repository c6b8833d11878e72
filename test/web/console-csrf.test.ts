// Cross-site request forgery: every state-changing request of the console needs the CSRF token
// bound to this browser's session (or pre-login cookie). Without it, or with another session's
// token, the console answers 403 and changes nothing.
import { expect } from 'chai';
import type { Submission } from '../../core/types.ts';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { ConsoleClient, loginAndEnrol } from './helpers/http-client.ts';
import { ingestAndAnalyse } from './helpers/submissions.ts';

describe('console CSRF protection', function () {
  this.timeout(60_000);
  let env: ConsoleEnv;
  let victim: ConsoleClient;
  let attacker: ConsoleClient;
  let sub: Submission;

  before(async () => {
    env = await startConsoleEnv();
    sub = await ingestAndAnalyse(env);
    victim = (await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now)).client;
    const other = await env.addAccount('analyst9', ['analyst']);
    attacker = (await loginAndEnrol(env.origin, 'analyst9', other.password, env.now)).client;
    await attacker.get('/console/queue');
  });
  after(async () => {
    await env.close();
  });

  const posts = (): [string, Record<string, string>][] => [
    [`/console/submissions/${sub.id}/approve`, {}],
    [`/console/submissions/${sub.id}/reject`, { reason: 'forged' }],
    [`/console/submissions/${sub.id}/classes`, { network: 'RED' }],
    [`/console/submissions/${sub.id}/campaign`, { campaign: 'forged' }],
    [`/console/submissions/${sub.id}/verdict`, { verdict: 'benign' }],
    [`/console/submissions/${sub.id}/rerun`, {}],
    [`/console/submissions/${sub.id}/indicators/add`, { type: 'domain-name', value: 'forged.top' }],
    [`/console/settings`, { language: 'ja', timeZone: 'UTC' }],
    [`/console/logout`, {}],
  ];

  async function state() {
    return {
      sub: await env.ctx.store.getSubmission(sub.id),
      audit: (await env.ctx.store.auditHead())?.seq,
      principal: await env.ctx.store.getPrincipal(env.analyst.principal.id),
    };
  }

  it('refuses every state change without a token, and changes nothing', async function () {
    const before = await state();
    for (const [path, form] of posts()) {
      const r = await victim.request('POST', path, form);
      expect(r.status, path).to.equal(403);
    }
    expect(await state()).to.deep.equal(before);
    expect((await victim.get('/console/queue')).status, 'still signed in').to.equal(200);
  });

  it("refuses another session's valid token (a token is bound to its own session)", async function () {
    const before = await state();
    for (const [path, form] of posts()) {
      const r = await victim.request('POST', path, { ...form, _csrf: attacker.csrf });
      expect(r.status, path).to.equal(403);
      const h = await victim.request('POST', path, form, { 'x-csrf-token': attacker.csrf });
      expect(h.status, path).to.equal(403);
    }
    expect(await state()).to.deep.equal(before);
  });

  it('refuses a login form posted without the pre-login token', async function () {
    const client = new ConsoleClient(env.origin);
    await client.get('/console/login');
    const r = await client.request('POST', '/console/login', { name: 'analyst1', password: env.analyst.password });
    expect(r.status).to.equal(403);
    expect(client.cookies.has('c4tap_console')).to.equal(false);
    const stranger = new ConsoleClient(env.origin);
    const s = await stranger.request('POST', '/console/login', { name: 'analyst1', password: env.analyst.password, _csrf: client.csrf });
    expect(s.status).to.equal(403);
  });

  it('accepts the same requests with the session’s own token (header or form)', async function () {
    await victim.get(`/console/submissions/${sub.id}`);
    expect((await victim.post(`/console/submissions/${sub.id}/campaign`, { campaign: 'real' })).status).to.equal(303);
    expect(
      (await victim.request('POST', `/console/submissions/${sub.id}/verdict`, { verdict: 'suspicious' }, { 'x-csrf-token': victim.csrf })).status,
    ).to.equal(303);
    const after = (await env.ctx.store.getSubmission(sub.id))!;
    expect([after.campaign, after.verdict]).to.deep.equal(['real', 'suspicious']);
  });
});
