// Assignment and notes in a real browser (issue 16), in Japanese: an analyst takes the current
// queue row with `m` (posted in place: the same document, the assignee cell shows the analyst),
// narrows the queue to "mine", then on the submission page `n` goes to the note field and the
// note is listed with its author. Screenshots are kept in test-artifacts/.
import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { browserSuite, signIn } from './helpers/browser.ts';
import { ingestAndAnalyse } from './helpers/submissions.ts';

const ARTIFACTS = path.resolve('test-artifacts');

describe('console assignment and notes in a browser (needs Chromium)', function () {
  this.timeout(300_000);
  const f = browserSuite({ realClock: true });
  let page: Page;
  let analystId: string;

  before(async function () {
    if (!f.env) return;
    const ja = await f.env.addAccount('tanto', ['analyst'], undefined, { language: 'ja', displayName: '担当 花子' });
    analystId = ja.principal.id;
    page = await f.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, f.env.origin, 'tanto', ja.password, null);
    await mkdir(ARTIFACTS, { recursive: true });
  });

  it('takes the current row with m without a reload, then shows only it under "mine"', async () => {
    const other = await ingestAndAnalyse(f.env, { subject: 'Parcel notice', text: 'Track at https://parcel-track.top/p today.\n' });
    const taken = await ingestAndAnalyse(f.env, { subject: 'Board minutes', text: 'Minutes at https://minutes-share.top/m attached.\n' });
    await page.goto(`${f.env.origin}/console/queue`);
    await page.evaluate(() => ((window as unknown as { c4Mark: number }).c4Mark = 1));
    const row = page.locator(`tr[data-submission="${taken.id}"]`);
    await page.keyboard.press('j'); // the newest row
    expect(await row.getAttribute('class')).to.include('current');
    await page.keyboard.press('m');
    await row.and(page.locator('[data-result]')).waitFor({ timeout: 60_000 });
    expect(await row.getAttribute('data-result')).to.equal('ok');
    expect(await row.locator('[data-cell="assignee"]').textContent()).to.equal('担当 花子');
    expect(await page.evaluate(() => (window as unknown as { c4Mark?: number }).c4Mark)).to.equal(1);
    expect((await f.env.ctx.store.getSubmission(taken.id))!.assignee?.principalId).to.equal(analystId);

    await page.selectOption('select[name="assignee"]', 'mine');
    await page.locator('select[name="assignee"]').evaluate((el) => (el as HTMLSelectElement).form?.requestSubmit());
    await page.waitForURL(/assignee=mine/);
    const shown = await page.locator('tr[data-submission]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-submission')));
    expect(shown).to.deep.equal([taken.id]);
    expect(shown).to.not.include(other.id);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-queue-mine.png'), fullPage: false });
  });

  it('goes to the note field with n and lists the note with its author', async () => {
    const sub = await ingestAndAnalyse(f.env, { subject: 'Payroll update', text: 'Update at https://payroll-fix.top/u now.\n' });
    await page.goto(`${f.env.origin}/console/submissions/${sub.id}`);
    await page.keyboard.press('n');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('note-text');
    await page.keyboard.type('送信元は取引先を装っている。電話で確認済み。');
    await page.locator('[data-testid="add-note"]').click();
    const note = page.locator('[data-testid="notes"] li.note').first();
    await note.waitFor({ timeout: 60_000 });
    expect(await note.textContent()).to.include('送信元は取引先を装っている。電話で確認済み。');
    expect(await note.textContent()).to.include('担当 花子');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-submission-note.png'), fullPage: false });
  });
});
