// `c4tap keys rotate --rewrap` run as its own process while `c4tap serve` runs: no blob is lost,
// the server seals new blobs under the new key at once and reads old and new blobs alike (analysis
// and the console's sample download), without a restart. Removing a key that still seals a blob
// is refused.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, startServe, tempDataDir, type ServeProcess, type TempDataDir } from '../helpers/cli.ts';
import { requireSwaks, submissionIdIn, swaks } from '../ingest/helpers/swaks.ts';
import { buildForward, SAMPLE_ATTACHMENTS } from '../ingest/helpers/forwards.ts';
import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { hashSecret } from '../../core/passwords.ts';
import { loadOrCreateSecrets } from '../../core/secrets.ts';
import { openContext, type AppContext } from '../../bin/context.ts';
import { loginAndEnrol } from '../web/helpers/http-client.ts';

const RAIL = [
  'org',
  'add',
  '--name',
  'Example Rail',
  '--tier',
  'participant',
  '--sector',
  'rail',
  '--domain',
  'rail.example',
  '--contact',
  'SOC;email=soc@rail.example;phone=+81-3-0000-0000',
  '--language',
  'en',
  '--rules-accepted',
];
const SECRETARIAT = [
  'org',
  'add',
  '--name',
  'C4TAP Secretariat',
  '--tier',
  'participant',
  '--sector',
  'secretariat',
  '--contact',
  'Desk;email=desk@c4tap.example;phone=+81-3-0000-0001',
  '--language',
  'en',
  '--rules-accepted',
];
const ANALYST_PASSWORD = 'analyst-password-for-the-rotation-test';

/** The store and vault headers as another process on the same data directory sees them. */
async function inspect<T>(env: NodeJS.ProcessEnv, look: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(loadConfig({ env }), { log: createLogger({ level: 'silent' }), defaultMetrics: false });
  try {
    return await look(ctx);
  } finally {
    await ctx.close();
  }
}

