// Hostile mail content cannot run in the console: a phishing mail whose subject, headers, bodies
// and attachment names carry script, event handlers, CSS, frames, refreshes and javascript: links
// is shown in a real browser, which must open no dialog and request none of the planted URLs.
import { expect } from 'chai';
import type { Request } from 'playwright-core';
import { browserSuite, signIn } from './helpers/browser.ts';
import { ingestAndAnalyse } from './helpers/submissions.ts';

const PLANTED = 'http://127.0.0.1:9/planted';

const HOSTILE_HTML = [
  `<base href="${PLANTED}-base/">`,
  `<meta http-equiv="refresh" content="0;url=${PLANTED}-refresh">`,
  `<link rel="stylesheet" href="${PLANTED}-link.css">`,
  `<style>body { background: url(${PLANTED}-css.png) } @import url(${PLANTED}-import.css);</style>`,
  `<p style="background-image:url(${PLANTED}-inline-style.png)" onclick="alert('onclick')">Invoice</p>`,
  `<img src="${PLANTED}-img.png" onerror="alert('onerror')">`,
  `<svg onload="alert('svg')"><script>alert('svg-script')</script></svg>`,
  `<iframe src="javascript:alert('iframe')"></iframe><iframe srcdoc="<script>alert('srcdoc')</script>"></iframe>`,
  `<object data="${PLANTED}-object"></object><embed src="${PLANTED}-embed">`,
  `<a href="javascript:alert('link')">pay</a> <form action="${PLANTED}-form"><button>go</button></form>`,
  `</pre></code></td></table><script>alert('breakout')</script>`,
  `<script src="${PLANTED}-script.js"></script><script>fetch('${PLANTED}-fetch'); alert('script')</script>`,
].join('\n');

describe('hostile HTML in the console (needs Chromium)', function () {
  this.timeout(120_000);
  const f = browserSuite({ realClock: true });

  it('shows script, event handlers and CSS as text: no dialog opens and no planted URL is requested', async function () {
    const sub = await ingestAndAnalyse(f.env, {
      subject: `"><script>alert('subject')</script><img src=x onerror="alert('subject-img')">`,
      text: `<script>alert('text')</script> ${PLANTED}-text`,
      html: HOSTILE_HTML,
      attachments: [{ filename: `"><img src=x onerror="alert('filename')">.html`, contentType: 'text/html', content: Buffer.from(HOSTILE_HTML) }],
    });
    const page = await f.browser.context.newPage();
    const dialogs: string[] = [];
    const planted: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r: Request) => {
      if (r.url().includes('planted') || !r.url().startsWith(f.env.origin)) planted.push(r.url());
    });

    await signIn(page, f.env.origin, 'analyst1', f.env.analyst.password, null);
    await page.goto(`${f.env.origin}/console/queue?status=all`);
    expect(await page.textContent(`tr[data-submission="${sub.id}"] .mailtext`)).to.include(`<script>alert('subject')</script>`);
    await page.goto(`${f.env.origin}/console/submissions/${sub.id}`);
    for (const summary of await page.locator('details > summary').all()) await summary.click();
    await page.click('text=pay', { trial: true }).catch(() => undefined);
    await page.waitForTimeout(1000);

    expect(dialogs, 'dialogs opened').to.deep.equal([]);
    expect(planted, 'requests to planted URLs').to.deep.equal([]);
    const scripts = await page.$$eval('script', (list) => list.map((s) => (s as HTMLScriptElement).src));
    expect(scripts).to.deep.equal([`${f.env.origin}/console/static/console.js`]);
    const live = await page.$$eval(
      'main [onerror], main [onload], main [onclick], main iframe, main object, main embed, main img, main svg, base, meta[http-equiv]',
      (l) => l.length,
    );
    expect(live).to.equal(0);
    expect(await page.textContent('[data-testid="html-source"]')).to.include(`<script>alert('breakout')</script>`);
    expect(await page.textContent('[data-testid="text-body"]')).to.include(`<script>alert('text')</script>`);
    expect(page.url()).to.equal(`${f.env.origin}/console/submissions/${sub.id}`);
    await page.close();
  });
});
