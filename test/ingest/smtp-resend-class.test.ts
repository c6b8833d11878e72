// A report sent again with another class (issue 15): the same original names the same submission,
// which keeps its class; the SMTP reply and the receipt say which class was kept, that the new one
// was not applied, and how to narrow (at once, through the secretariat) or widen (consent first).
// Real nodemailer client over STARTTLS+AUTH against the test SMTP server; receipts read from the
// real outbox.
import { expect } from 'chai';
import { outboxDir } from '../../bin/context.ts';
import { readOutboxMessage } from '../../core/mail/outbox-view.ts';
import { listOutbox } from '../../core/mailer.ts';
import { sendReceipt } from '../../ingest/receipt.ts';
import { buildForward, buildOriginal, SAMPLE_ATTACHMENTS } from './helpers/forwards.ts';
import { startSmtpEnv, submitterTransport, DROP, SENDER, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { submissionIdIn } from './helpers/swaks.ts';

describe('SMTP ingest: a report sent again with another class', function () {
  this.timeout(30_000);
  let env: SmtpTestEnv;
  let receipts: Promise<void>[];
  let original: Buffer;

  beforeEach(async () => {
    receipts = [];
    // As `c4tap serve` wires it: the receipt goes out after the 250, through the outbound mailer.
    env = await startSmtpEnv({
      deps: {
        onAccepted: (principal, result) => void receipts.push(sendReceipt({ ...env.ctx, baseUrl: 'https://c4tap.example' }, principal, result.submissions)),
      },
    });
    original = await buildOriginal('Invoice 4411', '<inv-4411@invoices-secure.example>', SAMPLE_ATTACHMENTS.zip);
  });
  afterEach(() => env.close());

  async function send(note: string): Promise<string> {
    const t = submitterTransport(env);
    try {
      const { forward } = await buildForward({ original, note: `Please look at this.\r\n${note}\r\n` });
      return (await t.sendMail({ envelope: { from: SENDER, to: [DROP] }, raw: forward })).response;
    } finally {
      t.close();
    }
  }

  /** The text of the receipts mailed so far, oldest first. */
  async function receiptTexts(): Promise<string[]> {
    await Promise.all(receipts);
    return Promise.all(listOutbox(outboxDir(env.config.dataDir)).map(async (e) => (await readOutboxMessage(e)).text));
  }

  it('keeps AMBER when the report is resent as GREEN, and says so in the reply and the receipt with how to widen', async () => {
    const first = await send('C4TAP-Class: AMBER');
    const id = submissionIdIn(first)!;
    const second = await send('C4TAP-Class: GREEN');
    expect(second).to.equal(`250 Already received as submission ${id} under class AMBER; class GREEN not applied, see receipt`);
    expect((await env.ctx.store.getSubmission(id))!.classes).to.deep.equal({ sample: 'AMBER', mail: 'AMBER', network: 'AMBER', file: 'AMBER' });
    const [firstReceipt, receipt] = await receiptTexts();
    expect(firstReceipt).to.not.include('NOT applied');
    expect(receipt).to.include(`${id} (already received earlier`);
    expect(receipt).to.include(
      'This message asked for class GREEN. It was NOT applied: a report sent again keeps the class it was first received with, AMBER.',
    );
    expect(receipt).to.include('To widen (sample, mail, network, file): the secretariat first records your consent');
    expect(receipt).to.not.include('To narrow (');
    expect(receipt).to.include('区分 GREEN が指定されましたが、適用されていません').and.include('最初に受け付けた区分 AMBER のまま');
  });

  it('keeps a per-kind class when the report is resent as RED, and tells how to narrow through the secretariat at once', async () => {
    const id = submissionIdIn(await send('C4TAP-Class: network=GREEN file=AMBER'))!;
    const second = await send('C4TAP-Class: RED');
    expect(second).to.equal(
      `250 Already received as submission ${id} under class sample=RED mail=RED network=GREEN file=AMBER; class RED not applied, see receipt`,
    );
    expect((await env.ctx.store.getSubmission(id))!.classes).to.include({ network: 'GREEN', file: 'AMBER' });
    const receipt = (await receiptTexts())[1]!;
    expect(receipt).to.include('This message asked for class RED. It was NOT applied');
    expect(receipt).to.include('with, sample=RED mail=RED network=GREEN file=AMBER.');
    expect(receipt).to.include('To narrow (network, file): write to the secretariat naming this submission; an analyst narrows it at once');
    expect(receipt).to.not.include('To widen (');
    expect(receipt).to.include('狭める場合（network, file）');
  });

  it('answers a plain "Already received" with no class notice when the resend asks for the same class', async () => {
    const id = submissionIdIn(await send('C4TAP-Class: AMBER'))!;
    expect(await send('C4TAP-Class: AMBER')).to.equal(`250 Already received as submission ${id}`);
    expect((await receiptTexts())[1]).to.not.include('NOT applied');
  });
});
