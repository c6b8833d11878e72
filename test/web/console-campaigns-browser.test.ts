// Campaigns in a real browser (issue 16), in Japanese: a mass mailing reported 30 times by 5
// organisations is triaged in 3 actions (campaigns, the campaign, approve all) with the per-tier
// preview shown first; a rejected member has no publish control; the queue and the campaign page
// hold their layout (no horizontal overflow) at 1280 and 1920 px. Screenshots in test-artifacts/.
import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import * as triage from '../../sharing/triage/index.ts';
import { loadSanitizationRules } from '../../analysis/sanitize/index.ts';
import { browserSuite, signIn } from './helpers/browser.ts';
import { addParticipants, analyse, buildPhishForward, ingest } from './helpers/submissions.ts';

const ARTIFACTS = path.resolve('test-artifacts');
const LURE = { subject: 'Your account will be suspended', text: 'Verify your mailbox at https://mail-verify-now.top/login?u=1 within 24 hours.\n' };

describe('console campaigns in a browser (needs Chromium)', function () {
  this.timeout(600_000);
  const f = browserSuite({ realClock: true });
  let page: Page;
  let members: string[];

  before(async function () {
    if (!f.env) return;
    const others = await addParticipants(f.env, ['power', 'finance', 'gas', 'water']);
    const submitters = [f.env.submitter.principal, ...others.map((o) => o.submitter)];
    members = [];
    for (let i = 0; i < 30; i++) members.push((await analyse(f.env, await ingest(f.env, await buildPhishForward(LURE), submitters[i % 5]))).id);
    const ja = await f.env.addAccount('bunseki', ['analyst'], undefined, { language: 'ja' });
    page = await f.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, f.env.origin, 'bunseki', ja.password, null);
    await mkdir(ARTIFACTS, { recursive: true });
  });

  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it('shows the queue and the campaign without horizontal overflow at 1280 and 1920 px', async () => {
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 1000 });
      await page.goto(`${f.env.origin}/console/queue`);
      expect(await overflow(), `queue at ${width}px`).to.be.at.most(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `console-queue-${width}.png`), fullPage: false });
      await page.goto(`${f.env.origin}/console/campaigns/${members[7]}`);
      expect(await page.locator('h1 .id').textContent()).to.equal(members[0]);
      expect(await overflow(), `campaign at ${width}px`).to.be.at.most(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `console-campaign-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('triages a campaign of 30 mass mailings from 5 organisations in 3 actions, showing what each reader tier gets first', async () => {
    await page.goto(`${f.env.origin}/console/queue`);
    const row = page.locator(`tr[data-submission="${members[29]}"]`);
    expect(await row.locator('[data-testid="campaign-link"]').getAttribute('href')).to.equal(`/console/campaigns/${members[29]}`);

    await page.click('nav.top a[href="/console/campaigns"]'); // 1: the campaigns
    const listed = page.locator(`tr[data-campaign="${members[0]}"]`);
    expect(await listed.locator('[data-testid="members"]').textContent()).to.equal('30');
    expect(await listed.textContent()).to.include('5 組織、5 業種');
    expect(await listed.locator('[data-testid="campaign-label"]').textContent()).to.equal('大量配信');

    await listed.locator('a').first().click(); // 2: the campaign
    await page.waitForURL(`**/console/campaigns/${members[0]}`);
    const preview = page.locator('[data-testid="tier-preview"]');
    expect(await preview.locator('h2').textContent()).to.equal('承認した場合に各受信者区分が受け取るもの');
    const count = async (tier: string) => Number(await preview.locator(`tr[data-tier="${tier}"] [data-testid="tier-count"]`).textContent());
    expect(await count('AMBER')).to.be.greaterThan(0);
    expect(await count('WHITE')).to.equal(0);
    expect(await preview.locator('tr[data-tier="AMBER"]').textContent()).to.include('https://mail-verify-now.top/login?u=1');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-campaign-preview.png'), fullPage: true });

    await page.click('[data-testid="campaign-approve"]'); // 3: approve all 30
    await page.locator('main .notice[role="status"]').waitFor({ timeout: 120_000 });
    expect(await page.locator('main .notice[role="status"]').textContent()).to.equal('承認：30 件完了、0 件拒否。');
    expect(await page.locator('tr[data-submission] [data-result="done"]').count()).to.equal(30);
    for (const id of members) expect((await f.env.ctx.store.getSubmission(id))!.status, id).to.equal('published');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-campaign-approved.png'), fullPage: true });
  });

  it('offers no publish control for a rejected member, on its page and in the campaign', async () => {
    const env = f.env;
    const deps: triage.TriageDeps = {
      store: env.ctx.store,
      audit: env.ctx.audit,
      clock: env.ctx.clock,
      vault: env.ctx.vault,
      dropAddress: env.config.exchange.dropAddress,
      hostname: env.config.exchange.hostname,
      rules: loadSanitizationRules(env.config.policiesDir),
    };
    const actor = { principal: env.analyst.principal, org: (await env.ctx.store.getOrganisation(env.analyst.principal.orgId))! };
    const lure = { subject: 'Password expiry notice', text: 'Keep your password at https://pw-keep.top/k now.\n' };
    const a = (await analyse(env, await ingest(env, await buildPhishForward(lure)))).id;
    const b = (await analyse(env, await ingest(env, await buildPhishForward(lure)))).id;
    expect((await triage.reject(deps, actor, b, 'reported twice')).ok).to.equal(true);

    await page.goto(`${env.origin}/console/submissions/${b}`);
    expect(await page.locator('[data-testid="status"]').textContent()).to.equal('却下');
    expect(await page.locator('[data-testid="approve"]').count()).to.equal(0);

    await page.goto(`${env.origin}/console/campaigns/${b}`);
    expect(await page.locator(`tr[data-submission="${b}"] [data-cell="status"]`).textContent()).to.equal('却下');
    expect(await page.locator('[data-testid="campaign-approve"]').textContent()).to.equal('1 件を承認して公開');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-campaign-rejected-member.png'), fullPage: true });
    await page.click('[data-testid="campaign-approve"]');
    await page.locator('main .notice[role="status"]').waitFor({ timeout: 60_000 });
    expect((await env.ctx.store.getSubmission(a))!.status).to.equal('published');
    expect((await env.ctx.store.getSubmission(b))!.status).to.equal('rejected');
  });
});
