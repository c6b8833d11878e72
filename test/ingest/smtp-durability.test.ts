// Durable accept: the server process is killed with SIGKILL; whatever got a 250 is there after a
// restart, and a message cut off during DATA leaves no half submission.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { createLogger } from '../../core/logger.ts';
import { openContext, type AppContext } from '../../bin/context.ts';
import { prepareDataDir, DROP, SENDER, type PreparedDataDir } from './helpers/smtp-env.ts';
import { startSmtpChild } from './helpers/smtp-child.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';
import { buildForward, buildOriginal, SAMPLE_ATTACHMENTS } from './helpers/forwards.ts';
import { submissionIdIn } from './helpers/swaks.ts';
import { blobsIn, expectNothingStored } from './helpers/stored.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SETTINGS = { allowInsecureAuthOnLoopback: true };

/** Bytes a process has read through read(2) and the like, sockets included (Linux /proc/<pid>/io). */
function bytesRead(pid: number): number {
  return Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

describe('SMTP ingest: durability when the server process is killed', function () {
  this.timeout(60_000);
  let data: PreparedDataDir;
  let opened: AppContext | null = null;
  beforeEach(async () => (data = await prepareDataDir(SETTINGS)));
  afterEach(async () => {
    await opened?.close();
    opened = null;
    await data.remove();
  });

  const reopen = async () => (opened = await openContext(data.config, { log: createLogger({ level: 'silent' }), defaultMetrics: false }));

  it('keeps every message answered 250 when killed with SIGKILL while sessions are delivering', async () => {
    const server = await startSmtpChild(data.dir, SETTINGS);
    const accepted = new Map<string, Buffer>();
    let stop = false;
    const sender = async (n: number) => {
      const t = nodemailer.createTransport({
        host: '127.0.0.1',
        port: server.port,
        ignoreTLS: true,
        auth: { user: data.submitter.principal.name, pass: data.submitter.secret },
      });
      for (let i = 0; !stop; i++) {
        const original = await buildOriginal(`Invoice ${n}-${i}`, `<inv-${n}-${i}@invoices-secure.example>`, SAMPLE_ATTACHMENTS.zip);
        const { forward } = await buildForward({ original });
        const info = await t.sendMail({ envelope: { from: SENDER, to: [DROP] }, raw: forward }).catch(() => null);
        if (!info) break;
        const id = submissionIdIn(info.response);
        if (id) accepted.set(id, forward);
        // Kill right after a 250, with the other sessions in the middle of their transactions.
        if (accepted.size >= 12 && !stop) {
          stop = true;
          await server.kill();
        }
      }
      t.close();
    };
    await Promise.all([1, 2, 3, 4].map(sender));
    expect(accepted.size).to.be.at.least(12);

    const ctx = await reopen();
    for (const [id, forward] of accepted) {
      const sub = await ctx.store.getSubmission(id);
      expect(sub, `submission ${id} answered 250 before the kill`).to.not.equal(null);
      expect(Buffer.compare(await ctx.vault.get(sub!.rawSha256), forward)).to.equal(0);
      expect((await ctx.store.listSamples(id)).map((s) => s.role).sort()).to.deep.equal(['original', 'raw']);
      expect(await ctx.store.getJobForSubmission(id, 'analyse')).to.not.equal(null);
    }
  });

  it('leaves no half submission when killed during DATA, and accepts the message after a restart', async () => {
    const { forward } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.docm });
    const first = await startSmtpChild(data.dir, SETTINGS);
    const talk = await SmtpTalk.connect(first.port);
    await talk.read();
    await talk.command('EHLO client.example');
    expect((await talk.authPlain(data.submitter.principal.name, data.submitter.secret))?.code).to.equal(235);
    await talk.command(`MAIL FROM:<${SENDER}>`);
    await talk.command(`RCPT TO:<${DROP}>`);
    expect((await talk.command('DATA'))?.code).to.equal(354);
    const half = forward.subarray(0, Math.floor(forward.length / 2));
    const before = bytesRead(first.child.pid!);
    talk.write(half);
    // Killed once the server has read the half message from its socket, so it is cut off inside DATA.
    await waitFor('the server to read the first half of the message', () => bytesRead(first.child.pid!) - before >= half.length);
    await first.kill();
    talk.destroy();

    const ctx = await reopen();
    await expectNothingStored(ctx.store, ctx.vault);
    await ctx.close();
    opened = null;

    const second = await startSmtpChild(data.dir, SETTINGS);
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: second.port,
      ignoreTLS: true,
      auth: { user: data.submitter.principal.name, pass: data.submitter.secret },
    });
    const info = await t.sendMail({ envelope: { from: SENDER, to: [DROP] }, raw: forward });
    t.close();
    await second.kill();
    const after = await reopen();
    expect((await after.store.counts()).submissions).to.equal(1);
    expect(await after.store.getSubmission(submissionIdIn(info.response)!)).to.not.equal(null);
    expect(await blobsIn(after.vault)).to.have.length(2);
  });
});
