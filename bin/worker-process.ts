// One analysis child process of the pool (analysis/worker-pool.ts); a composition root like serve. Started with fork() and a heap cap, it
// waits for its configuration over IPC, opens its own context (store connections, vault, engines)
// and runs the analysis worker: it claims jobs from the store itself, so the serving process's
// event loop never runs analysis. It tells the parent which job it holds (the parent watches its
// time and memory and kills it past the budget) and looks for a job at once when told `wake`.
//
// Messages in:  { type: 'start', config, workerId } once; { type: 'wake' }; { type: 'stop', abandon }
// Messages out: { type: 'ready' }; { type: 'job', jobId, submissionId }; { type: 'idle' }
//
// Signals from a terminal (Ctrl-C reaches the whole process group) are left to the parent, which
// stops its children in order; a child whose parent is gone (IPC closed) abandons its job and exits.
//
// The child runs at a lower CPU priority (ANALYSIS_NICE more) than the serving process: on a machine
// with as many analysis processes as cores, a hostile archive (or a 30 s compile of a community
// rule set) would otherwise take the CPU from SMTP and the API when they wake. Set first thing,
// so every thread the child starts later (YARA scan and compile threads, libuv's pool) inherits it.
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FromChild, ToChild } from '../analysis/worker-pool-messages.ts';

/** This file, for fork(). */
export const WORKER_PROCESS_SCRIPT = fileURLToPath(import.meta.url);

/** How much nicer than the serving process (which it inherits the nice value of) an analysis child runs; 19 is the lowest priority. */
export const ANALYSIS_NICE = 10;

function send(msg: FromChild): void {
  if (process.connected) process.send!(msg);
}

async function main(): Promise<void> {
  // Told to stop while still starting (nothing claimed yet): exit at once.
  let stopEarly = (): void => process.exit(0);
  const early = (msg: ToChild) => {
    if (msg.type === 'stop') stopEarly();
  };
  process.on('message', early);
  process.on('disconnect', () => stopEarly());
  const start = await new Promise<Extract<ToChild, { type: 'start' }>>((resolve) => {
    const first = (msg: ToChild) => {
      if (msg.type !== 'start') return;
      process.off('message', first);
      resolve(msg);
    };
    process.on('message', first);
  });
  // Imported here, not at the top: the module stays cheap to import for its types.
  const { openContext } = await import('./context.ts');
  const { startAnalysisWorker } = await import('./commands/worker.ts');
  const ctx = await openContext(start.config, { watchVaultKeys: true });
  const worker = await startAnalysisWorker(ctx, {
    workerId: start.workerId,
    onJob: (job) => send(job ? { type: 'job', jobId: job.id, submissionId: job.submissionId } : { type: 'idle' }),
  });
  let stopping: Promise<void> | null = null;
  const stop = (abandon: boolean) => {
    if (stopping && abandon) void worker.close({ abandon });
    stopping ??= worker
      .close({ abandon })
      .then(() => ctx.close())
      .finally(() => process.exit(0));
    return stopping;
  };
  stopEarly = () => void stop(true);
  process.off('message', early);
  process.on('message', (msg: ToChild) => {
    if (msg.type === 'wake') worker.wake();
    else if (msg.type === 'stop') void stop(msg.abandon);
  });
  if (!process.connected) return void stop(true);
  send({ type: 'ready' });
}

if (process.send && process.argv[1] === WORKER_PROCESS_SCRIPT) {
  try {
    setPriority(Math.min(19, getPriority() + ANALYSIS_NICE));
  } catch {
    // Lowering one's own priority is always allowed on Linux; elsewhere the child just runs at the parent's.
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);
  main().catch((err: unknown) => {
    process.stderr.write(`analysis worker process: ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
}
