// The body of a digest: new and withdrawn indicators grouped by campaign then type, withdrawn ones
// marked, every indicator defanged in text and HTML, HTML escaped and self-contained, headers.
import { expect } from 'chai';
import { INDICATOR_TYPES } from '../../core/types.ts';
import { renderDigest } from '../../sharing/digests/content/index.ts';
import { groupByCampaignAndType } from '../../sharing/digests/content/grouping.ts';
import { CAMPAIGN, LIVE, digestEnvSuite } from './helpers/digest-content-env.ts';

const HASHES = [LIVE.sha256, LIVE.greenMd5];
const LIVE_NETWORK = Object.entries(LIVE)
  .filter(([k]) => !['sha256', 'greenMd5'].includes(k))
  .map(([, v]) => v);

describe('digest content: body', function () {
  this.timeout(30_000);
  const f = digestEnvSuite();

  it('groups indicators by campaign, the unattributed ones last, then by type', async () => {
    const text = (await renderDigest(f.env.input({ language: 'en' }))).text;
    const campaignAt = text.indexOf(`Campaign: ${CAMPAIGN}`);
    const unattributedAt = text.indexOf('Unattributed');
    expect(campaignAt).to.be.greaterThan(0);
    expect(unattributedAt).to.be.greaterThan(campaignAt);
    const campaignPart = text.slice(campaignAt, unattributedAt);
    for (const v of ['evil-bank[.]example', '203[.]0[.]113[.]7', LIVE.sha256]) expect(campaignPart).to.include(v);
    expect(campaignPart).not.to.include('cdn[.]other');
    expect(text.slice(unattributedAt)).to.include('hxxp://cdn[.]other[.]example/payload[.]exe');
    // Types follow INDICATOR_TYPES within the campaign.
    const headings = ['E-mail addresses', 'Domains', 'IPv4 addresses', 'IPv6 addresses', 'URLs', 'Subjects', 'SHA-256 hashes'];
    const positions = headings.map((h) => campaignPart.indexOf(`    ${h}\n`));
    expect(positions.every((p) => p > 0)).to.equal(true);
    expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);
  });

  it('lists withdrawn indicators in their own section after the new ones, each marked', async () => {
    const en = (await renderDigest(f.env.input({ language: 'en' }))).text;
    const ja = (await renderDigest(f.env.input({ language: 'ja' }))).text;
    const newAt = en.indexOf('■ New or updated indicators');
    const withdrawnAt = en.indexOf('■ Withdrawn indicators');
    expect(newAt).to.be.greaterThan(0);
    expect(withdrawnAt).to.be.greaterThan(newAt);
    expect(en.slice(newAt, withdrawnAt)).not.to.include('shared-cdn');
    expect(en.slice(withdrawnAt)).to.match(/\[GREEN\] \[withdrawn \/ 取り下げ\] shared-cdn\[\.\]example/);
    expect(ja).to.match(/\[GREEN\] \[取り下げ \/ withdrawn\] shared-cdn\[\.\]example/);
    expect(en).to.include('New or updated indicators: 9; withdrawn: 1.');
  });

  it('never writes a live indicator in the text or HTML part, and keeps hashes as they are', async () => {
    const mail = await renderDigest(f.env.input({ language: 'en' }));
    for (const part of [mail.text, mail.html!, mail.subject]) {
      for (const live of LIVE_NETWORK) expect(part, live).not.to.include(live);
      expect(part).not.to.match(/https?:\/\//);
    }
    for (const h of HASHES) {
      expect(mail.text).to.include(h);
      expect(mail.html).to.include(h);
    }
    expect(mail.html).to.include('2001[:]db8[:][:]dead[:]beef').and.include('billing[.]team[@]phish-mail[.]example');
  });

  it('escapes HTML and loads nothing remote: no scripts, images, styles sheets or links to indicators', async () => {
    const evil = f.env.entries.map((e, i) => (i === 0 ? { ...e, campaigns: ['<script>alert("x")</script> & <img src=x>'] } : e));
    const html = (await renderDigest(f.env.input({}, { entries: evil }))).html!;
    expect(html).not.to.match(/<script|<img|<link|<iframe|<a\s|src=|@import|url\(/i);
    expect(html).to.include('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src&#61;x&gt;');
  });

  it('makes invisible characters in values visible and keeps each indicator on one line', async () => {
    const e = f.env.entries[0]!;
    const tricky = { ...e, view: { ...e.view, type: 'email-subject' as const, value: 'pay\u202Eexe.pdf\nBcc: x' } };
    const text = (await renderDigest(f.env.input({}, { entries: [tricky] }))).text;
    expect(text).to.include('pay⟨U+202E⟩exe[.]pdf⟨U+000A⟩Bcc: x');
    expect(text).not.to.include('\u202E');
  });

  it('sends headers that mark the mail as automatic and carry its class', async () => {
    const mail = await renderDigest(f.env.input({ address: 'soc@observer.example' }));
    expect(mail.to).to.equal('soc@observer.example');
    expect(mail.headers).to.include({ 'Auto-Submitted': 'auto-generated', 'C4TAP-Class': 'YELLOW', 'C4TAP-Digest': 'daily-observers' });
    expect(mail.subject).to.equal('[C4TAP:YELLOW] C⁴TAP 指標ダイジェスト（daily-observers） 2026-02-28 – 2026-03-01');
  });

  it('says so when nothing was published or withdrawn', async () => {
    const mail = await renderDigest(f.env.input({ language: 'en' }, { entries: [], stixContext: { latest: [], sightings: [] } }));
    expect(mail.text).to.include('No indicators were published or withdrawn for you in this period.');
    expect(mail.text).not.to.include('■');
  });
});

describe('digest content: grouping', () => {
  const item = (type: (typeof INDICATOR_TYPES)[number], value: string, campaigns: string[]) => ({ type, value, campaigns });

  it('lists an indicator under each of its campaigns and blank campaign names as unattributed', () => {
    const groups = groupByCampaignAndType([
      item('url', 'http://b', ['Beta', 'Alpha']),
      item('domain-name', 'a.example', ['Alpha']),
      item('url', 'http://a', ['Alpha']),
      item('file-md5', 'f'.repeat(32), []),
      item('ipv4-addr', '192.0.2.1', ['  ']),
    ]);
    expect(groups.map((g) => g.campaign)).to.deep.equal(['Alpha', 'Beta', null]);
    expect(groups[0]!.types.map((t) => [t.type, t.items.map((i) => i.value)])).to.deep.equal([
      ['domain-name', ['a.example']],
      ['url', ['http://a', 'http://b']],
    ]);
    expect(groups[1]!.types.map((t) => t.items.map((i) => i.value))).to.deep.equal([['http://b']]);
    expect(groups[2]!.types.map((t) => t.type)).to.deep.equal(['ipv4-addr', 'file-md5']);
  });
});