/** Waits for a JSON log line (serve logs on stderr). */
async function logged(serve: ServeProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pattern.test(serve.errors())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}; stderr: ${serve.errors()}`);
    if (serve.child.exitCode !== null) throw new Error(`serve exited before ${pattern}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('vault key rotation while c4tap serve runs', function () {
  before(function () {
    requireSwaks(this);
  });
  this.timeout(600_000);
  let data: TempDataDir;
  let smtpSecret: string;
  let serve: ServeProcess | null;
  beforeEach(async () => {
    serve = null;
    data = tempDataDir({ C4TAP_SMTP_GREETING_DELAY_MS: '0', C4TAP_SMTP_MIN_FREE_BYTES: '0', C4TAP_LOG_LEVEL: 'info' });
    for (const org of [RAIL, SECRETARIAT]) expect(runCli(org, data.env).status).to.equal(0);
    const p = runCli(['principal', 'add', '--org', 'Example Rail', '--name', 'rail-soc', '--email', 'soc@rail.example', '--roles', 'submitter'], data.env);
    smtpSecret = /password (\S+)/.exec(p.stdout)![1]!;
    expect(
      runCli(['principal', 'add', '--org', 'C4TAP Secretariat', '--name', 'analyst1', '--email', 'analyst1@c4tap.example', '--roles', 'analyst'], data.env)
        .status,
    ).to.equal(0);
    // The analyst has chosen a password already (the first-login change is the console's own test).
    await inspect(data.env, async (ctx) => {
      const analyst = (await ctx.store.listPrincipals({})).find((x) => x.name === 'analyst1')!;
      await ctx.store.updatePrincipal(analyst.id, { passwordHash: await hashSecret(ANALYST_PASSWORD), mustChangePassword: false });
    });
  });
  afterEach(() => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    data.remove();
  });

  /** Sends one forward over STARTTLS + AUTH and waits until the running server analysed it. */
  async function submit(port: number, subject: string): Promise<{ id: string; blobs: string[] }> {
    const { forward } = await buildForward({
      attachment: SAMPLE_ATTACHMENTS.docm,
      originalSubject: subject,
      originalMessageId: `<${subject.replace(/\W/g, '')}@invoices-secure.example>`,
    });
    const file = path.join(data.dir, '..', `${subject.replace(/\W/g, '')}.eml`);
    writeFileSync(file, forward);
    const run = await swaks({
      port,
      from: 'soc@rail.example',
      to: 'report@c4tap.example',
      dataFile: file,
      tls: true,
      auth: { user: 'rail-soc', password: smtpSecret },
    });
    expect(run.lastCode, run.transcript).to.equal(250);
    const id = submissionIdIn(run.lastReply)!;
    const until = Date.now() + 240_000;
    for (;;) {
      const done = await inspect(data.env, async (ctx) => {
        const sub = (await ctx.store.getSubmission(id))!;
        if (sub.status === 'received' || sub.status === 'analysing') return null;
        expect(sub.status, JSON.stringify(sub.details)).not.to.equal('failed');
        return [sub.rawSha256, ...(await ctx.store.listSamples(id)).map((s) => s.sha256)];
      });
      if (done) return { id, blobs: done };
      if (Date.now() > until) throw new Error(`submission ${id} was not analysed; serve said: ${serve!.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const keyIdsOf = (blobs: readonly string[]) => inspect(data.env, async (ctx) => Promise.all(blobs.map(async (b) => (await ctx.vault.info(b))!.keyId)));

  it('rewraps every blob, seals new blobs under the new key and reads old and new ones without a restart', async () => {
    const oldKey = loadOrCreateSecrets(data.dir).secrets.currentVaultKeyId;
    serve = startServe(data.env);
    const [, url] = await serve.waitFor(/HTTP\s+(http:\/\/\S+)/, 120_000);
    const [, smtpPort] = await serve.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/, 120_000);
    const pid = serve.child.pid;

    const before = await submit(Number(smtpPort), 'Invoice before the rotation');
    expect(before.blobs.length).to.be.greaterThan(1);
    expect(await keyIdsOf(before.blobs)).to.deep.equal(before.blobs.map(() => oldKey));
    const stored = await inspect(data.env, async (ctx) => {
      const ids: string[] = [];
      for await (const id of ctx.vault.list()) ids.push(id);
      return ids.sort();
    });

    const rotate = runCli(['keys', 'rotate', '--rewrap'], data.env);
    expect(rotate.status, rotate.stderr).to.equal(0);
    const newKey = /new vault key (\S+) is current/.exec(rotate.stdout)![1]!;
    expect(rotate.stdout).to.contain(`re-encrypted ${stored.length} blobs under ${newKey}`);
    // The running server logs when it has read the new keys (file change seen, no restart).
    await logged(serve, new RegExp(`"event":"vault.keyring_reloaded"[^\\n]*"currentKeyId":"${newKey}"`));

    const after = await submit(Number(smtpPort), 'Invoice after the rotation');
    expect(await keyIdsOf(after.blobs)).to.deep.equal(after.blobs.map(() => newKey));
    expect(await keyIdsOf(before.blobs)).to.deep.equal(before.blobs.map(() => newKey));

    // Every blob from before the rotation is still there and decrypts.
    await inspect(data.env, async (ctx) => {
      const now: string[] = [];
      for await (const id of ctx.vault.list()) now.push(id);
      expect(now).to.include.members(stored);
      for (const id of now) expect((await ctx.vault.get(id)).length).to.be.greaterThan(0);
    });

    // The running server hands out the sample of both submissions (vault read in serve).
    const { client } = await loginAndEnrol(url!, 'analyst1', ANALYST_PASSWORD, () => new Date());
    for (const sub of [before, after]) {
      const sample = sub.blobs[1]!;
      await client.get(`/console/submissions/${sub.id}`);
      const zip = await client.post(`/console/submissions/${sub.id}/samples/${sample}/download`, { confirm: 'yes' });
      expect(zip.status, zip.text.slice(0, 300)).to.equal(200);
      expect(zip.headers.get('content-type')).to.equal('application/zip');
    }
    expect(serve.child.pid).to.equal(pid);
    expect(serve.child.exitCode).to.equal(null);
    expect(serve.output()).not.to.contain('VAULT_KEY_UNKNOWN');
    serve.child.kill('SIGTERM');
    expect(await serve.exited()).to.equal(0);
  });

  it('refuses to remove a key that still seals blobs, naming how many, and removes it once they are rewrapped', async () => {
    const oldKey = loadOrCreateSecrets(data.dir).secrets.currentVaultKeyId;
    const { forward } = await buildForward({ attachment: SAMPLE_ATTACHMENTS.pdf });
    const file = path.join(data.dir, '..', 'one.eml');
    writeFileSync(file, forward);
    expect(runCli(['import', '--principal', 'rail-soc', file], data.env).status).to.equal(0);
    expect(runCli(['keys', 'rotate'], data.env).status).to.equal(0);

    const refused = runCli(['keys', 'remove', oldKey], data.env);
    expect(refused.status).to.equal(1);
    expect(refused.stderr.trim().split('\n')).to.have.length(1);
    expect(refused.stderr).to.match(
      new RegExp(
        `^error \\[CONFLICT\\]: vault key ${oldKey} still seals \\d+ blobs? \\(e\\.g\\. [0-9a-f]{64}(, [0-9a-f]{64})*\\); run "c4tap keys rotate --rewrap" first`,
      ),
    );
    expect(loadOrCreateSecrets(data.dir).secrets.vaultKeys.map((k) => k.id)).to.include(oldKey);
    expect(runCli(['keys', 'list'], data.env).stdout).to.match(new RegExp(`${oldKey} .* [1-9]\\d* blobs\\n`));

    expect(runCli(['keys', 'rotate', '--rewrap'], data.env).status).to.equal(0);
    const removed = runCli(['keys', 'remove', oldKey], data.env);
    expect(removed.status, removed.stderr).to.equal(0);
    expect(loadOrCreateSecrets(data.dir).secrets.vaultKeys.map((k) => k.id)).not.to.include(oldKey);
    const current = loadOrCreateSecrets(data.dir).secrets.currentVaultKeyId;
    const notCurrent = runCli(['keys', 'remove', current], data.env);
    expect(notCurrent.status).to.equal(1);
    expect(notCurrent.stderr).to.contain(`vault key ${current} is the current key`);
  });
});
