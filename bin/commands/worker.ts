// `c4tap worker`: the analysis worker alone (as many processes as the machine has room for; they
// share the store and the vault). `c4tap serve` starts the same worker with startAnalysisWorker.
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { createAvScanner } from '../../analysis/engines/clamav.ts';
import { createYaraScanner } from '../../analysis/engines/yara.ts';
import { analyseSubmission, type PipelineDeps } from '../../analysis/pipeline.ts';
import { exchangeIdentity, loadAnalysisPolicies } from '../../analysis/pipeline-indicators.ts';
import { startWorker, type WorkerDeps } from '../../analysis/worker.ts';
import { openContext, type AppContext } from '../context.ts';
import { loadedFrom } from '../cli-support.ts';
import { checkDirectories } from '../setup/data-dir.ts';
import { policyFailure } from '../setup/policy-failure.ts';

export interface RunningAnalysisWorker {
  readonly workerId: string;
  /** Finishes the job in hand (or abandons it), then releases the engines. */
  close(options?: { readonly abandon?: boolean }): Promise<void>;
  /** A submission was accepted in this process: look for its job now. */
  wake(): void;
}

/** Engines, pipeline and worker over the context's store and vault. */
export async function startAnalysisWorker(
  ctx: AppContext,
  options: { readonly workerId?: string; readonly onJob?: WorkerDeps['onJob'] } = {},
): Promise<RunningAnalysisWorker> {
  const { config, log } = ctx;
  // One scan thread: a worker analyses one job, one file at a time; more processes, not threads,
  // use more cores, and each scan thread holds its own compiled copy of the rules.
  const yara = await createYaraScanner({ rulesDir: path.join(config.policiesDir, 'yara'), log, threads: 1 });
  const av = createAvScanner(config.clamd, log);
  if (!av) log.warn({ event: 'worker.av_not_configured' }, 'no clamd configured: samples will show "AV not configured"');
  const deps: PipelineDeps = {
    store: ctx.store,
    vault: ctx.vault,
    clock: ctx.clock,
    log,
    yara,
    av,
    limits: config.analysis,
    budget: config.analysis.budget,
    policies: loadAnalysisPolicies(config.policiesDir),
    exchange: exchangeIdentity(config.exchange),
  };
  const worker = startWorker({
    store: ctx.store,
    clock: ctx.clock,
    log,
    settings: config.worker,
    workerId: options.workerId ?? `${os.hostname()}:${process.pid}:${ctx.newId('wrk')}`,
    analyse: (submission, opts) => analyseSubmission(deps, submission, opts),
    metrics: ctx.metrics,
    events: ctx.events,
    onJob: options.onJob,
  });
  let closed: Promise<void> | null = null;
  return {
    workerId: worker.workerId,
    wake: () => worker.wake(),
    close(closeOptions = {}) {
      if (closed && closeOptions.abandon) void worker.close(closeOptions);
      closed ??= worker
        .close(closeOptions)
        .then(() => Promise.all([yara.close(), av?.close?.()]))
        .then(() => undefined);
      return closed;
    },
  };
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the analysis worker alone (claims analysis jobs until SIGINT/SIGTERM)')
    .action(async (_opts: unknown, cmd: Command) => {
      const loaded = loadedFrom(cmd);
      checkDirectories(loaded, { create: false });
      const ctx = await openContext(loaded.config, { watchVaultKeys: true }).catch((err: unknown) => {
        throw policyFailure(err, loaded);
      });
      const worker = await startAnalysisWorker(ctx).catch(async (err: unknown) => {
        await ctx.close();
        throw policyFailure(err, loaded);
      });
      process.stdout.write(`worker ${worker.workerId} analysing (data directory ${ctx.config.dataDir})\n`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        ctx.log.info({ event: 'worker.stopping', signal }, 'stopping');
        // A second signal abandons the job in hand instead of finishing it.
        process.once(signal, () => void worker.close({ abandon: true }));
        await worker.close();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
