// The participant page as a submitter uses it: the receipt's link leads to the report after
// password + TOTP sign-in; narrowing a published class there withdraws it at once from the wider
// readers (checked through the REST API as such a reader); another organisation's principal gets
// 404 for the report; tokens and the organisation's contacts (two contact means each) are managed
// there. One walk in a real Chromium with a screenshot in test-artifacts/.
import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { addOrganisation, addPrincipal, issuePassword } from '../../core/directory.ts';
import { issueToken, verifyToken } from '../../core/tokens.ts';
import type { Principal } from '../../core/types.ts';
import { buildReceipt } from '../../ingest/receipt.ts';
import { publishSubmission } from '../../sharing/publication.ts';
import { REPO } from '../helpers/cli.ts';
import { launchChromium, requireChromium } from './helpers/browser.ts';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { ConsoleClient, recoveryCodesFrom, secretFromEnrolPage, totpAt } from './helpers/http-client.ts';
import { addParticipants, ingestAndAnalyse } from './helpers/submissions.ts';

const URL_INDICATOR = 'https://invoice-portal.top/pay?id=4411';

/** Signs in on the participant page (first time: enrols TOTP); follows `next` like a browser. */
async function signIn(env: ConsoleEnv, name: string, password: string, next?: string): Promise<{ client: ConsoleClient; landing: string; page: string }> {
  const client = new ConsoleClient(env.origin);
  await client.get(`/participant/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  const r1 = await client.post('/participant/login', { name, password, ...(next ? { next } : {}) });
  expect(r1.location, r1.text).to.equal('/participant/login/enrol');
  const secret = secretFromEnrolPage((await client.get('/participant/login/enrol')).text);
  const r2 = await client.post('/participant/login/enrol', { code: await totpAt(secret, env.now()) });
  expect(r2.status, r2.text).to.equal(200);
  expect(recoveryCodesFrom(r2.text)).to.have.length(10);
  const landing = /<a href="([^"]+)">(?:Continue|続ける)<\/a>/.exec(r2.text)![1]!;
  return { client, landing, page: (await client.get(landing)).text };
}

/** The REST API's indicator: `false_positive` says every source the caller may see was retracted (withdrawn). */
interface ApiIndicator {
  value: string;
  class: string;
  submissions: number;
  false_positive: boolean;
}

/** What a reader pulls from the REST API: the values shared with it, and the ones withdrawn from it. */
async function readerSees(env: ConsoleEnv, token: string): Promise<{ active: string[]; withdrawn: ApiIndicator[] }> {
  const r = await fetch(`${env.origin}/api/v1/indicators?format=json&limit=1000`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).to.equal(200);
  const items = ((await r.json()) as { items: ApiIndicator[] }).items;
  return { active: items.filter((i) => !i.false_positive).map((i) => i.value), withdrawn: items.filter((i) => i.false_positive) };
}

describe('participant page', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;
  let subId: string;
  let submitter: Principal;
  let observerToken: string;
  /** The submitter's browser, signed in once by the first test (a TOTP code is accepted once per step). */
  let submitterClient: ConsoleClient;

  before(async function () {
    env = await startConsoleEnv({ api: true, participant: true, realClock: true });
    submitter = env.submitter.principal;
    const sub = await ingestAndAnalyse(env, { note: 'C4TAP-Class: GREEN\nReceived by accounting.' });
    subId = sub.id;
    expect(sub.classes.network).to.equal('GREEN');
    expect((await publishSubmission(env.ctx, sub.id, env.analyst.principal.id)).status).to.equal('published');
    const observerOrg = await addOrganisation(env.ctx, 'test', {
      name: 'Observer Agency',
      tier: 'observer',
      sector: 'government',
      domains: ['observer.example'],
      contacts: [
        {
          name: 'Desk',
          means: [
            { kind: 'email', value: 'desk@observer.example' },
            { kind: 'phone', value: '+81 3 0000 0099' },
          ],
        },
      ],
      rulesAccepted: true,
    });
    const observer = await addPrincipal(env.ctx, 'test', { orgId: observerOrg.id, name: 'obs-reader', email: 'reader@observer.example', roles: ['reader'] });
    observerToken = (await issueToken(env.ctx.store, env.ctx.tokenSettings, observer.principal, 3600_000, 'test', env.now())).token;
  });
  after(async () => env?.close());

  it('the receipt links the report on the participant page, which shows it after password and TOTP sign-in', async function () {
    const org = (await env.ctx.store.getOrganisation(submitter.orgId))!;
    const receipt = buildReceipt({
      principal: submitter,
      org,
      baseUrl: env.origin,
      submissions: [{ submission: (await env.ctx.store.getSubmission(subId))!, duplicate: false }],
    });
    const link = new RegExp(`${env.origin}(/participant/reports/${subId})`).exec(receipt.text);
    expect(link, receipt.text).to.not.equal(null);
    const anonymous = new ConsoleClient(env.origin);
    const first = await anonymous.get(link![1]!);
    expect(first.status).to.equal(303);
    expect(first.location).to.equal(`/participant/login?next=${encodeURIComponent(link![1]!)}`);

    const { password } = await issuePassword(env.ctx, 'test', submitter.name);
    const { client, landing, page } = await signIn(env, submitter.name, password, link![1]!);
    submitterClient = client;
    expect(landing).to.equal(link![1]);
    expect(page).to.include(`Report ${subId}`);
    expect(page).to.match(/data-testid="status">published</);
    expect(page).to.match(/network \(URLs, domains, IPs\) — GREEN: \d+ indicator\(s\), \d+ reader\(s\) in \d+ organisation\(s\)/);
  });

  it('narrowing network from GREEN to AMBER withdraws the URL from an observer reading the API at once', async function () {
    expect((await readerSees(env, observerToken)).active).to.include(URL_INDICATOR);
    const client = submitterClient;
    await client.get(`/participant/reports/${subId}`);
    const r = await client.post(`/participant/reports/${subId}/narrow`, { kind: 'network', class: 'AMBER' });
    expect(r.status, r.text).to.equal(303);
    expect(r.location).to.match(/notice=notice\.narrowed&n=[1-9]/);
    expect((await env.ctx.store.getSubmission(subId))!.classes.network).to.equal('AMBER');
    const after = await readerSees(env, observerToken);
    expect(after.active).to.not.include(URL_INDICATOR);
    expect(
      after.withdrawn.find((i) => i.value === URL_INDICATOR),
      'the reader learns it is withdrawn',
    ).to.deep.include({ submissions: 0, false_positive: true });
    const page = (await client.get(r.location!)).text;
    expect(page).to.match(/Class narrowed\. Publication entries withdrawn: [1-9]/);
    expect(page).to.match(/network \(URLs, domains, IPs\) — AMBER/);
    const audit = (await env.ctx.store.listAudit(0, 100_000)).filter((e) => e.action === 'submission.classes-changed' && e.target === subId);
    expect(audit.at(-1)!.actor).to.equal(submitter.id);
  });

  it('answers 404 to another organisation’s principal for the report, its narrowing and its consent', async function () {
    const [other] = await addParticipants(env, ['gas']);
    const { password } = await issuePassword(env.ctx, 'test', other!.submitter.name);
    const { client } = await signIn(env, other!.submitter.name, password);
    expect((await client.get(`/participant/reports/${subId}`)).status).to.equal(404);
    expect((await client.post(`/participant/reports/${subId}/narrow`, { kind: 'file', class: 'RED' })).status).to.equal(404);
    expect((await client.post(`/participant/reports/${subId}/consent`, { kind: 'file' })).status).to.equal(404);
    expect((await client.get('/participant/')).text).to.not.include(subId);
    expect((await env.ctx.store.getSubmission(subId))!.classes.file).to.equal('GREEN');
  });

  it('keeps analysts and principals without a password out, and never opens the console with a participant session', async function () {
    const client = new ConsoleClient(env.origin);
    await client.get('/participant/login');
    expect((await client.post('/participant/login', { name: env.analyst.principal.name, password: env.analyst.password })).status).to.equal(401);
    const cookie = submitterClient.cookies.get('c4tap_participant')!;
    expect((await submitterClient.get('/participant/')).status).to.equal(200);
    const consoleTry = await fetch(`${env.origin}/console/queue`, { redirect: 'manual', headers: { cookie: `c4tap_console=${cookie}` } });
    expect(consoleTry.status).to.equal(303);
    expect(consoleTry.headers.get('location')).to.equal('/console/login');
  });

  it('issues and revokes the principal’s own API token, and edits contacts with at least two contact means each', async function () {
    const client = submitterClient;
    await client.get('/participant/tokens');
    const issued = await client.post('/participant/tokens', { label: 'blocklist sync', days: '30' });
    expect(issued.status).to.equal(200);
    const token = /data-testid="secret">([^<]+)</.exec(issued.text)![1]!;
    const check = await verifyToken(env.ctx.store, env.ctx.tokenSettings, token, env.now());
    expect(check.ok).to.equal(true);
    const jti = /data-token="([^"]+)"/.exec(issued.text)![1]!;
    expect((await client.post(`/participant/tokens/${jti}/revoke`)).location).to.include('notice=notice.revoked');
    expect((await env.ctx.store.getToken(jti))!.revokedAt).to.be.a('string');

    await client.get('/participant/contacts');
    const bad = await client.request('POST', '/participant/contacts', { _csrf: client.csrf, contactName: 'SOC', contactMeans: 'email=soc@rail.example' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('at least two contact means');
    const body = new URLSearchParams([
      ['_csrf', client.csrf],
      ['contactName', 'SOC'],
      ['contactMeans', 'email=soc@rail.example\nphone=+81 3 0000 0002'],
      ['contactName', 'Night desk'],
      ['contactMeans', 'mobile=+81 90 0000 0003\nemail=night@rail.example'],
    ]);
    const ok = await fetch(`${env.origin}/participant/contacts`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `c4tap_participant=${client.cookies.get('c4tap_participant')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    expect(ok.status).to.equal(303);
    const org = (await env.ctx.store.getOrganisation(submitter.orgId))!;
    expect(org.contacts.map((c) => c.name)).to.deep.equal(['SOC', 'Night desk']);
    const e = (await env.ctx.store.listAudit(0, 100_000)).filter((x) => x.action === 'organisation.updated').pop()!;
    expect(e.actor).to.equal(submitter.id);
    expect((e.data.before as { contacts: unknown[] }).contacts).to.have.length(1);
  });

  it('walks in Chromium: sign in, open the report, narrow file to RED, the page says so (screenshot)', async function () {
    requireChromium(this);
    const reader = await addPrincipal(env.ctx, 'test', {
      orgId: submitter.orgId,
      name: 'rail-reader',
      email: 'reader@rail.example',
      roles: ['reader'],
      language: 'ja',
    });
    const { password } = await issuePassword(env.ctx, 'test', reader.principal.name);
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${env.origin}/participant/reports/${subId}`);
      await page.fill('input[name="name"]', 'rail-reader');
      await page.fill('input[name="password"]', password);
      await page.click('button[type="submit"]');
      await page.waitForURL('**/participant/login/enrol');
      const secret = (await page.textContent('[data-testid="totp-secret"]'))!.trim();
      await page.fill('input[name="code"]', await totpAt(secret, new Date()));
      await page.click('form[action$="/login/enrol"] button[type="submit"]');
      await page.click('text=続ける');
      await page.waitForURL(`**/participant/reports/${subId}`);
      await page.selectOption('tr[data-kind="file"] select[name="class"]', 'RED');
      await page.click('[data-testid="narrow-file"]');
      await page.waitForURL(/notice=notice\.narrowed/);
      expect(await page.textContent('[data-testid="class-file"]')).to.include('RED');
      expect(await page.textContent('p.notice')).to.match(/区分を狭めました/);
      await mkdir(path.join(REPO, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: path.join(REPO, 'test-artifacts', 'participant-narrowed.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    expect((await env.ctx.store.getSubmission(subId))!.classes.file).to.equal('RED');
  });
});
