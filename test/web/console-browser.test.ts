// A full triage in a real browser: sign in with password and TOTP, find a freshly ingested
// submission in the queue, narrow the network class, mark an indicator false positive, approve,
// and check what readers of two organisations get from the REST API. A screenshot of the
// submission page is saved in test-artifacts/.
import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { addOrganisation } from '../../core/directory.ts';
import { issueToken } from '../../core/tokens.ts';
import type { Principal, Submission } from '../../core/types.ts';
import { browserSuite, signIn } from './helpers/browser.ts';
import { buildPhishForward, ingest, ingestAndAnalyse } from './helpers/submissions.ts';

const ARTIFACTS = path.resolve('test-artifacts');

interface FeedItem {
  readonly type: string;
  readonly value: string;
  readonly class: string;
  readonly action: string;
}

describe('console triage in a browser (needs Chromium)', function () {
  this.timeout(120_000);
  const f = browserSuite({ api: true, realClock: true, console: { queueRefreshSeconds: 1 } });
  let sub: Submission;

  async function feedFor(principal: Principal): Promise<FeedItem[]> {
    const { token } = await issueToken(f.env.ctx.store, f.env.ctx.tokenSettings, principal, 3600_000, 'test', new Date());
    const res = await fetch(`${f.env.origin}/api/v1/indicators?format=json&limit=1000`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    expect(res.status).to.equal(200);
    return ((await res.json()) as { items: FeedItem[] }).items;
  }

  it('walks a triage from login to publication, and each reader gets what its class allows', async function () {
    sub = await ingestAndAnalyse(f.env, { subject: 'Overdue invoice 7781', text: 'Pay at https://invoice-portal.top/pay?id=7781 today.\n' });
    const page = await f.browser.context.newPage();
    await signIn(page, f.env.origin, 'analyst1', f.env.analyst.password, null);

    // The queue shows the fresh submission awaiting triage.
    const row = page.locator(`tr[data-submission="${sub.id}"]`);
    await expect(await row.count()).to.equal(1);
    await row.locator('a').first().click();
    await page.waitForURL(`**/console/submissions/${sub.id}`);
    expect(await page.textContent('[data-testid="status"]')).to.equal('Awaiting triage');

    // Narrow the network class from AMBER to RED.
    await page.selectOption('[data-testid="class-network"]', 'RED');
    await page.click('[data-testid="classes-form"] button[type="submit"]');
    // The form posts in place (console.js): the page content is replaced, nothing reloads.
    await page.locator('body[data-fetch-posts="1"]').waitFor({ state: 'attached' });
    expect(await page.inputValue('[data-testid="class-network"]')).to.equal('RED');

    // The sender's Message-ID domain is a false positive.
    await page.click('tr[data-type="email-message-id-domain"] [data-testid="fp"]');
    await page.locator('body[data-fetch-posts="2"]').waitFor({ state: 'attached' });
    expect(await page.getAttribute('tr[data-type="email-message-id-domain"]', 'class')).to.equal('fp');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-submission.png'), fullPage: true });

    await page.click('[data-testid="approve"]');
    await page.locator('body[data-fetch-posts="3"]').waitFor({ state: 'attached' });
    expect(await page.textContent('[data-testid="status"]')).to.equal('Published');

    // Another participant's reader: mail indicators (AMBER) but not the network ones (now RED),
    // and not the false positive.
    const gas = await addOrganisation(f.env.ctx, 'test', {
      name: 'Example Gas',
      tier: 'participant',
      sector: 'gas',
      domains: ['gas.example'],
      contacts: [
        {
          name: 'SOC',
          means: [
            { kind: 'email', value: 'soc@gas.example' },
            { kind: 'phone', value: '+81 3 0000 0003' },
          ],
        },
      ],
      rulesAccepted: true,
    });
    const other = await f.env.addAccount('gas-reader', ['reader'], gas.id);
    const otherFeed = await feedFor(other.principal);
    const published = (items: FeedItem[]) => items.filter((i) => i.action === 'publish').map((i) => `${i.type} ${i.value}`);
    expect(published(otherFeed)).to.include('email-addr billing@invoice-portal.top');
    expect(published(otherFeed)).to.not.include('url https://invoice-portal.top/pay?id=7781');
    expect(published(otherFeed).filter((x) => x.startsWith('email-message-id-domain'))).to.deep.equal([]);

    // The submitting organisation's own reader also sees its RED network indicators.
    const own = await f.env.addAccount('rail-reader', ['reader'], f.env.participantOrg.id);
    expect(published(await feedFor(own.principal))).to.include('url https://invoice-portal.top/pay?id=7781');
    await page.close();
  });

  it('auto-refreshes the queue counts and announces new submissions without reloading the page', async function () {
    const account = await f.env.addAccount('analyst-refresh', ['analyst']);
    await f.browser.context.clearCookies();
    const page = await f.browser.context.newPage();
    await signIn(page, f.env.origin, 'analyst-refresh', account.password, null);
    await page.goto(`${f.env.origin}/console/queue?status=received&q=invoice`);
    const before = Number(await page.textContent('[data-count-status="received"]'));
    await page.fill('input[name="yara"]', 'typed but not submitted');
    await ingest(f.env, await buildPhishForward({ subject: 'Invoice arriving later', messageId: '<later@invoice-portal.top>' }));
    await page.waitForSelector('#queue-new:not([hidden])', { timeout: 10_000 });
    expect(await page.textContent('#queue-new a')).to.equal('1 new submission(s) — show');
    expect(Number(await page.textContent('[data-count-status="received"]'))).to.equal(before + 1);
    expect(await page.inputValue('input[name="yara"]'), 'the page was not reloaded').to.equal('typed but not submitted');
    await page.close();
  });
});
