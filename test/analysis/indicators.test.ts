import { expect } from 'chai';
import { extractIndicators } from '../../analysis/indicators/index.ts';
import { canonicalUrl, findUrls, normalizeAddress, normalizeHost, normalizeIp, refang } from '../../analysis/indicators/index.ts';
import type { CandidateIndicator } from '../../analysis/types.ts';
import { analyse, fileAnalysisOf, FIXTURES, RECEIVED_CHAIN, VICTIM_URLS } from './indicators-fixtures.ts';

const fixture = (name: string) => FIXTURES.find((f) => f.name === name)!;
const find = (cs: readonly CandidateIndicator[], type: string, value: string) => cs.filter((c) => c.type === type && c.value === value);

describe('indicator normalisation', function () {
  it('lower-cases host names, drops trailing dots and keeps the Unicode form of an IDN', function () {
    expect(normalizeHost('Mail.EVIL.example.')).to.deep.equal({ kind: 'domain', value: 'mail.evil.example' });
    expect(normalizeHost('ログイン.例え.jp')).to.deep.equal({ kind: 'domain', value: 'xn--eckxa6p0a.xn--r8jz45g.jp', unicode: 'ログイン.例え.jp' });
    expect(normalizeHost('XN--RP-EMCL.example')).to.deep.equal({ kind: 'domain', value: 'xn--rp-emcl.example', unicode: 'соrp.example' });
  });

  it('refuses what is not a host name: one label, bad labels, a numeric top-level label', function () {
    for (const bad of ['localhost', 'exa mple.com', '-evil.example', 'a..b', '1.2.3', '']) expect(normalizeHost(bad), bad).to.equal(null);
  });

  it('writes IP addresses canonically and IPv4-mapped IPv6 as IPv4', function () {
    expect(normalizeIp('[IPv6:2001:DB8:0:0::25]')).to.deep.equal({ kind: 'ipv6', value: '2001:db8::25' });
    expect(normalizeIp('::ffff:203.0.113.9')).to.deep.equal({ kind: 'ipv4', value: '203.0.113.9' });
    expect(normalizeIp('[203.0.113.9]')).to.deep.equal({ kind: 'ipv4', value: '203.0.113.9' });
    expect(normalizeIp('0x7f.1'), 'not four-part decimal').to.equal(null);
    expect(normalizeIp('010.1.1.1'), 'leading zeros are ambiguous').to.equal(null);
  });

  it('normalises addresses: brackets and mailto: stripped, lower-case, IDN domain in punycode', function () {
    expect(normalizeAddress('<Billing@Invoices.EXAMPLE>')?.value).to.equal('billing@invoices.example');
    const idn = normalizeAddress('mailto:keiri@соrp.example?subject=x');
    expect(idn).to.include({ value: 'keiri@xn--rp-emcl.example', unicode: 'keiri@соrp.example' });
    expect(normalizeAddress('no-at-sign.example')).to.equal(null);
  });

  it('reads a sender address a careless mailer left a quote or bracket around (real phishing mail)', function () {
    expect(normalizeAddress("adc2wwihs77i@flh9rhjvmael.com'")?.value).to.equal('adc2wwihs77i@flh9rhjvmael.com');
    expect(normalizeAddress('"lure@evil-lure.xyz"')?.value).to.equal('lure@evil-lure.xyz');
  });

  it('re-fangs defanged URLs, domains and addresses', function () {
    expect(refang('hxxps://evil[.]example/x and hxxp[:]//a(.)b{.}example and user[at]evil[dot]example')).to.equal(
      'https://evil.example/x and http://a.b.example and user@evil.example',
    );
  });

  it('canonicalises URLs: scheme and host case, default port, dot segments, percent-encoding, IDN', function () {
    expect(canonicalUrl('HTTPS://Evil.EXAMPLE.:443/a/./b/../%7euser/%2f?q=%41%2F#Frag')?.value).to.equal('https://evil.example/a/~user/%2F?q=A%2F#Frag');
    expect(canonicalUrl('http://evil.example:8080')?.value).to.equal('http://evil.example:8080/');
    const idn = canonicalUrl('https://ログイン.例え.jp/パス');
    expect(idn?.value).to.equal('https://xn--eckxa6p0a.xn--r8jz45g.jp/%E3%83%91%E3%82%B9');
    expect(idn?.unicode).to.equal('https://ログイン.例え.jp/%E3%83%91%E3%82%B9');
    expect(canonicalUrl('http://[2001:DB8::1]/x')?.host).to.deep.equal({ kind: 'ipv6', value: '2001:db8::1' });
    for (const other of ['javascript:alert(1)', 'cid:logo@x', 'data:text/html,hi', 'mailto:a@b.example']) expect(canonicalUrl(other), other).to.equal(null);
  });

  it('finds URLs in running text without swallowing Japanese text or closing punctuation', function () {
    const text = '詳細はhttps://evil.example/loginからログイン。(see http://evil.example/a_(b)). Also www.evil.example/x, and hxxp://evil[.]example/y';
    expect(findUrls(text)).to.deep.equal(['https://evil.example/login', 'http://evil.example/a_(b)', 'http://www.evil.example/x', 'http://evil.example/y']);
  });
});

