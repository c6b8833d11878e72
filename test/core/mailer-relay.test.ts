// Outbound mail through a real relay (an SMTP sink on loopback): STARTTLS is required, the
// relay's certificate must be trusted (system CAs or the configured relay CA), and a refused
// recipient surfaces as an error instead of a silent loss.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMailer } from '../../core/mailer.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

describe('mailer: relay', function () {
  let sink: SmtpSink;
  let dir: string;
  beforeEach(async () => {
    sink = await startSmtpSink({ refuse: ['gone@observer.example'], auth: { user: 'c4tap', pass: 'relay-secret' } });
    dir = await mkdtemp(path.join(os.tmpdir(), 'c4tap-mailer-'));
  });
  afterEach(async () => {
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers over STARTTLS with AUTH to a relay whose CA is configured, with Auto-Submitted set', async function () {
    const mailer = createMailer(sink.mailerSettings(dir));
    const sent = await mailer.send({ to: 'reader@observer.example', subject: 'digest', text: 'hello' });
    expect(sent.via).to.equal('relay');
    const [msg] = await sink.waitFor(1);
    expect(msg!.to).to.deep.equal(['reader@observer.example']);
    expect(msg!.parsed.subject).to.equal('digest');
    expect(msg!.parsed.headers.get('auto-submitted')).to.equal('auto-generated');
    expect(msg!.parsed.messageId).to.equal(sent.messageId);
  });

  it('refuses to hand mail to a relay whose certificate it cannot verify', async function () {
    const mailer = createMailer({ ...sink.mailerSettings(dir), relayCa: undefined });
    let error: unknown = null;
    await mailer.send({ to: 'reader@observer.example', subject: 'digest', text: 'hello' }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/certificate/i);
    expect(sink.messages).to.have.length(0);
  });

  it('fails the send when the relay refuses the recipient', async function () {
    const mailer = createMailer(sink.mailerSettings(dir));
    let error: unknown = null;
    await mailer.send({ to: 'gone@observer.example', subject: 'digest', text: 'hello' }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/550|recipient/i);
    expect(sink.messages).to.have.length(0);
  });
});
