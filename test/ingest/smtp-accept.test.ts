// Forwarded samples accepted over SMTP by real clients (swaks, nodemailer) over loopback:
// 250 names the submission only once the raw message, the original and the record are stored.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startSmtpEnv, submitterTransport, DROP, SENDER, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { buildForward, buildOriginal, SAMPLE_ATTACHMENTS } from './helpers/forwards.ts';
import { swaks, submissionIdIn, requireSwaks } from './helpers/swaks.ts';

const transport = submitterTransport;

async function sendRaw(env: SmtpTestEnv, raw: Buffer, to = DROP): Promise<string> {
  const t = transport(env);
  try {
    const info = await t.sendMail({ envelope: { from: SENDER, to: [to] }, raw });
    return info.response;
  } finally {
    t.close();
  }
}

describe('SMTP ingest: accepting forwarded samples', function () {
  before(function () {
    requireSwaks(this);
  });
  this.timeout(30_000);
  let env: SmtpTestEnv;
  beforeEach(async () => (env = await startSmtpEnv()));
  afterEach(() => env.close());

  it('answers 250 naming the submission for a .docm sample sent with swaks --tls --auth, with the raw message byte-identical in the vault', async () => {
    const { forward, original } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.docm });
    // swaks ends DATA with its own CRLF, so the file holds the message without its last one.
    const file = path.join(env.dir, 'forward.eml');
    const body = forward.subarray(0, forward.length - (forward.subarray(-2).toString() === '\r\n' ? 2 : 0));
    await writeFile(file, body);

    const run = await swaks({
      port: env.port,
      from: SENDER,
      to: DROP,
      dataFile: file,
      tls: true,
      auth: { user: env.submitter.principal.name, password: env.submitter.secret },
    });

    expect(run.exitCode, run.transcript).to.equal(0);
    expect(run.lastCode).to.equal(250);
    const id = submissionIdIn(run.lastReply);
    expect(id, run.lastReply ?? '').to.be.a('string');
    const sub = (await env.ctx.store.getSubmission(id!))!;
    expect(sub.principalId).to.equal(env.submitter.principal.id);
    expect(sub.orgId).to.equal(env.submitter.org.id);
    expect(sub.subject).to.equal('Invoice 4411');
    expect(sub.envelope).to.include({ mailFrom: SENDER, transport: 'smtp' });
    expect(sub.classes).to.deep.equal({ sample: 'RED', mail: 'RED', network: 'RED', file: 'RED' });
    expect(sub.classDecisions.map((d) => [d.kind, d.source])).to.deep.equal([
      ['sample', 'default'],
      ['mail', 'default'],
      ['network', 'default'],
      ['file', 'default'],
    ]);
    expect(Buffer.compare(await env.ctx.vault.get(sub.rawSha256), Buffer.concat([body, Buffer.from('\r\n')]))).to.equal(0);

    const samples = await env.ctx.store.listSamples(id!);
    expect(samples.map((s) => s.role).sort()).to.deep.equal(['original', 'raw']);
    const stored = await env.ctx.vault.get(samples.find((s) => s.role === 'original')!.sha256);
    expect(stored.toString('latin1')).to.contain('invoice-4411.docm').and.to.contain('<inv-4411@invoices-secure.example>');
    expect(stored.toString('latin1').trimEnd()).to.equal(original.toString('latin1').trimEnd());
    expect((await env.ctx.store.getJobForSubmission(id!, 'analyse'))?.status).to.equal('pending');

    expect(env.events('smtp.accepted')).to.have.length(1);
    expect(await env.ctx.metrics.smtpAccepted.get()).to.have.nested.property('values[0].value', 1);
  });

  for (const kind of ['zip', 'pdf'] as const) {
    it(`records the class per kind from the note directive and subject tag for a .${kind} sample sent with nodemailer`, async () => {
      const { forward } = await buildForward({
        attachment: SAMPLE_ATTACHMENTS[kind],
        subject: 'FW: Invoice 4411 [C4TAP:AMBER]',
        note: 'Seen by 3 users.\r\nC4TAP-Class: network=GREEN\r\n',
      });
      const response = await sendRaw(env, forward);
      expect(response).to.match(/^250 Accepted as submission sub_/);
      const sub = (await env.ctx.store.getSubmission(submissionIdIn(response)!))!;
      expect(sub.classes).to.deep.equal({ sample: 'AMBER', mail: 'AMBER', network: 'GREEN', file: 'AMBER' });
      expect(sub.classDecisions.find((d) => d.kind === 'network')).to.include({ source: 'directive' });
      expect(sub.classDecisions.find((d) => d.kind === 'sample')).to.include({ source: 'subject-tag' });
      const raw = (await env.ctx.store.listSamples(sub.id)).find((s) => s.role === 'raw')!;
      expect(raw.class).to.equal('AMBER');
      expect(Buffer.compare(await env.ctx.vault.get(raw.sha256), forward)).to.equal(0);
    });
  }

  it('takes the class from the drop address the message was sent to', async () => {
    const { forward } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.pdf, to: 'report+green@c4tap.example' });
    const response = await sendRaw(env, forward, 'report+green@c4tap.example');
    const sub = (await env.ctx.store.getSubmission(submissionIdIn(response)!))!;
    expect(sub.classes).to.deep.equal({ sample: 'GREEN', mail: 'GREEN', network: 'GREEN', file: 'GREEN' });
    expect(sub.envelope.rcptTo).to.deep.equal(['report+green@c4tap.example']);
  });

  it('records SHA-256, SHA-1 and MD5 of the raw message as received, for a message that arrives in many chunks', async () => {
    // About 1 MB of base64 lines: the DATA stream delivers it in many chunks, hashed as they arrive.
    const lines = Array.from({ length: 14_000 }, (_, i) => createHash('sha256').update(String(i)).digest('base64'));
    const raw = Buffer.from(
      ['From: <soc@bench.example>', 'To: <report@c4tap.example>', 'Subject: chunks', 'Message-ID: <chunks@bench.example>', '', ...lines, ''].join('\r\n'),
    );
    const id = submissionIdIn(await sendRaw(env, raw))!;
    const sample = (await env.ctx.store.listSamples(id)).find((s) => s.role === 'raw')!;
    const digest = (algorithm: string) => createHash(algorithm).update(raw).digest('hex');
    expect(sample).to.include({ sha256: digest('sha256'), sha1: digest('sha1'), md5: digest('md5'), size: raw.length });
    expect(Buffer.compare(await env.ctx.vault.get(sample.sha256), raw)).to.equal(0);
  });

  it('attributes the submission to the authenticated principal whatever the headers claim', async () => {
    const forged = await buildForward({ attachment: SAMPLE_ATTACHMENTS.zip });
    const headers = 'From: gas-soc@gas.example\r\nSender: gas-soc@gas.example\r\nX-C4TAP-Principal: gas-soc\r\n';
    const response = await sendRaw(env, Buffer.concat([Buffer.from(headers), forged.forward.subarray(forged.forward.indexOf('\r\n') + 2)]));
    const sub = (await env.ctx.store.getSubmission(submissionIdIn(response)!))!;
    expect(sub.principalId).to.equal(env.submitter.principal.id);
    expect(sub.orgId).to.equal(env.submitter.org.id);
  });

  it('names the existing submission when the same message is delivered again', async () => {
    const { forward } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.zip });
    const first = await sendRaw(env, forward);
    const second = await sendRaw(env, forward);
    expect(second).to.match(/^250 Already received as submission sub_/);
    expect(submissionIdIn(second)).to.equal(submissionIdIn(first));
    const counts = await env.ctx.store.counts();
    expect(counts).to.include({ submissions: 1, jobs: 1 });
  });

  it('names the existing submission when the same original is forwarded again with another note', async () => {
    const original = await buildOriginal('Invoice 4411', '<inv-4411@invoices-secure.example>', SAMPLE_ATTACHMENTS.zip);
    const first = await sendRaw(env, (await buildForward({ original, note: 'first report' })).forward);
    const second = await sendRaw(env, (await buildForward({ original, note: 'sorry, again' })).forward);
    expect(submissionIdIn(second)).to.equal(submissionIdIn(first));
    // Both received messages stay referenced by the submission: nothing accepted is left unaccounted for.
    const raws = (await env.ctx.store.listSamples(submissionIdIn(first)!)).filter((s) => s.role === 'raw');
    expect(raws).to.have.length(2);
  });

  it('records each message/rfc822 attachment of one forward as its own submission', async () => {
    const second = await buildOriginal('Your parcel is held', '<parcel-77@delivery-notice.example>', SAMPLE_ATTACHMENTS.pdf);
    const { forward } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.docm, extraOriginals: [second] });
    const response = await sendRaw(env, forward);
    const ids = response.match(/sub_[A-Za-z0-9_-]+/g) ?? [];
    expect(response).to.match(/^250 Accepted as submissions /);
    expect(ids).to.have.length(2);
    const subs = await Promise.all(ids.map((id) => env.ctx.store.getSubmission(id)));
    expect(subs.map((s) => s!.subject)).to.deep.equal(['Invoice 4411', 'Your parcel is held']);
    expect(subs[0]!.rawSha256).to.equal(subs[1]!.rawSha256);
    expect(subs.map((s) => s!.details)).to.deep.equal([
      {
        ingest: {
          form: 'rfc822',
          path: ['rfc822'],
          rawSource: 'rfc822',
          item: 1,
          items: 2,
          warnings: [],
          originalMessageId: '<inv-4411@invoices-secure.example>',
        },
      },
      {
        ingest: {
          form: 'rfc822',
          path: ['rfc822'],
          rawSource: 'rfc822',
          item: 2,
          items: 2,
          warnings: [],
          originalMessageId: '<parcel-77@delivery-notice.example>',
        },
      },
    ]);
    expect(await env.ctx.store.countJobs('pending')).to.equal(2);
  });
});
