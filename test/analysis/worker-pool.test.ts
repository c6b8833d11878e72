// Analysis in child processes (analysis/worker-pool.ts), as `c4tap serve` runs it: a child killed
// mid-job is replaced and nothing is lost; a hostile archive never stops SMTP or the API.
import { expect } from 'chai';
import { getPriority } from 'node:os';
import { startWorkerPool, type WorkerPool } from '../../analysis/worker-pool.ts';
import { ANALYSIS_NICE, WORKER_PROCESS_SCRIPT } from '../../bin/worker-process.ts';
import { openContext } from '../../bin/context.ts';
import { loadConfig, type Config } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { RAIL_ORG_ADD, runCli, startServe, tempDataDir, type TempDataDir } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { buildForward } from '../fixtures/mail-builder.ts';
import nodemailer from 'nodemailer';
import { startAnalysisEnv, POLICIES_DIR, type AnalysisEnv } from './helpers/analysis-env.ts';
import { startFakeClamd, type FakeClamd } from './helpers/engines-clamd.ts';
import { buildLnk, buildZip } from './helpers/file-builders.ts';
import { manyMembersZip } from './helpers/many-members-zip.ts';

async function zipForward(subject: string, zip: Buffer, to = 'taro@rail.example'): Promise<Buffer> {
  return buildForward(
    'rfc822',
    {
      from: 'billing@invoices-secure.example',
      to,
      subject,
      text: 'see attached',
      attachments: [{ filename: 'invoice.zip', content: zip, contentType: 'application/zip' }],
    },
    { submitter: 'soc@rail.example', note: 'FYI' },
  );
}

describe('analysis process pool', function () {
  this.timeout(180_000);
  let env: AnalysisEnv;
  let clamd: FakeClamd;
  let pool: WorkerPool | null = null;
  beforeEach(async () => {
    env = await startAnalysisEnv();
    clamd = await startFakeClamd({ kind: 'silent' });
  });
  afterEach(async () => {
    await pool?.close({ abandon: true });
    pool = null;
    await clamd.close();
    await env.close();
  });

  it('replaces a child killed (SIGKILL) mid-job, and the job is finished by a replacement, nothing lost', async () => {
    const [submission] = await env.accept(await zipForward('Invoice', await buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk() }])));
    const base = env.data.config;
    // clamd never answers: each attempt waits on it, so a child is caught mid-job; the last
    // attempt accepts "AV not scanned" as incomplete.
    const config: Config = {
      ...base,
      policiesDir: POLICIES_DIR,
      log: { ...base.log, level: 'silent' },
      clamd: { ...base.clamd, host: '127.0.0.1', port: clamd.port, timeoutMs: 3000 },
      worker: { ...base.worker, processes: 2, pollMs: 50, maxAttempts: 2, retryBaseMs: 0, retryMaxMs: 0 },
    };
    pool = startWorkerPool({
      script: WORKER_PROCESS_SCRIPT,
      config,
      store: env.ctx.store,
      clock: env.ctx.clock,
      log: createLogger({ level: 'silent' }),
      workerIdPrefix: 'test-pool',
    });
    const busy = await waitFor('a child in the middle of the job', () => pool!.children().find((c) => c.jobId !== null) ?? null, {
      timeoutMs: 120_000,
      intervalMs: 50,
    });
    process.kill(busy.pid!, 'SIGKILL');

    const job = await waitFor(
      'the job done',
      async () => {
        const j = await env.ctx.store.getJobForSubmission(submission!.id, 'analyse');
        return j?.status === 'done' ? j : null;
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    expect(job.attempts).to.equal(2);
    expect(pool.replaced().exited).to.equal(1);
    await waitFor('two children again', () => pool!.children().length === 2, { timeoutMs: 60_000 });
    expect(pool.children().map((c) => c.pid)).not.to.include(busy.pid);
    const after = (await env.ctx.store.getSubmission(submission!.id))!;
    expect(after.status).to.equal('awaiting-triage');
    expect((after.details.analysis as { incomplete: string[] }).incomplete.join('\n')).to.match(/AV not scanned/);
  });

  it('runs its children below the CPU priority of the serving process, so analysis cannot take the CPU from SMTP and the API', async () => {
    const base = env.data.config;
    pool = startWorkerPool({
      script: WORKER_PROCESS_SCRIPT,
      config: { ...base, policiesDir: POLICIES_DIR, log: { ...base.log, level: 'silent' }, worker: { ...base.worker, processes: 1 } },
      store: env.ctx.store,
      clock: env.ctx.clock,
      log: createLogger({ level: 'silent' }),
      workerIdPrefix: 'test-nice',
    });
    await pool.ready();
    const [child] = pool.children();
    expect(getPriority(child!.pid!), 'nice value of the analysis child').to.equal(Math.min(19, getPriority() + ANALYSIS_NICE));
  });
});

