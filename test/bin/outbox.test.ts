// `c4tap outbox list|show` run as a real process against a data directory whose outbox holds a
// plain Japanese receipt, a signed digest and an encrypted one (written by the real mailer).
import { expect } from 'chai';
import path from 'node:path';
import { createMailer } from '../../core/mailer.ts';
import { loadSmimeSigner } from '../../core/mail/smime.ts';
import { runCli, tempDataDir, type TempDataDir } from '../helpers/cli.ts';
import { createTestPki, type TestPki } from '../helpers/smime-certs.ts';

interface Listed {
  file: string;
  date: string | null;
  to: string;
  subject: string;
  messageId: string | null;
  size: number;
  smime: string;
}

describe('c4tap outbox', function () {
  this.timeout(60_000);
  let data: TempDataDir;
  let pki: TestPki;
  const files: string[] = [];

  before(async () => {
    data = tempDataDir();
    pki = createTestPki();
    const exchange = pki.issue('exchange', 'noreply@c4tap.example');
    const desk = pki.issue('desk', 'desk@observer.example');
    const outboxDir = path.join(data.dir, 'outbox');
    const base = { from: 'C4TAP <noreply@c4tap.example>', relayPort: 587, relaySecure: false, outboxDir };
    const plain = createMailer(base);
    const signed = createMailer({ ...base, smime: loadSmimeSigner(exchange.cert, exchange.key) });
    files.push((await plain.send({ to: 'Taro <taro@corp.example>', subject: '[C4TAP] 受付通知 sub_1', text: '受け付けました。\n' })).via);
    files.push(
      (
        await signed.send({
          to: 'desk@observer.example',
          subject: 'Digest GREEN',
          text: 'hxxps://lure[.]example/\n',
          attachments: [{ filename: 'indicators.csv', content: 'a,b\n' }],
        })
      ).via,
    );
    files.push((await signed.send({ to: 'desk@observer.example', subject: 'Digest AMBER', text: 'secret body\n', encryptTo: desk.cert })).via);
  });
  after(() => {
    data?.remove();
    pki?.remove();
  });

  it('lists every message oldest first with date, recipient, decoded subject, size and S/MIME form (--json)', () => {
    const r = runCli(['outbox', 'list', '--json'], data.env);
    expect(r.status, r.stderr).to.equal(0);
    const listed = JSON.parse(r.stdout) as Listed[];
    expect(listed.map((l) => l.file)).to.deep.equal(files.map((f) => path.basename(f)));
    expect(listed.map((l) => l.subject)).to.deep.equal(['[C4TAP] 受付通知 sub_1', 'Digest GREEN', 'Digest AMBER']);
    expect(listed.map((l) => l.smime)).to.deep.equal(['plain', 'signed', 'encrypted']);
    expect(listed[0]!.to).to.equal('"Taro" <taro@corp.example>');
    expect(listed.every((l) => l.date !== null && !Number.isNaN(Date.parse(l.date)))).to.equal(true);
    expect(listed.every((l) => l.size > 0 && l.messageId?.startsWith('<'))).to.equal(true);
  });

  it('prints a table a person can read', () => {
    const r = runCli(['outbox', 'list'], data.env);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^DATE\s+TO\s+SUBJECT\s+SIZE\s+SMIME\s+FILE$/);
    expect(lines).to.have.length(4);
    expect(lines[1]).to.include('[C4TAP] 受付通知 sub_1');
  });

  it('shows a signed message’s text and attachment, and says an encrypted one is for its recipient only', () => {
    const signed = runCli(['outbox', 'show', path.basename(files[1]!)], data.env);
    expect(signed.status, signed.stderr).to.equal(0);
    expect(signed.stdout).to.match(/^S\/MIME:\s+signed$/m);
    expect(signed.stdout).to.match(/^Attachment: indicators\.csv/m);
    expect(signed.stdout).not.to.include('smime.p7s');
    expect(signed.stdout).to.include('hxxps://lure[.]example/');
    const encrypted = runCli(['outbox', 'show', files[2]!], data.env);
    expect(encrypted.status, encrypted.stderr).to.equal(0);
    expect(encrypted.stdout).to.match(/^S\/MIME:\s+encrypted \(only the recipient can read the content\)$/m);
    expect(encrypted.stdout).not.to.include('secret body');
    const raw = runCli(['outbox', 'show', '--raw', path.basename(files[0]!)], data.env);
    expect(raw.stdout).to.match(/^Auto-Submitted: auto-generated\r$/m);
  });

  it('refuses names that are not outbox files, and says which message is missing', () => {
    const bad = runCli(['outbox', 'show', 'secrets.json'], data.env);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.include('VALIDATION_FAILED');
    const missing = runCli(['outbox', 'show', 'nothing-here.eml'], data.env);
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.include('no message nothing-here.eml in the outbox');
  });
});
