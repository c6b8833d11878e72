// Junk that is not the attacker's (issue 12, "Infrastructure is not an indicator"): hosts whose
// top-level domain does not exist, strings of certificates inside binaries, truncated values, and
// inline signature images. Each would otherwise go out as an indicator (to_ids in MISP).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as x509 from '@peculiar/asn1-x509';
import { expect } from 'chai';
import { extractIndicators, INLINE_IMAGE_LIST, inlineImageIds } from '../../analysis/indicators/index.ts';
import type { CandidateIndicator } from '../../analysis/types.ts';
import { unwrapForward } from '../../core/mail/forward/index.ts';
import { fileAnalysisOf } from './indicators-fixtures.ts';

const NO_INFRA = { domains: [], networks: [] };
const CORPUS = new URL('../../../shared/corpus/phishing-pot-500.tar.xz', import.meta.url).pathname;

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

const values = (cs: readonly CandidateIndicator[], type: string) => cs.filter((c) => c.type === type).map((c) => c.value);
const one = (cs: readonly CandidateIndicator[], type: string, value: string) => cs.find((c) => c.type === type && c.value === value);

/** A DER X.509 certificate whose Authority Information Access names Let's Encrypt's OCSP and issuer URLs. */
function letsEncryptLikeCertificate(): Buffer {
  const uri = (u: string) => new x509.GeneralName({ uniformResourceIdentifier: u });
  const aia = new x509.AuthorityInfoAccessSyntax([
    new x509.AccessDescription({ accessMethod: x509.id_ad_ocsp, accessLocation: uri('http://r11.o.lencr.org') }),
    new x509.AccessDescription({ accessMethod: x509.id_ad_caIssuers, accessLocation: uri('http://r11.i.lencr.org/') }),
  ]);
  const alg = new x509.AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null });
  const cn = new x509.AttributeTypeAndValue({ type: '2.5.4.3', value: new x509.AttributeValue({ printableString: 'mdm.profile-signer.xyz' }) });
  const name = new x509.Name([new x509.RelativeDistinguishedName([cn])]);
  const tbs = new x509.TBSCertificate({
    version: x509.Version.v3,
    serialNumber: new Uint8Array([3, 1, 4, 1, 5]).buffer,
    signature: alg,
    issuer: name,
    validity: new x509.Validity({ notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2024-04-01T00:00:00Z') }),
    subject: name,
    subjectPublicKeyInfo: new x509.SubjectPublicKeyInfo({
      algorithm: new x509.AlgorithmIdentifier({ algorithm: '1.2.840.10045.2.1' }),
      subjectPublicKey: new Uint8Array(65).fill(4).buffer,
    }),
    extensions: new x509.Extensions([
      new x509.Extension({ extnID: x509.id_pe_authorityInfoAccess, critical: false, extnValue: new OctetString(AsnConvert.serialize(aia)) }),
    ]),
  });
  const cert = new x509.Certificate({ tbsCertificate: tbs, signatureAlgorithm: alg, signatureValue: new Uint8Array(256).fill(7).buffer });
  return Buffer.from(AsnConvert.serialize(cert));
}

describe("indicator junk that is not the attacker's", function () {
  it('drops hosts whose top-level domain does not exist, wherever they are found, and keeps real ones, private suffixes and IPs', function () {
    const headers = {
      ...emptyHeaders(),
      from: [{ name: 'Bank', address: 'alerts@mail.secure-bank.exa' }],
      replyTo: [{ name: '', address: 'help@desk.evil-phish.xyz' }],
      messageId: '<20240401.1@localhost.localdomain>',
      received: ['from relay.evil-phish.xyz (relay.evil-phish.xyz [203.0.113.7]) by mx.hq.internal (Postfix) with ESMTP id 1; Mon, 1 Apr 2024 10:00:00 +0000'],
    };
    const html =
      '<a href="https://login.secure-bank.exa/verify">a</a><a href="https://evil-phish.blogspot.com/p">b</a><a href="http://203.0.113.9/x">c</a> write to billing@pay.secure-bank.exa';
    const { candidates } = extractIndicators({
      item: { headers, text: 'see https://ok.evil-phish.xyz/t', html, attachments: [] },
      files: [],
      infrastructure: NO_INFRA,
    });
    expect(candidates.filter((c) => /\.exa\b|localdomain|\.internal\b/.test(c.value)).map((c) => `${c.type} ${c.value}`)).to.deep.equal([]);
    expect(values(candidates, 'url')).to.include.members(['https://evil-phish.blogspot.com/p', 'http://203.0.113.9/x', 'https://ok.evil-phish.xyz/t']);
    expect(one(candidates, 'email-addr', 'help@desk.evil-phish.xyz')).to.include({ kind: 'mail' });
    expect(one(candidates, 'domain-name', 'relay.evil-phish.xyz')).to.include({ kind: 'mail' });
  });

  it("drops the CA URLs of a certificate inside a binary attachment (http://r11.o.lencr.org0) and keeps the attacker's URL beside it", function () {
    const profile = Buffer.concat([
      Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0x00]),
      Buffer.from('<key>PayloadURL</key><string>https://mdm.evil-phish.xyz/enroll</string>\0\0'),
      letsEncryptLikeCertificate(),
      Buffer.from([0x31, 0x00, 0x00, 0x00]),
    ]);
    const item = {
      headers: emptyHeaders(),
      text: null,
      html: null,
      attachments: [{ filename: 'wallet.mobileconfig', contentType: 'application/x-apple-aspen-config', content: profile }],
    };
    const { candidates } = extractIndicators({ item, files: [], infrastructure: NO_INFRA });
    expect(candidates.filter((c) => c.value.includes('lencr')).map((c) => c.value)).to.deep.equal([]);
    expect(one(candidates, 'url', 'https://mdm.evil-phish.xyz/enroll')?.origins).to.deep.equal([{ field: 'attachment', detail: 'wallet.mobileconfig' }]);
  });

  it('drops a truncated value such as o@bnb.gov.b and keeps the whole address', function () {
    const text = 'Contato: contato@bnb.gov.b\nOuvidoria: ouvidoria@bnb.gov.br';
    const item = {
      headers: emptyHeaders(),
      text,
      html: null,
      attachments: [{ filename: 'note.txt', contentType: 'text/plain', content: Buffer.from('cc o@bnb.gov.b') }],
    };
    const { candidates } = extractIndicators({ item, files: [], infrastructure: NO_INFRA });
    expect(values(candidates, 'email-addr')).to.deep.equal(['ouvidoria@bnb.gov.br']);
  });

  it('flags the hashes and name of an image shown by cid: (image001.png) as inline-image, and not a real attachment or an unreferenced image', async function () {
    const logo = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 1)]);
    const chart = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 2)]);
    const payload = Buffer.from('MZ\x90\x00 not an image');
    const raw = Buffer.from(
      [
        'From: Billing <billing@invoices.evil-phish.xyz>',
        'To: phishing@pot',
        'Subject: invoice',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="outer"',
        '',
        '--outer',
        'Content-Type: multipart/related; boundary="rel"',
        '',
        '--rel',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Invoice attached.</p><p><img src="cid:image001.png@01DA8C2B.5E3F1A20" alt="logo"></p>',
        '--rel',
        'Content-Type: image/png; name="image001.png"',
        'Content-Disposition: inline; filename="image001.png"',
        'Content-ID: <image001.png@01DA8C2B.5E3F1A20>',
        'Content-Transfer-Encoding: base64',
        '',
        logo.toString('base64'),
        '--rel--',
        '',
        '--outer',
        'Content-Type: image/png; name="chart.png"',
        'Content-Disposition: attachment; filename="chart.png"',
        'Content-ID: <chart@evil>',
        'Content-Transfer-Encoding: base64',
        '',
        chart.toString('base64'),
        '--outer',
        'Content-Type: application/octet-stream; name="invoice.pdf.exe"',
        'Content-Disposition: attachment; filename="invoice.pdf.exe"',
        'Content-Transfer-Encoding: base64',
        '',
        payload.toString('base64'),
        '--outer--',
        '',
      ].join('\r\n'),
    );
    const u = await unwrapForward(raw);
    if (u.kind !== 'unwrapped') throw new Error('unwrap failed');
    const item = u.items[0]!;
    expect([...inlineImageIds(item)]).to.deep.equal(['image001.png@01DA8C2B.5E3F1A20']);
    const files = item.attachments.map((a) => fileAnalysisOf(a.filename, a.content));
    const { candidates } = extractIndicators({ item, files, infrastructure: NO_INFRA });
    const listsOf = (type: string, value: string) => one(candidates, type, value)?.warningLists;
    const [logoFa, chartFa, exeFa] = [logo, chart, payload].map((b, i) => fileAnalysisOf(['image001.png', 'chart.png', 'invoice.pdf.exe'][i]!, b));
    for (const type of ['file-sha256', 'file-sha1', 'file-md5'] as const) {
      const key = type === 'file-sha256' ? 'sha256' : type === 'file-sha1' ? 'sha1' : 'md5';
      expect(listsOf(type, logoFa!.facts[key]), `logo ${type}`).to.deep.equal([INLINE_IMAGE_LIST]);
      expect(listsOf(type, chartFa!.facts[key]), `chart ${type}`).to.deep.equal([]);
      expect(listsOf(type, exeFa!.facts[key]), `exe ${type}`).to.deep.equal([]);
    }
    expect(listsOf('file-name', 'image001.png')).to.deep.equal([INLINE_IMAGE_LIST]);
    expect(listsOf('file-name', 'invoice.pdf.exe')).to.deep.equal([]);
  });

  describe('on the real corpus (../shared/corpus)', function () {
    let dir: string | null = null;
    before(function () {
      if (!existsSync(CORPUS)) {
        process.stderr.write(`      skipped: the real corpus is absent (${CORPUS}); see ../shared/corpus/README.md\n`);
        this.skip();
      }
      dir = mkdtempSync(join(tmpdir(), 'c4tap-junk-'));
      execFileSync('tar', ['-xJf', CORPUS, '-C', dir, 'phishing-pot-500/sample-5253.eml', 'phishing-pot-500/sample-5709.eml'], { timeout: 60_000 });
    });
    after(function () {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('takes no certificate URL or truncated host from the signed configuration profiles of two real mails', async function () {
      for (const name of ['sample-5253.eml', 'sample-5709.eml']) {
        const u = await unwrapForward(readFileSync(join(dir!, 'phishing-pot-500', name)));
        if (u.kind !== 'unwrapped') throw new Error(`${name}: unwrap failed`);
        const item = u.items[0]!;
        expect(
          item.attachments.some((a) => /mobileconfig/.test(a.filename ?? '')),
          name,
        ).to.equal(true);
        const { candidates } = extractIndicators({ item, files: [], infrastructure: NO_INFRA });
        const junk = candidates.filter((c) => /lencr\.org|\.(?:org|br|tz)0\b/.test(c.value)).map((c) => `${c.type} ${c.value}`);
        expect(junk, name).to.deep.equal([]);
      }
    });
  });
});
