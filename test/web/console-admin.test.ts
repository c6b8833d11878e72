// Secretariat pages over HTTP: organisations, principals and credentials, tokens, audit log
// verification, outbox; and the council dashboard.
import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { verifyToken } from '../../core/tokens.ts';
import { outboxDir } from '../../bin/context.ts';
import { staffSuite } from './helpers/console-env.ts';
import { ConsoleClient, loginAndEnrol, loginWithTotp } from './helpers/http-client.ts';
import { ingestAndAnalyse } from './helpers/submissions.ts';

describe('console administration and dashboard', function () {
  this.timeout(60_000);
  const f = staffSuite();

  const s = () => f.secretariat.client;

  it('keeps analysts out of the secretariat pages', async function () {
    for (const p of ['/console/admin/organisations', '/console/admin/principals', '/console/admin/audit', '/console/admin/outbox']) {
      expect((await f.analyst.client.get(p)).status, p).to.equal(403);
    }
    await f.analyst.client.get('/console/queue');
    expect((await f.analyst.client.post('/console/admin/organisations', { name: 'X', tier: 'participant', sector: 'x' })).status).to.equal(403);
  });

  it('edits an organisation’s registered domains and networks, refusing invalid ones, audited', async function () {
    const org = f.env.participantOrg;
    await s().get(`/console/admin/organisations/${org.id}`);
    const bad = await s().post(`/console/admin/organisations/${org.id}`, {
      tier: 'participant',
      sector: 'rail',
      domains: 'rail.example\nnot a domain!',
      networks: '198.51.100.0/24',
      rulesAccepted: 'yes',
    });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('not');
    const ok = await s().post(`/console/admin/organisations/${org.id}`, {
      tier: 'participant',
      sector: 'rail',
      domains: 'rail.example\nRAIL-group.example.',
      networks: '198.51.100.0/24 203.0.113.5',
      rulesAccepted: 'yes',
    });
    expect(ok.status).to.equal(303);
    const after = (await f.env.ctx.store.getOrganisation(org.id))!;
    expect(after.domains).to.deep.equal(['rail.example', 'rail-group.example']);
    expect(after.networks).to.deep.equal(['198.51.100.0/24', '203.0.113.5/32']);
    const e = (await f.env.ctx.store.listAudit(0, 10_000)).filter((x) => x.action === 'organisation.updated').pop()!;
    expect((e.data.before as { domains: string[] }).domains).to.deep.equal(['rail.example']);
  });

  it('creates an analyst whose one-time password must be changed, and resets a second factor', async function () {
    await s().get('/console/admin/principals');
    const created = await s().post('/console/admin/principals', {
      orgId: f.env.secretariatOrg.id,
      name: 'new-analyst',
      email: 'new@c4tap.example',
      roles: 'analyst',
      language: 'en',
    });
    expect(created.status).to.equal(200);
    const password = /data-testid="secret">([^<]+)</g.exec(created.text.split('One-time console password')[1]!)![1]!;
    const fresh = await loginAndEnrol(f.env.origin, 'new-analyst', password, f.env.now);
    expect((await fresh.client.get('/console/queue')).location).to.equal('/console/login/change-password');

    const p = (await f.env.ctx.store.getPrincipalByName('new-analyst'))!;
    await s().get(`/console/admin/principals/${p.id}`);
    expect((await s().post(`/console/admin/principals/${p.id}/reset-second-factor`)).status).to.equal(303);
    expect((await f.env.ctx.store.getPrincipal(p.id))!.totpSecret).to.equal(null);
    expect(await f.env.ctx.store.getSecondFactor(p.id)).to.equal(null);
    expect((await fresh.client.get('/console/queue')).location, 'its sessions ended').to.equal('/console/login');
  });

  it('issues an API token shown once, and revokes it', async function () {
    const reader = await f.env.addAccount('api-reader', ['reader'], f.env.participantOrg.id);
    await s().get(`/console/admin/principals/${reader.principal.id}`);
    const issued = await s().post(`/console/admin/principals/${reader.principal.id}/tokens`, { label: 'MISP sync', days: '30' });
    const token = /data-testid="secret">([^<]+)</.exec(issued.text)![1]!;
    const check = await verifyToken(f.env.ctx.store, f.env.ctx.tokenSettings, token, f.env.now());
    expect(check.ok).to.equal(true);
    const jti = check.ok ? check.token.jti : '';
    await s().get(`/console/admin/principals/${reader.principal.id}`);
    expect((await s().post(`/console/admin/tokens/${jti}/revoke`)).status).to.equal(303);
    expect(await verifyToken(f.env.ctx.store, f.env.ctx.tokenSettings, token, f.env.now())).to.deep.equal({ ok: false, reason: 'revoked' });
    const actions = (await f.env.ctx.store.listAudit(0, 10_000)).map((e) => e.action);
    expect(actions).to.include.members(['token.issued', 'token.revoked']);
  });

  it('shows the audit log newest first with the chain verified', async function () {
    const r = await s().get('/console/admin/audit');
    expect(r.text).to.match(/data-testid="audit-verify">Chain verified: \d+ events/);
    const seqs = [...r.text.matchAll(/<tr><td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(seqs.length).to.be.greaterThan(3);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => b - a));
  });

  it('lists the outbox and shows a message as text', async function () {
    const dir = outboxDir(f.env.config.dataDir);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, '20250106-receipt.eml'), 'Subject: Receipt\r\n\r\n<script>alert(1)</script>\r\n');
    const list = await s().get('/console/admin/outbox');
    expect(list.text).to.include('20250106-receipt.eml');
    const one = await s().get('/console/admin/outbox/20250106-receipt.eml');
    expect(one.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await s().get('/console/admin/outbox/..%2Fsecrets.json')).status).to.equal(404);
  });

  it('shows an outbox message decoded: RFC 2047 subject and quoted-printable body as text, no (U+000D)', async function () {
    const dir = outboxDir(f.env.config.dataDir);
    await mkdir(dir, { recursive: true });
    const qp = Buffer.from('受付番号 42 を受け付けました。\r\n', 'utf8')
      .toString('binary')
      .replace(/[\x80-\xff=]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    await writeFile(
      path.join(dir, '20250106-ja.eml'),
      Buffer.from(
        `From: desk@c4tap.example\r\nTo: soc@rail.example\r\nSubject: =?UTF-8?B?${Buffer.from('受付のお知らせ').toString('base64')}?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp}`,
        'binary',
      ),
    );
    const one = await s().get('/console/admin/outbox/20250106-ja.eml');
    const headers = /data-testid="outbox-headers">[\s\S]*?<\/table>/.exec(one.text)![0];
    expect(headers).to.include('受付のお知らせ');
    const body = /data-testid="outbox-text">([\s\S]*?)<\/pre>/.exec(one.text)![1]!;
    expect(body).to.include('受付番号 42 を受け付けました。');
    expect(body).to.not.include('U+000D');
    expect(body).to.not.match(/=E5/);
  });

  it('shows the dashboard with per-sector SVG charts and publication latency', async function () {
    const sub = await ingestAndAnalyse(f.env);
    f.env.advance(2 * 3600_000);
    // Two hours later every earlier session has idled out: a colleague signs in.
    const c: ConsoleClient = (await loginAndEnrol(f.env.origin, 'analyst-dash', (await f.env.addAccount('analyst-dash', ['analyst'])).password, f.env.now))
      .client;
    await c.get(`/console/submissions/${sub.id}`);
    const approved = await c.post(`/console/submissions/${sub.id}/approve`);
    expect(approved.status).to.equal(303);
    const r = await c.get('/console/dashboard?days=30');
    expect(r.status).to.equal(200);
    expect(r.text).to.include('<svg class="chart"');
    expect(r.text).to.include('>rail</text>');
    expect(r.text).to.match(/data-testid="median">2\.0 h</);
    expect(r.text).to.not.include('<script>');
  });

  it('keeps a disabled principal out at once', async function () {
    const p = (await f.env.ctx.store.getPrincipalByName('analyst1'))!;
    const sec = await loginAndEnrol(f.env.origin, 'secretary2', (await f.env.addAccount('secretary2', ['secretariat'])).password, f.env.now);
    f.env.advance(31_000);
    const targetClient = await loginWithTotp(f.env.origin, 'analyst1', f.env.analyst.password, f.analyst.secret, f.env.now);
    expect((await targetClient.get('/console/queue')).status).to.equal(200);
    await sec.client.get('/console/admin/principals');
    expect((await sec.client.post(`/console/admin/principals/${p.id}/status`, { status: 'disabled' })).status).to.equal(303);
    expect((await targetClient.get('/console/queue')).location).to.equal('/console/login');
    const again = new ConsoleClient(f.env.origin);
    await again.get('/console/login');
    expect((await again.post('/console/login', { name: 'analyst1', password: f.env.analyst.password })).status).to.equal(401);
  });
});
