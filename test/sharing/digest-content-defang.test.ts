// Defanging of indicators shown in digest bodies: each type by its own rule, hashes unchanged, and
// for generated values of every network type nothing clickable is left.
import { expect } from 'chai';
import { defang, defangText } from '../../sharing/digests/content/defang.ts';
import { generatedValues } from './helpers/stix-data.ts';

describe('digest content: defanging', () => {
  it('writes a URL with hxxps and bracketed dots, also in its query', () => {
    expect(defang('url', 'https://login.evil.example/a.php?next=b.evil.example')).to.equal('hxxps://login[.]evil[.]example/a[.]php?next=b[.]evil[.]example');
    expect(defang('url', 'http://evil.example/')).to.equal('hxxp://evil[.]example/');
  });

  it('keeps the case of the scheme and defangs ftp and unknown schemes', () => {
    expect(defang('url', 'HTTPS://EVIL.EXAMPLE/')).to.equal('HXXPS://EVIL[.]EXAMPLE/');
    expect(defang('url', 'ftp://files.evil.example/x')).to.equal('fxp://files[.]evil[.]example/x');
    expect(defang('url', 'ms-search://evil.example/q')).to.equal('ms-search[://]evil[.]example/q');
  });

  it('defangs user info and an IPv6 literal host in a URL', () => {
    expect(defang('url', 'http://user@[2001:db8::1]:8080/x')).to.equal('hxxp://user[@][2001[:]db8[:][:]1]:8080/x');
    expect(defang('url', 'https://198.51.100.4/login')).to.equal('hxxps://198[.]51[.]100[.]4/login');
  });

  it('defangs domains, including full stops that IDNA maps to a dot', () => {
    expect(defang('domain-name', 'mail.evil.example')).to.equal('mail[.]evil[.]example');
    expect(defang('domain-name', 'evil\u3002example')).to.equal('evil[.]example');
    expect(defang('email-message-id-domain', 'mx.evil.example')).to.equal('mx[.]evil[.]example');
  });

  it('defangs every dot of an IPv4 address and every colon of an IPv6 address', () => {
    expect(defang('ipv4-addr', '203.0.113.7')).to.equal('203[.]0[.]113[.]7');
    expect(defang('ipv6-addr', '2001:db8::dead:beef')).to.equal('2001[:]db8[:][:]dead[:]beef');
  });

  it('defangs the at sign and the dots of an e-mail address', () => {
    expect(defang('email-addr', 'billing.team@phish.example')).to.equal('billing[.]team[@]phish[.]example');
  });

  it('leaves file hashes and YARA rule names unchanged', () => {
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(defang('file-sha256', sha256)).to.equal(sha256);
    expect(defang('file-sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')).to.equal('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(defang('file-md5', 'd41d8cd98f00b204e9800998ecf8427e')).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    expect(defang('yara-rule', 'Phish_Invoice_Macro')).to.equal('Phish_Invoice_Macro');
  });

  it('defangs what could be linked inside free text and leaves ordinary punctuation alone', () => {
    expect(defang('email-subject', 'Mr. Tanaka, see https://evil.example/x or mail admin@evil.example.')).to.equal(
      'Mr. Tanaka, see hxxps://evil[.]example/x or mail admin[@]evil[.]example.',
    );
    expect(defang('file-name', 'invoice.pdf.exe')).to.equal('invoice[.]pdf[.]exe');
    expect(defangText('【重要】請求書。ご確認ください')).to.equal('【重要】請求書。ご確認ください');
    expect(defangText('evil．example')).to.equal('evil[.]example');
  });

  it('leaves no scheme, dot or at sign a client could link in generated network indicators', () => {
    const network = generatedValues(25).filter((g) =>
      ['url', 'domain-name', 'ipv4-addr', 'ipv6-addr', 'email-addr', 'email-message-id-domain'].includes(g.type),
    );
    expect(network.length).to.be.greaterThan(100);
    for (const { type, value } of network) {
      const shown = defang(type, value);
      const bare = shown.replace(/\[\.\]|\[@\]|\[:\]|\[:\/\/\]/g, '');
      expect(shown, `${type} ${value}`).not.to.match(/\b(https?|ftps?):\/\//i);
      expect(bare, `${type} ${value}`).not.to.match(/[.@]/);
      if (type === 'ipv6-addr') expect(bare, value).not.to.include(':');
    }
  });
});
