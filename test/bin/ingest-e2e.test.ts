// The whole embedded system as an operator and a participant use it: `c4tap org/principal add`,
// `c4tap serve`, a forward sent with swaks over STARTTLS + AUTH, the receipt in the outbox, and
// `c4tap import` of history through the same pipeline.
import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { RAIL_ORG_ADD, runCli, startServe, tempDataDir, type TempDataDir } from '../helpers/cli.ts';
import { swaks, submissionIdIn, requireSwaks } from '../ingest/helpers/swaks.ts';
import { buildForward, SAMPLE_ATTACHMENTS } from '../ingest/helpers/forwards.ts';
import { buildMail } from '../fixtures/mail-builder.ts';
import { loadConfig } from '../../core/config.ts';
import { openContext } from '../../bin/context.ts';
import { createLogger } from '../../core/logger.ts';
import { waitFor } from '../helpers/wait-for.ts';

function waitForFile(dir: string, timeoutMs = 15_000): Promise<string> {
  return waitFor(
    `a message in ${dir}`,
    () => {
      const files = (() => {
        try {
          return readdirSync(dir).filter((f) => f.endsWith('.eml'));
        } catch {
          return [];
        }
      })();
      return files.length > 0 ? path.join(dir, files[0]!) : null;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

describe('embedded system end to end (swaks, c4tap serve, c4tap import)', function () {
  before(function () {
    requireSwaks(this);
  });
  this.timeout(120_000);
  let data: TempDataDir;
  let secret: string;
  beforeEach(function () {
    data = tempDataDir({ C4TAP_SMTP_GREETING_DELAY_MS: '0', C4TAP_SMTP_MIN_FREE_BYTES: '0' });
    expect(runCli(RAIL_ORG_ADD, data.env).status).to.equal(0);
    const p = runCli(['principal', 'add', '--org', 'Example Rail', '--name', 'rail-soc', '--email', 'soc@rail.example', '--roles', 'submitter'], data.env);
    secret = /password (\S+)/.exec(p.stdout)![1]!;
  });
  afterEach(() => data.remove());

  it('accepts a forward over STARTTLS + AUTH, names the submission in the 250, and mails a receipt to the submitter', async function () {
    const serve = startServe(data.env);
    try {
      const [, port] = await serve.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/);
      const { forward } = await buildForward({
        attachment: SAMPLE_ATTACHMENTS.docm,
        note: 'C4TAP-Class: network=GREEN\nReceived by accounting.',
        to: 'report@c4tap.example',
      });
      const file = path.join(data.dir, '..', 'forward.eml');
      writeFileSync(file, forward);
      const run = await swaks({
        port: Number(port),
        from: 'soc@rail.example',
        to: 'report@c4tap.example',
        dataFile: file,
        tls: true,
        auth: { user: 'rail-soc', password: secret },
      });
      expect(run.lastCode, run.transcript).to.equal(250);
      const id = submissionIdIn(run.lastReply)!;
      expect(id).to.match(/^sub_/);

      const receipt = await simpleParser(readFileSync(await waitForFile(path.join(data.dir, 'outbox'))));
      expect(receipt.to && 'text' in receipt.to ? receipt.to.text : '').to.equal('soc@rail.example');
      expect(receipt.subject).to.contain(id);
      expect(receipt.text).to.match(/ネットワーク（URL・ドメイン・IP）: GREEN/);
      expect(receipt.text).to.match(/samples \(raw mail, attachments\): RED/);
    } finally {
      serve.child.kill('SIGTERM');
      expect(await serve.exited()).to.equal(0);
    }
  });

  it('imports .eml files and an mbox through the same pipeline, reports duplicates, and exits 1 naming refused messages', async function () {
    const dir = path.join(data.dir, '..');
    const a = (await buildForward({ originalMessageId: '<a@attacker.example>', originalSubject: 'Invoice A' })).forward;
    const b = (await buildForward({ originalMessageId: '<b@attacker.example>', originalSubject: 'Invoice B' })).forward;
    const c = await buildMail({ from: 'x@attacker.example', to: 'soc@rail.example', subject: 'direct', messageId: '<c@attacker.example>', text: 'no forward' });
    writeFileSync(path.join(dir, 'a.eml'), a);
    writeFileSync(
      path.join(dir, 'h.mbox'),
      `From x Thu Jan  1 00:00:00 2026\n${b.toString('latin1')}\n\nFrom x Thu Jan  1 00:00:01 2026\n${c.toString('latin1')}\n\n`,
      'latin1',
    );
    const first = runCli(['import', '--principal', 'rail-soc', path.join(dir, 'a.eml'), path.join(dir, 'h.mbox')], data.env);
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('imported 3 message(s) for "rail-soc": 3 accepted, 0 duplicate(s), 0 refused');

    writeFileSync(path.join(dir, 'big.eml'), Buffer.alloc(2048, 'x'));
    const again = runCli(['import', '--principal', 'rail-soc', path.join(dir, 'a.eml'), path.join(dir, 'big.eml')], {
      ...data.env,
      C4TAP_SMTP_MAX_MESSAGE_BYTES: '1024',
    });
    expect(again.status).to.equal(1);
    expect(again.stdout).to.match(/0 accepted, 1 duplicate\(s\), 1 refused/);
    expect(again.stdout).to.match(/refused .*big\.eml: MESSAGE_TOO_LARGE/);

    const ctx = await openContext(loadConfig({ env: data.env }), { log: createLogger({ level: 'silent' }), defaultMetrics: false });
    try {
      const page = await ctx.store.listSubmissions({}, { limit: 10 });
      expect(page.items.map((s) => s.subject).sort()).to.deep.equal(['Invoice A', 'Invoice B', 'direct']);
      expect(page.items.every((s) => s.envelope.transport === 'import')).to.equal(true);
      for (const s of page.items) expect(await ctx.vault.has(s.rawSha256)).to.equal(true);
      // The command moved what it spooled into the vault before exiting: nothing waits for a serve restart.
      expect(await ctx.spool?.list()).to.deep.equal([]);
      for (const s of page.items) expect(await ctx.vaultBackend.exists(s.rawSha256)).to.equal(true);
    } finally {
      await ctx.close();
    }
  });
});
