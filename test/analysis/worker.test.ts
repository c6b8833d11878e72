// The analysis worker over the real SQLite store: jobs analysed to triage, leases that outlive a
// killed worker, retries with back-off, final failure, and a clean stop.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core/logger.ts';
import { createMetrics } from '../../core/metrics.ts';
import type { Store } from '../../core/store/port.ts';
import type { Job, Submission } from '../../core/types.ts';
import { createAvScanner } from '../../analysis/engines/clamav.ts';
import { analyseSubmission, type PipelineDeps } from '../../analysis/pipeline.ts';
import { retryDelayMs, startWorker, type RunningWorker, type WorkerSettings } from '../../analysis/worker.ts';
import { buildForward } from '../fixtures/mail-builder.ts';
import { SENDER } from '../ingest/helpers/smtp-env.ts';
import { startAnalysisEnv, type AnalysisEnv } from './helpers/analysis-env.ts';
import { buildLnk, buildZip } from './helpers/file-builders.ts';
import { startWorkerChild } from './helpers/worker-child.ts';
import { clamdInstalled, skipUnlessPresent, startPrivateClamd } from './helpers/engines-clamd.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SETTINGS: WorkerSettings = { leaseMs: 60_000, maxAttempts: 3, pollMs: 10, retryBaseMs: 1000, retryMaxMs: 8000 };

async function lnkForward(subject: string): Promise<Buffer> {
  const zip = await buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk() }]);
  return buildForward(
    'rfc822',
    {
      from: 'Billing <billing@invoices-secure.example>',
      to: 'taro@rail.example',
      subject,
      text: 'See attachment.',
      attachments: [{ filename: 'invoice.zip', content: zip, contentType: 'application/zip' }],
    },
    { note: 'FYI', submitter: SENDER },
  );
}

const jobOf = async (store: Store, s: Submission): Promise<Job> => (await store.getJobForSubmission(s.id, 'analyse'))!;

