// Recall on real HTML (issue 12): every place real phishing mail hides a link, one test each,
// saying what is found. The mails of the honeypot corpus had links in all of these places.
import { expect } from 'chai';
import { extractIndicators } from '../../analysis/indicators/index.ts';
import type { CandidateIndicator } from '../../analysis/types.ts';
import { unwrapForward } from '../../core/mail/forward/index.ts';

const NO_INFRA = { domains: [], networks: [] };

function emptyHeaders() {
  return {
    from: [],
    sender: [],
    replyTo: [],
    to: [],
    cc: [],
    subject: null,
    date: null,
    dateText: null,
    messageId: null,
    inReplyTo: null,
    returnPath: null,
    received: [],
    mailer: null,
    raw: [],
  };
}

function fromHtml(html: string): readonly CandidateIndicator[] {
  const item = { headers: emptyHeaders(), text: null, html, attachments: [] };
  return extractIndicators({ item, files: [], infrastructure: NO_INFRA }).candidates;
}

const values = (cs: readonly CandidateIndicator[], type: string) => cs.filter((c) => c.type === type).map((c) => c.value);
const one = (cs: readonly CandidateIndicator[], type: string, value: string) => cs.find((c) => c.type === type && c.value === value);

describe('indicator recall on real HTML', function () {
  it('finds the button link of an Outlook conditional comment (VML roundrect) and its fill image', function () {
    const cs = fromHtml(
      '<p>Hi</p><!--[if mso]><v:roundrect xmlns:v="urn:schemas-microsoft-com:vml" href="https://vml.evil-phish.xyz/login" arcsize="10%">' +
        '<v:fill type="tile" src="https://vml.evil-phish.xyz/btn.png"/><center>Sign in</center></v:roundrect><![endif]-->',
    );
    expect(values(cs, 'url')).to.include.members(['https://vml.evil-phish.xyz/login', 'https://vml.evil-phish.xyz/btn.png']);
    expect(one(cs, 'url', 'https://vml.evil-phish.xyz/login')?.origins).to.deep.equal([{ field: 'html', detail: 'comment href' }]);
    expect(one(cs, 'domain-name', 'vml.evil-phish.xyz')).to.include({ kind: 'network' });
  });

  it('finds links and URLs written inside an ordinary HTML comment', function () {
    const cs = fromHtml('<p>Invoice</p><!-- old button: <a href="https://hidden.evil-phish.xyz/pay">Pay</a> mirror https://mirror.evil-phish.xyz/pay2 -->');
    expect(values(cs, 'url')).to.include.members(['https://hidden.evil-phish.xyz/pay', 'https://mirror.evil-phish.xyz/pay2']);
  });

  it('finds CSS url() targets and @import in a <style> block', function () {
    const cs = fromHtml(
      `<style>@import "https://fonts.evil-phish.xyz/f.css"; .hero { background: url('https://css.evil-phish.xyz/bg.png') no-repeat; }</style><p>x</p>`,
    );
    expect(values(cs, 'url')).to.include.members(['https://css.evil-phish.xyz/bg.png', 'https://fonts.evil-phish.xyz/f.css']);
    expect(one(cs, 'url', 'https://css.evil-phish.xyz/bg.png')?.origins).to.deep.equal([{ field: 'html', detail: 'style-block' }]);
  });

  it('finds a CSS url() in a style= attribute', function () {
    const cs = fromHtml('<table><tr><td style="background-image:url(https://inline.evil-phish.xyz/track.gif?id=7);width:1px">x</td></tr></table>');
    expect(values(cs, 'url')).to.include('https://inline.evil-phish.xyz/track.gif?id=7');
    expect(one(cs, 'url', 'https://inline.evil-phish.xyz/track.gif?id=7')?.origins).to.deep.equal([{ field: 'html', detail: 'style' }]);
  });

  it('finds a URL written in a title= attribute', function () {
    const cs = fromHtml('<a href="#" title="Open https://title.evil-phish.xyz/doc/view to continue">View document</a>');
    expect(one(cs, 'url', 'https://title.evil-phish.xyz/doc/view')?.origins).to.deep.equal([{ field: 'html', detail: 'title' }]);
  });

  it('finds a URL in a data-* attribute (links that scripts or web mail follow)', function () {
    const cs = fromHtml('<a href="#" data-href="https://data.evil-phish.xyz/s/9f2">Open</a><span data-x-link=" https://data2.evil-phish.xyz/k ">k</span>');
    expect(one(cs, 'url', 'https://data.evil-phish.xyz/s/9f2')?.origins).to.deep.equal([{ field: 'html', detail: 'data-href' }]);
    expect(values(cs, 'url')).to.include('https://data2.evil-phish.xyz/k');
  });

  it('does not take XML namespace names (xmlns) as links', function () {
    const cs = fromHtml('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office"><body><p>x</p></body></html>');
    expect(values(cs, 'url')).to.deep.equal([]);
  });

  it('finds every candidate of a srcset, also when a URL holds commas', function () {
    const cs = fromHtml('<img srcset="https://img.evil-phish.xyz/c_fill,w_100/a.png 1x, https://img.evil-phish.xyz/c_fill,w_200/a.png 2x">');
    expect(values(cs, 'url')).to.include.members(['https://img.evil-phish.xyz/c_fill,w_100/a.png', 'https://img.evil-phish.xyz/c_fill,w_200/a.png']);
  });

  it('finds form targets: action and a button formaction', function () {
    const cs = fromHtml(
      '<form action="https://form.evil-phish.xyz/post.php" method="post"><input name="pw"><button formaction="https://form2.evil-phish.xyz/p">Go</button></form>',
    );
    expect(one(cs, 'url', 'https://form.evil-phish.xyz/post.php')?.origins).to.deep.equal([{ field: 'html', detail: 'action' }]);
    expect(one(cs, 'url', 'https://form2.evil-phish.xyz/p')?.origins).to.deep.equal([{ field: 'html', detail: 'formaction' }]);
  });

  it('finds a meta refresh target written with or without `url=`', function () {
    const cs = fromHtml(
      `<meta http-equiv="refresh" content="0; https://refresh.evil-phish.xyz/r1"><meta http-equiv="Refresh" content="5;URL='https://refresh.evil-phish.xyz/r2'">`,
    );
    expect(one(cs, 'url', 'https://refresh.evil-phish.xyz/r1')?.origins).to.deep.equal([{ field: 'html', detail: 'meta-refresh' }]);
    expect(values(cs, 'url')).to.include('https://refresh.evil-phish.xyz/r2');
  });

  it('decodes entity-encoded hrefs (decimal, hex, &amp;) before taking the URL', function () {
    const cs = fromHtml('<a href="&#104;&#116;&#116;&#112;&#x73;&#x3a;//enc.evil-phish.xyz/a?x=1&amp;y=2">x</a>');
    expect(values(cs, 'url')).to.include('https://enc.evil-phish.xyz/a?x=1&y=2');
  });

  it('repairs hrefs broken by mail clients: white space in the host removed, line breaks removed, spaces in the path encoded as a browser does', function () {
    const cs = fromHtml(
      '<a href=" https://broken.evil-ph ish.xyz/p ath">x</a><a href="https://wrapped.evil-phish.xyz/lo\r\ngin?id=\n42">y</a><a href="mailto:help@evil-ph ish.xyz">z</a>',
    );
    expect(values(cs, 'url')).to.include.members(['https://broken.evil-phish.xyz/p%20ath', 'https://wrapped.evil-phish.xyz/login?id=42']);
    expect(values(cs, 'domain-name')).to.include('broken.evil-phish.xyz');
    expect(values(cs, 'email-addr')).to.include('help@evil-phish.xyz');
  });

  it('takes protocol-relative links (//host/path) as https', function () {
    const cs = fromHtml('<img src="//cdn.evil-phish.xyz/img/first premier.png">');
    expect(values(cs, 'url')).to.include('https://cdn.evil-phish.xyz/img/first%20premier.png');
  });

  it('keeps a sender whose local part is 71 characters long, with its domain', async function () {
    const local = 'noreply.account-security-notification.department.' + 'x'.repeat(22);
    expect(local).to.have.length(71);
    const raw = Buffer.from(
      [
        `From: Security <${local}@long-sender.evil-phish.xyz>`,
        'To: phishing@pot',
        'Subject: verify',
        `Reply-To: ${local}@reply.evil-phish.xyz`,
        '',
        `Write to ${local}@text.evil-phish.xyz`,
        '',
      ].join('\r\n'),
    );
    const u = await unwrapForward(raw);
    if (u.kind !== 'unwrapped') throw new Error('unwrap failed');
    const { candidates } = extractIndicators({ item: u.items[0]!, files: [], infrastructure: NO_INFRA });
    expect(one(candidates, 'email-addr', `${local}@long-sender.evil-phish.xyz`)).to.include({ kind: 'mail' });
    expect(one(candidates, 'domain-name', 'long-sender.evil-phish.xyz')).to.include({ kind: 'mail' });
    expect(one(candidates, 'domain-name', 'reply.evil-phish.xyz')).to.include({ kind: 'mail' });
    expect(one(candidates, 'email-addr', `${local}@text.evil-phish.xyz`)).to.include({ kind: 'network' });
  });
});
