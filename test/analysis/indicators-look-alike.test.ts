import { expect } from 'chai';
import { findLookAlikes, skeleton } from '../../analysis/indicators/look-alike.ts';
import { normalizeHost } from '../../analysis/indicators/normalize.ts';

const REGISTERED = [
  { domain: 'corp.example', orgId: 'org-corp' },
  { domain: 'tokyo-rail.co.jp', orgId: 'org-rail' },
  { domain: 'kansai-power.jp', orgId: 'org-power' },
  { domain: 'jr.example', orgId: 'org-short' },
];

function lookAlike(host: string): [string, string[]][] {
  const value = normalizeHost(host)!.value;
  return findLookAlikes([value], REGISTERED).map((l) => [l.of, [...l.techniques]]);
}

describe('look-alike domains of registered domains', function () {
  it('gives confusable strings one skeleton (UTS #39 data)', function () {
    expect(skeleton('соrр')).to.equal(skeleton('corp')); // Cyrillic с, о, р
    expect(skeleton('rnicrosoft')).to.equal(skeleton('microsoft'));
    expect(skeleton('paypa1')).to.equal(skeleton('PayPal'));
    expect(skeleton('corp')).to.not.equal(skeleton('coop'));
  });

  it('finds IDN homoglyphs', function () {
    expect(lookAlike('соrp.example')).to.deep.equal([['corp.example', ['homoglyph']]]);
    expect(lookAlike('tokyo-raіl.co.jp')).to.deep.equal([['tokyo-rail.co.jp', ['homoglyph', 'edit-distance']]]); // Ukrainian і
  });

  it('finds names one or two edits away, allowing two only for longer names', function () {
    expect(lookAlike('tokyo-rial.co.jp')).to.deep.equal([['tokyo-rail.co.jp', ['edit-distance']]]);
    expect(lookAlike('tokio-rai.co.jp')).to.deep.equal([['tokyo-rail.co.jp', ['edit-distance']]]);
    expect(lookAlike('coorp.example')).to.deep.equal([['corp.example', ['edit-distance']]]);
    expect(lookAlike('cxrpx.example'), 'two edits on a four-letter name').to.deep.equal([]);
    expect(lookAlike('js.example'), 'two-letter names are left alone').to.deep.equal([]);
  });

  it('finds hyphens added or removed and top-level domain swaps', function () {
    expect(lookAlike('tokyorail.co.jp')).to.deep.equal([['tokyo-rail.co.jp', ['hyphen']]]);
    expect(lookAlike('kansaipower.jp')).to.deep.equal([['kansai-power.jp', ['hyphen']]]);
    expect(lookAlike('tokyo-rail.com')).to.deep.equal([['tokyo-rail.co.jp', ['tld-swap']]]);
    expect(lookAlike('kansai-p0wer.com')).to.deep.equal([['kansai-power.jp', ['homoglyph', 'edit-distance', 'tld-swap']]]);
  });

  it('reports the registrable domain once, whatever subdomains were seen', function () {
    const hosts = ['login.xn--rp-emcl.example', 'xn--rp-emcl.example', 'mail.xn--rp-emcl.example'];
    expect(findLookAlikes(hosts, REGISTERED)).to.deep.equal([
      { domain: 'xn--rp-emcl.example', unicode: 'соrp.example', of: 'corp.example', orgId: 'org-corp', techniques: ['homoglyph'] },
    ]);
  });

  it('leaves registered domains, their subdomains and unrelated names alone', function () {
    expect(findLookAlikes(['corp.example', 'mail.corp.example', 'tokyo-rail.co.jp', 'weather-news.example', 'example.com'], REGISTERED)).to.deep.equal([]);
  });
});
