// S/MIME on outgoing mail, checked with the real `openssl smime` (what a recipient's tooling does):
// signatures verify against the issuing CA, encrypted mail opens only with the recipient's key,
// header fields stay readable, and what is inside parses back to the same text and attachments.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createMailer, type Mailer, type OutboundMail } from '../../core/mailer.ts';
import { loadSmimeSigner, type SmimeSigner } from '../../core/mail/smime.ts';
import { isC4Error } from '../../core/errors.ts';
import { loadConfig } from '../../core/config.ts';
import { mailerSettings } from '../../core/mail/settings.ts';
import { createTestPki, opensslAvailable, type TestIdentity, type TestPki } from '../helpers/smime-certs.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const MAIL: OutboundMail = {
  to: 'Observer Desk <desk@observer.example>',
  subject: 'C4TAP digest 2026-04-01',
  text: 'C⁴TAP:GREEN — 共有範囲: 評議会関係者まで\nhxxps://lure[.]example/login  \nTrailing spaces above must survive.\n',
  html: '<p>C⁴TAP:GREEN — <b>共有範囲</b></p>',
  attachments: [{ filename: 'indicators.csv', content: 'type,value\ndomain-name,lure[.]example\n', contentType: 'text/csv' }],
  headers: { 'X-C4TAP-Digest': 'daily-green' },
};

function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n'));
}

