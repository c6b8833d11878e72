// A drill in a real browser: the secretariat signs in, starts a drill from the drills page (nav
// link, form with its CSRF token), lands on the drill page listing the contact as missing, and
// sees it acknowledged with the way and the minutes after a reload.
import { expect } from 'chai';
import { outboxDir } from '../../bin/context.ts';
import { acknowledgeDrill, drillTokenKey } from '../../core/drills.ts';
import { listOutbox } from '../../core/mailer.ts';
import { browserSuite, signIn } from './helpers/browser.ts';

describe('console drill page in a browser (needs Chromium)', function () {
  this.timeout(120_000);
  const f = browserSuite({ realClock: true });

  it('starts a drill with the button and shows the acknowledgement on the drill page', async function () {
    const sec = await f.env.addAccount('secretary', ['secretariat']);
    const page = await f.browser.context.newPage();
    await signIn(page, f.env.origin, 'secretary', sec.password, null);
    await page.click('nav.top a[href="/console/admin/drills"]');
    await page.fill('input[name="title"]', 'Browser drill');
    await page.check(`input[name="orgIds"][value="${f.env.participantOrg.id}"]`);
    await page.click('form[data-testid="drill-start"] button[type="submit"]');
    await page.waitForURL('**/console/admin/drills/drill_*');
    expect(await page.textContent('p.notice')).to.include('The drill started');
    expect(await page.getAttribute('tr[data-notice]', 'data-status')).to.be.oneOf(['missing', 'not-sent']);

    let mail: string | undefined;
    for (let i = 0; i < 200 && !mail; i++) {
      mail = listOutbox(outboxDir(f.env.config.dataDir))
        .map((m) => m.raw.toString('utf8'))
        .find((t) => t.includes('soc@rail.example'));
      if (!mail) await new Promise((r) => setTimeout(r, 20));
    }
    const token = /\/drill\/ack\/([0-9a-f]{32})/.exec(mail ?? '')![1]!;
    await acknowledgeDrill(
      { store: f.env.ctx.store, audit: f.env.ctx.audit, clock: f.env.now, tokenKey: drillTokenKey(f.env.ctx.secrets) },
      token,
      'reply',
      'system',
    );

    await page.reload();
    expect(await page.getAttribute('tr[data-notice]', 'data-status')).to.equal('acknowledged');
    const cells = await page.$$eval('tr[data-notice] td', (tds) => tds.map((td) => td.textContent?.trim() ?? ''));
    expect(cells).to.include('reply').and.include('soc@rail.example');
    expect(await page.textContent('[data-testid="drill-summary"]')).to.include('1 of 1 acknowledged');
    await page.close();
  });
});
