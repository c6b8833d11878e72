// An analysis worker in a child process, for the test that kills one (SIGKILL) mid-job. As a
// script it opens the data directory named in the environment, runs the real pipeline under a
// worker with the given lease, and holds still at its first sample write: it prints
// `mid-job <jobId>` and never finishes, like a worker caught in a long analysis.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../core/logger.ts';
import type { Store } from '../../../core/store/port.ts';
import { openContext } from '../../../bin/context.ts';
import { DEFAULT_ARCHIVE_LIMITS } from '../../../analysis/archives/index.ts';
import { analyseSubmission } from '../../../analysis/pipeline.ts';
import { startWorker, type WorkerSettings } from '../../../analysis/worker.ts';
import { testConfig } from '../../ingest/helpers/smtp-env.ts';
import { indicatorDeps, rulesScanner } from './analysis-env.ts';

const SELF = fileURLToPath(import.meta.url);

export interface WorkerChild {
  readonly child: ChildProcess;
  /** Resolves with the job id once the child is in the middle of analysing it. */
  midJob(): Promise<string>;
  /** SIGKILL, resolving once the process is gone. */
  kill(): Promise<void>;
}

export function startWorkerChild(dir: string, workerId: string, settings: WorkerSettings): WorkerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF], {
    env: { ...process.env, C4TAP_TEST_WORKER_DIR: dir, C4TAP_TEST_WORKER_ID: workerId, C4TAP_TEST_WORKER_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const midJob = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^mid-job (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code, signal) => reject(new Error(`worker child exited (${code ?? signal}) before reaching mid-job: ${out}`)));
  });
  return {
    child,
    midJob: () => midJob,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const dir = process.env.C4TAP_TEST_WORKER_DIR!;
  const settings = JSON.parse(process.env.C4TAP_TEST_WORKER_SETTINGS!) as WorkerSettings;
  const log = createLogger({ level: 'silent' });
  const ctx = await openContext(testConfig(dir), { log, defaultMetrics: false });
  const yara = await rulesScanner(log);
  let current = '';
  const holding: Store = {
    ...ctx.store,
    putSample: () => {
      process.stdout.write(`mid-job ${current}\n`);
      return new Promise(() => undefined);
    },
  };
  const deps = { store: holding, vault: ctx.vault, clock: ctx.clock, log, yara, av: null, limits: DEFAULT_ARCHIVE_LIMITS, ...indicatorDeps() };
  startWorker({
    store: ctx.store,
    clock: ctx.clock,
    log,
    settings,
    workerId: process.env.C4TAP_TEST_WORKER_ID!,
    analyse: async (submission, options) => {
      current = (await ctx.store.getJobForSubmission(submission.id, 'analyse'))!.id;
      return analyseSubmission(deps, submission, options);
    },
  });
}

if (process.argv[1] === SELF) {
  main().catch((err: unknown) => {
    process.stderr.write(`worker-child: ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
}