describe('c4tap serve with a hostile archive', function () {
  this.timeout(240_000);
  let data: TempDataDir;
  let secret: string;
  beforeEach(() => {
    data = tempDataDir({ C4TAP_SMTP_GREETING_DELAY_MS: '0', C4TAP_SMTP_MIN_FREE_BYTES: '0', C4TAP_WORKER_POLL_MS: '100' });
    expect(runCli(RAIL_ORG_ADD, data.env).status).to.equal(0);
    const p = runCli(['principal', 'add', '--org', 'Example Rail', '--name', 'rail-soc', '--email', 'soc@rail.example', '--roles', 'submitter'], data.env);
    secret = /password (\S+)/.exec(p.stdout)![1]!;
  });
  afterEach(() => data.remove());

  it('keeps SMTP and the API answering while a 100,000-member zip is analysed, which ends as too-many-members', async () => {
    const serve = startServe(data.env);
    let transport: ReturnType<typeof nodemailer.createTransport> | null = null;
    try {
      const [, url] = await serve.waitFor(/HTTP\s+(http:\/\/\S+)/);
      const [, port] = await serve.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/);
      // As a participant's mail server sends: STARTTLS + AUTH (the exchange's own certificate).
      transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: Number(port),
        secure: false,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: 'rail-soc', pass: secret },
      });
      const send = async (forward: Buffer) =>
        (await transport!.sendMail({ envelope: { from: 'soc@rail.example', to: ['report@c4tap.example'] }, raw: forward })).response;
      expect(await send(await zipForward('Many members', manyMembersZip(100_000)))).to.match(/^250 /);
      // While it is analysed: the API and SMTP answer.
      expect((await fetch(`${url}/api/v1/health`)).status).to.equal(200);
      expect(await send(await zipForward('Invoice', await buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk() }]), 'hanako@rail.example'))).to.match(
        /^250 /,
      );
      expect((await fetch(`${url}/api/v1/health`)).status).to.equal(200);

      const ctx = await openContext(loadConfig({ env: data.env }), { log: createLogger({ level: 'silent' }), defaultMetrics: false });
      try {
        const analysed = await waitFor(
          'both submissions analysed',
          async () => {
            const subs = (await ctx.store.listSubmissions({}, { limit: 10 })).items;
            return subs.length === 2 && subs.every((s) => s.status === 'awaiting-triage') ? subs : null;
          },
          { timeoutMs: 180_000, intervalMs: 250 },
        );
        const many = analysed.find((s) => JSON.stringify(s.details).includes('too-many-members'));
        expect(many, 'the hostile submission').to.not.equal(undefined);
        const files = (many!.details.analysis as { files: { archive: unknown }[] }).files;
        expect(files.map((f) => f.archive)).to.deep.include({ kind: 'too-many-members', members: 100_000 });
      } finally {
        await ctx.close();
      }
    } finally {
      transport?.close();
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited()).to.equal(0);
  });
});
