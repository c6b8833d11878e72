// When the store or the vault fails, the server answers 451 (the sender keeps the message and
// retries) and no submission is recorded; the retry then completes normally.
import { expect } from 'chai';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '../../core/logger.ts';
import { openContext } from '../../bin/context.ts';
import { startSmtpEnv, DROP, SENDER, type SmtpTestEnv } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';
import { openDataTransaction } from './helpers/transaction.ts';
import { buildForward, SAMPLE_ATTACHMENTS } from './helpers/forwards.ts';
import { blobsIn, expectNothingStored } from './helpers/stored.ts';

describe('SMTP ingest: store and vault failures', function () {
  this.timeout(30_000);
  let env: SmtpTestEnv;
  let forward: Buffer;
  beforeEach(async () => {
    env = await startSmtpEnv();
    forward = (await buildForward({ attachment: SAMPLE_ATTACHMENTS.docm })).forward;
  });
  afterEach(() => env.close());

  it('answers 451 and records nothing when the store fails during DATA; the retry is accepted with the same blob', async () => {
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
    let kept: string[];
    try {
      await expectNothingStored(ctx.store, null);
      kept = await blobsIn(ctx.vault);
      expect(kept, 'the raw message and its original stay encrypted in the vault for the retry').to.have.length(2);
    } finally {
      await ctx.close();
    }
    const restarted = await startSmtpEnv({ prepared: env });
    try {
      const talk2 = await openDataTransaction(restarted);
      talk2.write(Buffer.concat([forward, Buffer.from('.\r\n')]));
      expect((await talk2.read())?.text).to.match(/^Accepted as submission sub_/);
      talk2.destroy();
      expect(await blobsIn(restarted.ctx.vault)).to.deep.equal(kept);
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

  it('answers 451 and stores nothing when the vault cannot write', async () => {
    const root = path.join(env.dir, 'vault');
    await rename(root, `${root}.moved`);
    await writeFile(root, 'not a directory');
    const talk = await openDataTransaction(env);
    talk.write(Buffer.concat([forward, Buffer.from('.\r\n')]));
    expect((await talk.read())?.code).to.equal(451);
    talk.destroy();
    expect(env.events('smtp.failed')[0]).to.have.nested.property('err.code', 'VAULT_UNAVAILABLE');
    await expectNothingStored(env.ctx.store, null);

    // Once the vault is back, the retry is accepted.
    await rename(root, `${root}.broken`);
    await rename(`${root}.moved`, root);
    const again = await openDataTransaction(env);
    again.write(Buffer.concat([forward, Buffer.from('.\r\n')]));
    expect((await again.read())?.text).to.match(/^Accepted as submission sub_/);
    again.destroy();
  });
});
