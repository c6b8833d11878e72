// The SMTP accept path commits a message's sealed blobs with its submission (the SQLite vault
// spool) and moves them to the vault after the 250. A `c4tap serve` killed (SIGKILL) after the 250
// and before the move loses nothing: the next start moves the blob into the vault and the
// analysis worker analyses the submission. The move is held off by replacing the vault directory
// with a file, so the kill lands between the 250 and the move every time.
import { expect } from 'chai';
import { rename, rm, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { RAIL_ORG_ADD, runCli, startServe, tempDataDir, type TempDataDir } from '../helpers/cli.ts';
import { swaks, submissionIdIn, requireSwaks } from './helpers/swaks.ts';
import { buildForward, SAMPLE_ATTACHMENTS } from './helpers/forwards.ts';
import { loadConfig } from '../../core/config.ts';
import { openContext, type AppContext } from '../../bin/context.ts';
import { createLogger } from '../../core/logger.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { sha256Hex } from '../../quarantine/hashes.ts';

describe('SMTP ingest: a message answered 250 survives a kill before its blob reaches the vault', function () {
  before(function () {
    requireSwaks(this);
  });
  this.timeout(180_000);
  let data: TempDataDir;
  let secret: string;
  beforeEach(function () {
    data = tempDataDir({ C4TAP_SMTP_GREETING_DELAY_MS: '0', C4TAP_SMTP_MIN_FREE_BYTES: '0' });
    expect(runCli(RAIL_ORG_ADD, data.env).status).to.equal(0);
    const p = runCli(['principal', 'add', '--org', 'Example Rail', '--name', 'rail-soc', '--email', 'soc@rail.example', '--roles', 'submitter'], data.env);
    secret = /password (\S+)/.exec(p.stdout)![1]!;
  });
  afterEach(() => data.remove());

  const reopen = () => openContext(loadConfig({ env: data.env }), { log: createLogger({ level: 'silent' }), defaultMetrics: false });

  it('moves the spooled message into the vault at the next start and analyses it', async function () {
    const { forward } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.docm, to: 'report@c4tap.example' });
    const file = path.join(data.dir, '..', 'forward.eml');
    writeFileSync(file, forward);
    const vault = path.join(data.dir, 'vault');

    const first = startServe(data.env, ['--roles', 'smtp']);
    let id: string;
    try {
      const [, port] = await first.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/);
      // The vault cannot take the blob: the move after the 250 fails and the blob stays spooled.
      await rename(vault, `${vault}.held`);
      await writeFile(vault, 'not a directory');
      const run = await swaks({
        port: Number(port),
        from: 'soc@rail.example',
        to: 'report@c4tap.example',
        dataFile: file,
        tls: true,
        auth: { user: 'rail-soc', password: secret },
      });
      expect(run.lastCode, run.transcript).to.equal(250);
      id = submissionIdIn(run.lastReply)!;
      expect(id).to.match(/^sub_/);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited();
    }
    await rm(vault);
    await rename(`${vault}.held`, vault);

    let ctx: AppContext = await reopen();
    let rawSha256: string;
    let raw: Buffer;
    try {
      const sub = (await ctx.store.getSubmission(id))!;
      expect(sub, 'the submission answered 250').to.not.equal(null);
      rawSha256 = sub.rawSha256;
      expect(await ctx.vaultBackend.exists(rawSha256), 'not moved before the kill').to.equal(false);
      expect(await ctx.spool!.list()).to.include(rawSha256);
      // Readable (decrypted and verified against its SHA-256) from the spool meanwhile.
      raw = await ctx.vault.get(rawSha256);
      expect(sha256Hex(raw)).to.equal(rawSha256);
      expect(raw.toString('latin1')).to.contain(
        forward
          .toString('latin1')
          .split('\r\n')
          .find((l) => l.startsWith('Subject:'))!,
      );
    } finally {
      await ctx.close();
    }

    const second = startServe(data.env);
    try {
      await second.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/);
      ctx = await reopen();
      try {
        await waitFor('the spooled blobs to reach the vault', async () => (await ctx.spool!.list()).length === 0, { timeoutMs: 60_000, intervalMs: 200 });
        expect(await ctx.vaultBackend.exists(rawSha256), 'the raw message in the vault').to.equal(true);
        expect(Buffer.compare(await ctx.vault.get(rawSha256), raw)).to.equal(0);
        const analysed = await waitFor(
          'the submission to be analysed',
          async () => {
            const s = await ctx.store.getSubmission(id);
            return s && s.status !== 'received' && s.status !== 'analysing' ? s : null;
          },
          { timeoutMs: 90_000, intervalMs: 250 },
        );
        expect(analysed.status).to.equal('awaiting-triage');
      } finally {
        await ctx.close();
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
  });
});
