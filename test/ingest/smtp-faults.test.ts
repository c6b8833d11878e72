// When the store or the vault fails, the server answers 451 (the sender keeps the message and
// retries) and no submission is recorded; the retry then completes normally.
import { expect } from 'chai';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '../../core/logger.ts';
import { openContext } from '../../bin/context.ts';
import { startSmtpEnv, DROP, SENDER, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';
import { openDataTransaction } from './helpers/transaction.ts';
import { buildForward, SAMPLE_ATTACHMENTS } from './helpers/forwards.ts';
import { blobsIn, expectNothingStored } from './helpers/stored.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('SMTP ingest: store and vault failures', function () {
  this.timeout(30_000);
  let env: SmtpTestEnv;
  let forward: Buffer;
  beforeEach(async () => {
    env = await startSmtpEnv();
    forward = (await buildForward({ attachment: SAMPLE_ATTACHMENTS.docm })).forward;
  });
  afterEach(() => env.close());

  it('answers 451 and keeps nothing, not even the blobs, when the store fails during DATA; the retry is accepted', async () => {
    const talk = await openDataTransaction(env);
    await env.ctx.store.close();
    talk.write(Buffer.concat([forward, Buffer.from('.\r\n')]));
    const reply = await talk.read();
    expect(reply?.code).to.equal(451);
    expect(reply?.text).to.match(/try again later/);
    talk.destroy();
    expect(env.events('smtp.failed')[0]).to.include({ stage: 'data', code: 451 });
    await env.stop();

    // Restart over the same data directory, as after an outage; the sender retries.
    const ctx = await openContext(env.config, { log: createLogger({ level: 'silent' }), defaultMetrics: false });
    try {
      // The blobs were to be committed with the submission (the SQLite vault spool): nothing at all is left.
      await expectNothingStored(ctx.store, ctx.vault);
    } finally {
      await ctx.close();
    }
    const restarted = await startSmtpEnv({ prepared: env });
    try {
      const talk2 = await openDataTransaction(restarted);
      talk2.write(Buffer.concat([forward, Buffer.from('.\r\n')]));
      expect((await talk2.read())?.text).to.match(/^Accepted as submission sub_/);
      talk2.destroy();
      expect(await blobsIn(restarted.ctx.vault), 'the raw message and its original, encrypted').to.have.length(2);
    } finally {
      await restarted.stop();
    }
  });

  it('answers 451 at MAIL FROM when the store is down before the transaction', async () => {
    const talk = await SmtpTalk.connect(env.port);
    await talk.secureHello();
    expect((await talk.authPlain(env.submitter.principal.name, env.submitter.secret))?.code).to.equal(235);
    await env.ctx.store.close();
    expect((await talk.command(`MAIL FROM:<${SENDER}>`))?.code).to.equal(451);
    talk.destroy();
  });

  it('accepts while the vault cannot write: the blobs wait in the store, readable, and reach the vault at the next start', async () => {
    const root = path.join(env.dir, 'vault');
    await rename(root, `${root}.moved`);
    await writeFile(root, 'not a directory');
    const talk = await openDataTransaction(env);
    talk.write(Buffer.concat([forward, Buffer.from('.\r\n')]));
    const reply = await talk.read();
    expect(reply?.text, 'durable in the store spool with the submission').to.match(/^Accepted as submission sub_/);
    talk.destroy();
    const failed = await waitFor('the move to the vault to fail', () =>
      env.events('ingest.spool_settle_failed').length === 2 ? env.events('ingest.spool_settle_failed') : null,
    );
    expect(failed[0])
      .to.have.property('err')
      .that.matches(/vault backend failed to write/);
    const sub = (await env.ctx.store.listSubmissions({}, { limit: 1 })).items[0]!;
    expect(Buffer.compare(await env.ctx.vault.get(sub.rawSha256), forward), 'read from the spool').to.equal(0);
    await env.stop();

    // Once the vault is back, the next start moves both blobs (raw message and original) into it.
    await rm(root);
    await rename(`${root}.moved`, root);
    const restarted = await startSmtpEnv({ prepared: env });
    try {
      await waitFor('the spooled blobs to be moved', () => restarted.events('smtp.spool_recovered')[0]);
      expect(restarted.events('smtp.spool_recovered')[0]).to.include({ settled: 2, failed: 0 });
      expect(await restarted.ctx.spool!.list()).to.deep.equal([]);
      expect(await restarted.ctx.vaultBackend.exists(sub.rawSha256)).to.equal(true);
    } finally {
      await restarted.stop();
    }
  });
});
