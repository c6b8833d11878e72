// Fast triage in a real browser (issue 16), in Japanese with the Noto CJK font: a targeted macro
// .docm approved from the queue with the keyboard without a page reload; a search by a URL
// pivots to its 3 submissions. Screenshots are kept in test-artifacts/.
import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildWord } from '../analysis/helpers/file-builders.ts';
import { browserSuite, signIn } from './helpers/browser.ts';
import { ingestAndAnalyse } from './helpers/submissions.ts';

const ARTIFACTS = path.resolve('test-artifacts');

describe('console fast triage in a browser (needs Chromium)', function () {
  this.timeout(300_000);
  const f = browserSuite({ realClock: true });
  let page: Page;

  before(async function () {
    if (!f.env) return;
    const ja = await f.env.addAccount('bunseki', ['analyst'], undefined, { language: 'ja' });
    page = await f.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, f.env.origin, 'bunseki', ja.password, null);
    await mkdir(ARTIFACTS, { recursive: true });
  });

  /** Marks the loaded document; a full reload would lose the mark. */
  const markDocument = () => page.evaluate(() => ((window as unknown as { c4Mark: number }).c4Mark = 1));
  const stillSameDocument = () => page.evaluate(() => (window as unknown as { c4Mark?: number }).c4Mark === 1);

  it('approves a targeted .docm from the queue in 2 keystrokes without reloading the page', async () => {
    const docm = await ingestAndAnalyse(f.env, {
      subject: 'Quarterly plan',
      text: 'Please review the attached plan before Monday.\n',
      attachments: [{ filename: 'plan.docm', contentType: 'application/vnd.ms-word.document.macroEnabled.12', content: await buildWord({ macro: true }) }],
    });
    await page.goto(`${f.env.origin}/console/queue`);
    await markDocument();
    const row = page.locator(`tr[data-submission="${docm.id}"]`);
    expect(await row.locator('[data-testid="suggested"]').textContent()).to.match(/悪性|不審/);
    await page.keyboard.press('j'); // 1: the newest row, the .docm
    expect(await row.getAttribute('class')).to.include('current');
    await page.keyboard.press('a'); // 2: approve
    await row.and(page.locator('[data-result]')).waitFor({ timeout: 60_000 });
    expect(await row.getAttribute('data-result')).to.equal('ok');
    expect(await row.locator('[data-cell="status"]').textContent()).to.equal('公開済み');
    expect(await stillSameDocument()).to.equal(true);
    expect((await f.env.ctx.store.getSubmission(docm.id))!.status).to.equal('published');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-queue-docm-approved.png'), fullPage: false });
  });

  it('pivots from a URL to the 3 submissions that carry it', async () => {
    const url = 'https://pay-portal.top/inv?id=9001';
    const ids: string[] = [];
    for (const subject of ['Invoice 9001', 'Reminder: invoice 9001', 'Final notice 9001'])
      ids.push((await ingestAndAnalyse(f.env, { subject, text: `Pay at ${url} today.\n` })).id);
    await ingestAndAnalyse(f.env, { subject: 'Unrelated', text: 'See https://other.top/x now.\n' });
    await page.goto(`${f.env.origin}/console/queue?status=all`);
    await page.keyboard.press('/'); // 1: search
    await page.keyboard.type(url);
    await page.keyboard.press('Enter');
    await page.waitForURL(/ioc=/);
    const shown = await page.locator('tr[data-submission]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-submission')));
    expect([...shown].sort()).to.deep.equal([...ids].sort());
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-queue-url-pivot.png'), fullPage: false });
  });
});