describe('indicator extraction from an original mail', function () {
  it('takes sender, Reply-To, Message-ID domain, mailer and subject as `mail` indicators', async function () {
    const { extracted } = await analyse(fixture('victim identifiers in URLs'));
    const cs = extracted.candidates;
    expect(find(cs, 'email-addr', 'support@mailbox-verify-portal.xyz')[0]).to.include({ kind: 'mail' });
    expect(find(cs, 'email-addr', 'help@quick-pay-transfer.xyz')[0]?.origins).to.deep.equal([{ field: 'reply-to' }]);
    expect(find(cs, 'domain-name', 'quick-pay-transfer.xyz')[0]).to.include({ kind: 'mail' });
    expect(find(cs, 'email-message-id-domain', 'mailbox-verify-portal.xyz')).to.have.length(1);
    expect(find(cs, 'x-mailer', 'PHPMailer 6.1.4 (https://github.com/PHPMailer/PHPMailer)')).to.have.length(1);
    expect(cs.filter((c) => c.type === 'email-subject').map((c) => c.value)).to.deep.equal([VICTIM_URLS.subject]);
  });

  it('takes URLs from the text and from HTML href and src, with their hosts as `network` indicators', async function () {
    const { extracted } = await analyse(fixture('victim identifiers in URLs'));
    const urls = extracted.candidates.filter((c) => c.type === 'url');
    expect(urls.every((u) => u.kind === 'network')).to.equal(true);
    expect(urls.map((u) => u.origins[0]?.field + ':' + (u.origins[0]?.detail ?? ''))).to.include.members(['text:', 'html:href', 'html:src']);
    expect(urls.some((u) => u.value.startsWith('https://mailbox-verify-portal.xyz/login?u='))).to.equal(true);
    expect(find(extracted.candidates, 'domain-name', 'trk.mailbox-verify-portal.xyz')[0]).to.include({ kind: 'network' });
  });

  it('keeps one candidate per value and kind with every place it was found', async function () {
    const { extracted } = await analyse(fixture('victim identifiers in URLs'));
    const domain = find(extracted.candidates, 'domain-name', 'mailbox-verify-portal.xyz');
    expect(domain.map((d) => d.kind).sort()).to.deep.equal(['mail', 'network']);
    const network = domain.find((d) => d.kind === 'network')!;
    expect(network.origins).to.deep.equal([{ field: 'text-host' }, { field: 'html-host', detail: 'href' }]);
  });

  it('reads URLs from text attachments, Internet shortcuts and UTF-16 strings of binaries', async function () {
    const { extracted } = await analyse(fixture('Received chain'));
    const urls = extracted.candidates.filter((c) => c.type === 'url');
    const byOrigin = Object.fromEntries(urls.map((u) => [u.origins[0]!.detail!, u.value]));
    expect(byOrigin['download-note.txt']).to.match(/^https:\/\/tender-docs\.tokyo-rail-tender\.xyz\/fy2024\//);
    expect(byOrigin['tender.url']).to.equal('http://203.0.113.90:8080/tender.hta');
    expect(byOrigin['Invoice_Taro_Yamada.pdf.lnk']).to.equal('https://cdn.tender-payload.xyz/a.ps1');
    expect(find(extracted.candidates, 'ipv4-addr', '203.0.113.90')[0]).to.include({ kind: 'network' });
  });

  it('reads URLs from archive members handed over by the files stage', function () {
    const item = { headers: emptyHeaders(), text: null, html: null, attachments: [] };
    const member = { name: 'inner.js', content: Buffer.from('var u = "https://stage2.dropper.xyz/p.bin";') };
    const { candidates } = extractIndicators({ item, files: [], memberContents: [member], infrastructure: { domains: [], networks: [] } });
    expect(find(candidates, 'url', 'https://stage2.dropper.xyz/p.bin')[0]?.origins).to.deep.equal([{ field: 'attachment', detail: 'inner.js' }]);
  });

  it('takes hashes, file names, YARA rule names and AV names of analysed files as `file` indicators', async function () {
    const { extracted } = await analyse(fixture('Received chain'));
    const lnk = RECEIVED_CHAIN.attachments![2]!;
    const fa = fileAnalysisOf(lnk.filename!, lnk.content);
    for (const [type, value] of [
      ['file-sha256', fa.facts.sha256],
      ['file-sha1', fa.facts.sha1],
      ['file-md5', fa.facts.md5],
      ['file-name', lnk.filename!],
    ] as const) {
      expect(find(extracted.candidates, type, value)[0], type).to.include({ kind: 'file' });
    }
    expect(find(extracted.candidates, 'yara-rule', 'C4TAP_LNK_Lure')[0]?.origins).to.have.length(3);
    expect(find(extracted.candidates, 'av-signature', 'Win.Trojan.Agent-1234')[0]).to.include({ kind: 'file' });
  });

  it('never reads the forwarding note', async function () {
    const { extracted, unwrapped } = await analyse(fixture('victim identifiers in URLs'));
    expect(unwrapped.note).to.contain('csirt@corp.example');
    expect(extracted.candidates.some((c) => c.value.includes('csirt'))).to.equal(false);
  });
});

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