describe('analysis worker', function () {
  this.timeout(60_000);
  let env: AnalysisEnv;
  let offsetMs: number;
  const workers: RunningWorker[] = [];
  const clock = () => new Date(Date.now() + offsetMs);

  beforeEach(async () => {
    offsetMs = 0;
    env = await startAnalysisEnv({ clock });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close({ abandon: true });
    await env.close();
  });

  function worker(
    workerId: string,
    deps: PipelineDeps = env.deps(),
    extra: { settings?: Partial<WorkerSettings>; metrics?: ReturnType<typeof createMetrics>; log?: ReturnType<typeof createLogger> } = {},
  ): RunningWorker {
    const w = startWorker({
      store: deps.store,
      clock,
      log: extra.log ?? createLogger({ level: 'silent' }),
      settings: { ...SETTINGS, ...extra.settings },
      workerId,
      analyse: (submission, options) => analyseSubmission(deps, submission, options),
      ...(extra.metrics ? { metrics: extra.metrics } : {}),
    });
    workers.push(w);
    return w;
  }

  it('analyses a mail accepted while the worker was looking for work at once, not one poll interval later', async () => {
    // The mail is accepted and the wake sent after the worker's claim found nothing and before
    // that claim returned: the moment a wake-up used to be lost (the worker then slept pollMs).
    const base = env.deps();
    let accepted: Submission | null = null;
    let w: RunningWorker | null = null;
    const store = new Proxy(base.store, {
      get(target, name) {
        if (name === 'claimJob') {
          return async (...args: Parameters<Store['claimJob']>) => {
            const job = await target.claimJob(...args);
            if (!job && !accepted) {
              accepted = (await env.accept(await lnkForward('Invoice while claiming')))[0] ?? null;
              w!.wake();
            }
            return job;
          };
        }
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    w = worker('w-wake', { ...base, store }, { settings: { pollMs: 600_000 } });
    await waitFor('the mail accepted during the claim', () => accepted);
    await waitFor('the mail accepted during the claim analysed', async () => (await jobOf(env.ctx.store, accepted!)).status === 'done', { timeoutMs: 30_000 });
    expect((await env.ctx.store.getSubmission(accepted!.id))?.status).to.equal('awaiting-triage');
  });

  it('analyses a job: the submission reaches awaiting-triage, the job is done, the duration is measured', async () => {
    const [submission] = await env.accept(await lnkForward('Invoice 1'));
    const metrics = createMetrics({ defaultMetrics: false });
    worker('w1', env.deps(), { metrics });
    const done = await waitFor('job done', async () =>
      (await jobOf(env.ctx.store, submission!)).status === 'done' ? jobOf(env.ctx.store, submission!) : null,
    );
    expect(done).to.include({ attempts: 1, leaseOwner: null });
    const after = (await env.ctx.store.getSubmission(submission!.id))!;
    expect(after.status).to.equal('awaiting-triage');
    expect((after.details.analysis as { files: unknown[] }).files).to.have.length(2);
    expect(await metrics.registry.getSingleMetricAsString('c4tap_analysis_duration_seconds')).to.match(
      /c4tap_analysis_duration_seconds_count\{outcome="done"\} 1/,
    );
  });

  it('leaves the job of a worker killed mid-job until its lease ends, then another worker finishes it exactly once', async function () {
    const [submission] = await env.accept(await lnkForward('Invoice 2'));
    const child = startWorkerChild(env.data.dir, 'doomed', SETTINGS);
    try {
      const jobId = await child.midJob();
      await child.kill();
      const held = (await env.ctx.store.getJob(jobId))!;
      expect(held).to.include({ status: 'running', leaseOwner: 'doomed', attempts: 1 });
      expect((await env.ctx.store.getSubmission(submission!.id))!.status).to.equal('analysing');

      // Before the lease ends nobody takes it; two workers whose clock is past the lease race for it.
      expect(await env.ctx.store.claimJob({ workerId: 'early', now: clock().toISOString(), leaseUntil: clock().toISOString() })).to.equal(null);
      offsetMs = SETTINGS.leaseMs + 1000;
      const logs: { event?: string; workerId?: string }[] = [];
      const log = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
      worker('a', { ...env.deps(), log }, { log });
      worker('b', { ...env.deps(), log }, { log });
      const done = await waitFor('job done', async () => ((await env.ctx.store.getJob(jobId))!.status === 'done' ? env.ctx.store.getJob(jobId) : null));
      expect(done!.attempts).to.equal(2);
      for (const w of workers.splice(0)) await w.close();
      expect(logs.filter((l) => l.event === 'worker.job_done')).to.have.length(1);
      expect(logs.filter((l) => l.event === 'analysis.done')).to.have.length(1);
      expect((await env.ctx.store.getSubmission(submission!.id))!.status).to.equal('awaiting-triage');
      const samples = await env.ctx.store.listSamples(submission!.id);
      expect(new Set(samples.map((s) => s.sha256)).size).to.equal(samples.length);
    } finally {
      await child.kill();
    }
  });

  it('retries a failing job with exponential back-off, then fails it and the submission with the reason', async () => {
    const [submission] = await env.accept(await lnkForward('Invoice 3'));
    await env.ctx.vault.delete(submission!.rawSha256); // the raw message is gone: every attempt fails
    worker('w1');
    const gap = (j: Job) => Date.parse(j.runAfter) - Date.parse(j.updatedAt);

    const first = await waitFor('first retry', async () => {
      const j = await jobOf(env.ctx.store, submission!);
      return j.status === 'pending' && j.attempts === 1 ? j : null;
    });
    expect(first.lastError).to.match(/vault/i);
    expect(gap(first)).to.equal(1000);

    offsetMs += 1000;
    const second = await waitFor('second retry', async () => {
      const j = await jobOf(env.ctx.store, submission!);
      return j.status === 'pending' && j.attempts === 2 ? j : null;
    });
    expect(gap(second)).to.equal(2000);

    offsetMs += 2000;
    const failed = await waitFor('final failure', async () => {
      const j = await jobOf(env.ctx.store, submission!);
      return j.status === 'failed' ? j : null;
    });
    expect(failed.attempts).to.equal(SETTINGS.maxAttempts);
    const after = (await env.ctx.store.getSubmission(submission!.id))!;
    expect(after.status).to.equal('failed');
    expect((after.details.analysisError as { reason: string }).reason).to.match(/vault/i);
  });

  it('gives up on a message that every worker taking it died on, after maxAttempts claims', async () => {
    const [submission] = await env.accept(await lnkForward('Invoice 6'));
    // Three workers claim the job and die (their leases end without completion).
    for (let i = 1; i <= SETTINGS.maxAttempts; i++) {
      const claimed = await env.ctx.store.claimJob({
        workerId: `dead-${i}`,
        now: clock().toISOString(),
        leaseUntil: new Date(clock().getTime() + 1000).toISOString(),
      });
      expect(claimed?.attempts).to.equal(i);
      offsetMs += 2000;
    }
    worker('w1');
    const failed = await waitFor('job failed', async () => {
      const j = await jobOf(env.ctx.store, submission!);
      return j.status === 'failed' ? j : null;
    });
    expect(failed.lastError).to.match(/gave up after 3 attempts/);
    expect((await env.ctx.store.getSubmission(submission!.id))!.status).to.equal('failed');
  });

  it('computes the back-off as base × 2^(attempt−1), capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, SETTINGS))).to.deep.equal([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('retries instead of completing when clamd cannot be reached, leaving the submission analysing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'c4tap-noclamd-'));
    try {
      const av = createAvScanner(
        { socket: path.join(dir, 'clamd.sock'), timeoutMs: 2000 } as Parameters<typeof createAvScanner>[0],
        createLogger({ level: 'silent' }),
      );
      const [submission] = await env.accept(await lnkForward('Invoice 4'));
      worker('w1', env.deps({ av }));
      const retried = await waitFor('retry', async () => {
        const j = await jobOf(env.ctx.store, submission!);
        return j.status === 'pending' && j.attempts === 1 ? j : null;
      });
      expect(retried.lastError).to.match(/AV not scanned/);
      expect((await env.ctx.store.getSubmission(submission!.id))!.status).to.equal('analysing');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('on close with abandon, hands the job in hand back for another worker', async () => {
    const [submission] = await env.accept(await lnkForward('Invoice 5'));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let reached: () => void = () => undefined;
    const inside = new Promise<void>((r) => (reached = r));
    const slowStore: Store = {
      ...env.ctx.store,
      putSample: async (s) => {
        reached();
        await gate;
        return env.ctx.store.putSample(s);
      },
    };
    const w = worker('w1', { ...env.deps(), store: slowStore });
    await inside;
    const closing = w.close({ abandon: true });
    release();
    await closing;
    const job = await jobOf(env.ctx.store, submission!);
    expect(job).to.include({ status: 'pending', leaseOwner: null, lastError: 'abandoned at shutdown' });
    worker('w2');
    await waitFor('job done by the next worker', async () => (await jobOf(env.ctx.store, submission!)).status === 'done');
  });
});

describe('analysis worker with clamd (needs clamd)', function () {
  this.timeout(120_000);
  let dir: string;
  let env: AnalysisEnv;
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  before(function () {
    skipUnlessPresent(this, clamdInstalled(), 'clamd');
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'c4tap-wclamd-'));
    env = await startAnalysisEnv({ clock });
  });
  afterEach(async () => {
    await env.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves samples not-scanned and retries while clamd is stopped, and scans them once it is back', async () => {
    const clamd = await startPrivateClamd(dir);
    await clamd.stop();
    const av = createAvScanner({ socket: clamd.socket, timeoutMs: 5000 } as Parameters<typeof createAvScanner>[0], createLogger({ level: 'silent' }));
    const [submission] = await env.accept(await lnkForward('Invoice 7'));
    const w = startWorker({
      store: env.ctx.store,
      clock,
      log: createLogger({ level: 'silent' }),
      settings: SETTINGS,
      workerId: 'w1',
      analyse: (s, o) => analyseSubmission(env.deps({ av }), s, o),
    });
    let back: Awaited<ReturnType<typeof startPrivateClamd>> | null = null;
    try {
      await waitFor('retry while clamd is stopped', async () => {
        const j = await jobOf(env.ctx.store, submission!);
        return j.status === 'pending' && j.attempts === 1;
      });
      const waiting = (await env.ctx.store.getSubmission(submission!.id))!.details.analysis as { files: { av: { kind: string } }[] };
      expect(waiting.files.map((f) => f.av.kind)).to.deep.equal(['not-scanned', 'not-scanned']);

      back = await clamd.restart();
      expect(back.socket).to.equal(clamd.socket);
      offsetMs += SETTINGS.retryBaseMs;
      await waitFor('scanned once clamd is back', async () => (await jobOf(env.ctx.store, submission!)).status === 'done', { timeoutMs: 60_000 });
      const after = (await env.ctx.store.getSubmission(submission!.id))!;
      expect(after.status).to.equal('awaiting-triage');
      expect((after.details.analysis as { files: { av: { kind: string } }[] }).files.map((f) => f.av.kind)).to.deep.equal(['clean', 'clean']);
    } finally {
      await w.close({ abandon: true });
      await back?.stop();
    }
  });
});