describe('S/MIME on outgoing mail (verified with the openssl CLI)', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let exchange: TestIdentity;
  let desk: TestIdentity;
  let signer: SmimeSigner;
  let dir: string;

  before(function () {
    if (!opensslAvailable()) throw new Error('the openssl CLI is required (Debian package openssl)');
    pki = createTestPki();
    exchange = pki.issue('exchange', 'noreply@c4tap.example');
    desk = pki.issue('desk', 'desk@observer.example');
    signer = loadSmimeSigner(exchange.cert, exchange.key);
  });
  after(() => pki?.remove());
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-smime-outbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const outboxMailer = (smime?: SmimeSigner, clock?: () => Date): Mailer =>
    createMailer({ from: 'C4TAP <noreply@c4tap.example>', relayPort: 587, relaySecure: false, outboxDir: dir, smime, clock });

  async function sendToFile(mailer: Mailer, mail: OutboundMail): Promise<{ file: string; raw: Buffer; messageId: string }> {
    const sent = await mailer.send(mail);
    return { file: sent.via, raw: readFileSync(sent.via), messageId: sent.messageId };
  }

  const verify = (file: string, ca = pki.ca.certFile) => pki.openssl(['smime', '-verify', '-in', file, '-CAfile', ca]);

  async function expectSameContent(entity: Buffer): Promise<void> {
    const parsed = await simpleParser(entity);
    expect(parsed.text?.replace(/\r\n/g, '\n')).to.equal(MAIL.text);
    expect(parsed.html).to.contain('<b>共有範囲</b>');
    const csv = parsed.attachments.find((a) => a.filename === 'indicators.csv');
    expect(csv?.content.toString()).to.equal(MAIL.attachments![0]!.content);
  }

  it('signs every message so openssl verifies it against the issuing CA, with the header fields left outside', async () => {
    const { file, raw, messageId } = await sendToFile(outboxMailer(signer), MAIL);
    const headers = headerBlock(raw);
    expect(headers).to.match(/^From: C4TAP <noreply@c4tap\.example>$/m);
    expect(headers).to.match(/^To: Observer Desk <desk@observer\.example>$/m);
    expect(headers).to.match(/^Subject: C4TAP digest 2026-04-01$/m);
    expect(headers).to.match(/^Date: /m);
    expect(headers).to.include(`Message-ID: ${messageId}`);
    expect(headers).to.match(/^Auto-Submitted: auto-generated$/m);
    expect(headers).to.match(/^X-C4TAP-Digest: daily-green$/im);
    expect(headers).to.match(/^Content-Type: multipart\/signed; protocol="application\/pkcs7-signature"; micalg=sha-256;/m);
    const content = verify(file);
    await expectSameContent(content);
    // An ordinary client shows the signed message's text and attachment as usual.
    await expectSameContent(raw);
  });

  it('fails verification when one character of the signed text is changed in transit', async () => {
    const { file, raw } = await sendToFile(outboxMailer(signer), MAIL);
    const text = raw.toString('latin1');
    const at = text.indexOf('Trailing spaces');
    expect(at).to.be.greaterThan(0);
    writeFileSync(file, Buffer.from(text.slice(0, at) + 'trailing' + text.slice(at + 'Trailing'.length), 'latin1'));
    expect(() => verify(file)).to.throw(/Command failed/);
  });

  it('refuses a signature from a certificate the recipient’s CA did not issue', async () => {
    const { file } = await sendToFile(outboxMailer(signer), MAIL);
    const other = createTestPki();
    try {
      expect(() => verify(file, other.ca.certFile)).to.throw(/Command failed/);
    } finally {
      other.remove();
    }
  });

  it('signs with an EC (P-256) key as well', async () => {
    const ec = pki.issue('exchange-ec', 'noreply@c4tap.example', { ec: true });
    const { file } = await sendToFile(outboxMailer(loadSmimeSigner(ec.cert, ec.key)), MAIL);
    await expectSameContent(verify(file));
  });

  it('encrypts signed mail to the recipient certificate: only its key opens it, and the signature inside verifies', async () => {
    const { file, raw, messageId } = await sendToFile(outboxMailer(signer), { ...MAIL, encryptTo: desk.cert });
    const headers = headerBlock(raw);
    expect(headers).to.match(/^Subject: C4TAP digest 2026-04-01$/m);
    expect(headers).to.include(`Message-ID: ${messageId}`);
    expect(headers).to.match(/^X-C4TAP-Digest: daily-green$/im);
    expect(headers).to.match(/^Content-Type: application\/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"$/m);
    expect(raw.toString('latin1')).not.to.include('indicators.csv');
    expect(raw.toString('latin1')).not.to.include('lure[.]example');

    const inner = pki.openssl(['smime', '-decrypt', '-in', file, '-recip', desk.certFile, '-inkey', desk.keyFile]);
    expect(headerBlock(inner)).to.match(/^Content-Type: multipart\/signed;/m);
    const innerFile = path.join(dir, 'inner.eml');
    writeFileSync(innerFile, inner);
    await expectSameContent(verify(innerFile));
    // The exchange's own key (not a recipient) cannot open it.
    expect(() => pki.openssl(['smime', '-decrypt', '-in', file, '-recip', exchange.certFile, '-inkey', exchange.keyFile])).to.throw(/Command failed/);
  });

  it('encrypts without a signature when no signing identity is configured', async () => {
    const { file, raw } = await sendToFile(outboxMailer(), { ...MAIL, encryptTo: desk.cert });
    expect(headerBlock(raw)).to.match(/smime-type=enveloped-data/);
    const inner = pki.openssl(['smime', '-decrypt', '-in', file, '-recip', desk.certFile, '-inkey', desk.keyFile]);
    expect(inner.toString('latin1')).not.to.include('multipart/signed');
    await expectSameContent(inner);
  });

  it('refuses to encrypt to an expired or non-RSA certificate with VALIDATION_FAILED, writing nothing', async () => {
    const inTwoYears = () => new Date(Date.now() + 2 * 365 * 86_400_000);
    const ec = pki.issue('desk-ec', 'desk@observer.example', { ec: true });
    for (const [mailer, cert, why] of [
      [outboxMailer(signer, inTwoYears), desk.cert, /not valid at/],
      [outboxMailer(signer), ec.cert, /key type ec/],
      [outboxMailer(signer), 'not a certificate', /no PEM certificate/],
    ] as const) {
      const err = await mailer.send({ ...MAIL, encryptTo: cert }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isC4Error(err, 'VALIDATION_FAILED'), String(err)).to.equal(true);
      expect((err as Error).message).to.match(why);
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.eml'))).to.deep.equal([]);
  });

  it('sends signed and encrypted mail through a relay unchanged (SMTP sink over STARTTLS)', async () => {
    const sink = await startSmtpSink();
    try {
      const mailer = createMailer({ ...sink.mailerSettings(dir), smime: signer });
      const signed = await mailer.send(MAIL);
      await mailer.send({ ...MAIL, encryptTo: desk.cert });
      const [first, second] = await sink.waitFor(2);
      expect(first!.to).to.deep.equal(['desk@observer.example']);
      expect(first!.from).to.equal('noreply@c4tap.example');
      expect(first!.parsed.messageId).to.equal(signed.messageId);
      const signedFile = path.join(dir, 'relayed-signed.eml');
      writeFileSync(signedFile, first!.raw);
      await expectSameContent(verify(signedFile));
      const encFile = path.join(dir, 'relayed-enc.eml');
      writeFileSync(encFile, second!.raw);
      const inner = pki.openssl(['smime', '-decrypt', '-in', encFile, '-recip', desk.certFile, '-inkey', desk.keyFile]);
      expect(headerBlock(inner)).to.match(/multipart\/signed/);
    } finally {
      await sink.close();
    }
  });

  it('refuses a signing key that does not belong to the certificate with CONFIG_INVALID', () => {
    let err: unknown = null;
    try {
      loadSmimeSigner(exchange.cert, desk.key);
    } catch (e) {
      err = e;
    }
    expect(isC4Error(err, 'CONFIG_INVALID')).to.equal(true);
    expect((err as Error).message).not.to.include('PRIVATE KEY');
  });
  it('signs with the certificate and key named in the config; one without the other, or an unreadable file, stops the start', async () => {
    const env = { C4TAP_CONFIG: '' };
    const config = loadConfig({ env, overrides: { dataDir: dir, mail: { smimeCertFile: exchange.certFile, smimeKeyFile: exchange.keyFile } } });
    const settings = mailerSettings(config.mail, dir);
    expect(settings.smime?.key.asymmetricKeyType).to.equal('rsa');
    const { file } = await sendToFile(createMailer(settings), MAIL);
    await expectSameContent(verify(file));

    const half = () => loadConfig({ env, overrides: { dataDir: dir, mail: { smimeCertFile: exchange.certFile } } });
    expect(half).to.throw(/mail\.smimeCertFile\/mail\.smimeKeyFile: set both or neither/);
    const missing = loadConfig({ env, overrides: { dataDir: dir, mail: { smimeCertFile: exchange.certFile, smimeKeyFile: path.join(dir, 'nope.key') } } });
    expect(() => mailerSettings(missing.mail, dir)).to.throw(/cannot read mail\.smimeKeyFile .*ENOENT/);
  });
});
