// The analysis process pool of `c4tap serve`: `worker.processes` children (default one per core),
// each a bin/worker-process.ts started with a heap cap (--max-old-space-size = worker.memoryMb) that
// claims jobs from the store itself (SQLite in WAL mode or MongoDB: the children share it). The
// serving process only supervises: SMTP and the API never wait on analysis, whatever it meets.
//
// - Wake: after SMTP accepted a mail in this process, an idle child is told to look now.
// - Watch, every second: a child whose resident memory passes worker.memoryMb (Buffers of
//   expanded archives live outside the V8 heap, so the heap cap alone is not enough), or whose job
//   has run past its kill time (2 × analysis.budget.wallClockMs + clamd.timeoutMs: the child
//   checks its budget between files, so only a file stuck beyond its own deadlines gets there),
//   is killed (SIGKILL) and replaced.
// - A child lost with a job in hand: killed for its time, the job ends as `incomplete: budget`
//   (endJobIncomplete); otherwise (memory, a crash, an outside kill) the job is released at once
//   for another child. The claim counts as an attempt, so a message that kills every child is
//   given up after worker.maxAttempts (analysis/worker.ts), never retried forever.
// - A child that dies soon after its start is restarted after a growing delay (up to 30 s), so a
//   broken installation does not spin.
// - close(): children finish their job (or abandon it with `abandon`), then exit; a child still
//   there after the grace time is killed, its job released by its lease as after a crash.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Config } from '../core/config.ts';
import type { Clock } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import type { JobStore, StoreHandle, SubmissionStore } from '../core/store/port.ts';
import { toC4Error } from '../core/errors.ts';
import { BUDGET_REASON } from './budget.ts';
import { endJobIncomplete } from './worker.ts';
import type { FromChild, ToChild } from './worker-pool-messages.ts';

export interface WorkerPoolDeps {
  /** The child's entry point (bin/worker-process.ts: the composition root that opens a context and runs the worker). */
  readonly script: string;
  readonly config: Config;
  readonly store: SubmissionStore & JobStore & StoreHandle;
  readonly clock: Clock;
  readonly log: Logger;
  /** Ids of the children's workers (`<prefix>:<n>`). */
  readonly workerIdPrefix: string;
}

export interface PoolChild {
  readonly pid: number | undefined;
  readonly workerId: string;
  readonly ready: boolean;
  readonly jobId: string | null;
}

export interface WorkerPool {
  readonly size: number;
  /** A submission was accepted in this process: an idle child looks for its job now. */
  wake(): void;
  /** The children now (a replaced child has a new pid and worker id). */
  children(): PoolChild[];
  /** Children replaced so far, by why they were lost. */
  replaced(): Readonly<Record<LossReason, number>>;
  /** Resolves once every child has reported ready (for callers that want to wait for start-up). */
  ready(): Promise<void>;
  close(options?: { readonly abandon?: boolean }): Promise<void>;
}

type LossReason = 'budget' | 'memory' | 'exited';

interface Child {
  readonly process: ChildProcess;
  readonly workerId: string;
  readonly startedAt: number;
  ready: boolean;
  job: { readonly id: string; readonly submissionId: string; readonly since: number } | null;
  killedFor: LossReason | null;
  /** When it was last told to wake (a woken child reports a job only once it has claimed one). */
  wokenAt: number;
  readonly exited: Promise<void>;
}

const WATCH_MS = 1000;
const MB = 1024 * 1024;
/** How long close() waits for children to finish their job before telling them to abandon it, then killing them. */
const CLOSE_GRACE_MS = 20_000;
const ABANDON_GRACE_MS = 5_000;
/** A child that lived less than this was "dying at start": its replacement waits longer each time. */
const STABLE_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/** Resident memory of a process in bytes (Linux /proc), or null when unknown. */
function residentBytes(pid: number): number | null {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : null;
  } catch {
    return null;
  }
}

/** tsx's loader, by absolute path: a child started from any directory finds it. */
const TSX_LOADER = import.meta.resolve('tsx');

export function startWorkerPool(deps: WorkerPoolDeps): WorkerPool {
  const { config, store, log } = deps;
  const size = Math.max(1, config.worker.processes);
  const memoryLimit = config.worker.memoryMb * MB;
  const killAfterMs = 2 * config.analysis.budget.wallClockMs + config.clamd.timeoutMs;
  const children = new Set<Child>();
  const lost: Record<LossReason, number> = { budget: 0, memory: 0, exited: 0 };
  let spawned = 0;
  let closing = false;
  let restartDelay = 0;
  let readyWaiters: (() => void)[] = [];
  const at = () => deps.clock().toISOString();

  function spawnChild(): void {
    if (closing) return;
    const workerId = `${deps.workerIdPrefix}:${++spawned}`;
    const proc = fork(deps.script, [], {
      execArgv: ['--import', TSX_LOADER, `--max-old-space-size=${config.worker.memoryMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const child: Child = { process: proc, workerId, startedAt: performance.now(), ready: false, job: null, killedFor: null, wokenAt: 0, exited };
    children.add(child);
    proc.on('message', (msg: FromChild) => {
      if (msg.type === 'ready') {
        child.ready = true;
        notifyReady();
        proc.send({ type: 'wake' } satisfies ToChild);
      } else if (msg.type === 'job') child.job = { id: msg.jobId, submissionId: msg.submissionId, since: performance.now() };
      else if (msg.type === 'idle') child.job = null;
    });
    proc.on('error', (err) => log.error({ event: 'worker_pool.child_error', workerId, err: err.message }, 'analysis process error'));
    proc.once('exit', (code, signal) => void lostChild(child, code, signal));
    proc.send({ type: 'start', config, workerId } satisfies ToChild);
    log.info({ event: 'worker_pool.child_started', workerId, pid: proc.pid }, 'analysis process started');
  }

  async function lostChild(child: Child, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    children.delete(child);
    notifyReady();
    const job = child.job;
    if (closing && !job) return;
    const reason: LossReason = child.killedFor ?? 'exited';
    if (!closing) lost[reason]++;
    log.error(
      {
        event: 'worker_pool.child_lost',
        workerId: child.workerId,
        pid: child.process.pid,
        code,
        signal,
        reason,
        jobId: job?.id,
        submissionId: job?.submissionId,
      },
      'analysis process lost; it is replaced',
    );
    if (job) {
      try {
        if (reason === 'budget') {
          const text = `${BUDGET_REASON}: the analysis process was stopped after ${Math.round(performance.now() - job.since)} ms (over 2 × analysis.budget.wallClockMs + clamd.timeoutMs)`;
          await endJobIncomplete(store, job, child.workerId, text, at());
        } else {
          const why =
            reason === 'memory'
              ? `its analysis process used more than worker.memoryMb (${config.worker.memoryMb} MB)`
              : `its analysis process exited (${signal ?? code})`;
          await store.failJob(job.id, child.workerId, { error: why, retryAt: at(), now: at() });
        }
      } catch (err) {
        // The lease ends on its own and another child claims the job again.
        log.error({ event: 'worker_pool.release_failed', jobId: job.id, err: toC4Error(err).message }, 'could not release the job of a lost analysis process');
      }
    }
    if (closing) return;
    const lived = performance.now() - child.startedAt;
    restartDelay = lived > STABLE_MS ? 0 : Math.min(MAX_RESTART_DELAY_MS, Math.max(500, restartDelay * 2));
    if (restartDelay === 0) spawnChild();
    else setTimeout(spawnChild, restartDelay).unref();
  }

  function kill(child: Child, why: LossReason, detail: Record<string, unknown>): void {
    if (child.killedFor) return;
    child.killedFor = why;
    log.warn(
      { event: 'worker_pool.child_killed', workerId: child.workerId, pid: child.process.pid, reason: why, jobId: child.job?.id, ...detail },
      'analysis process over its limit; killing it',
    );
    child.process.kill('SIGKILL');
  }

  const watch = setInterval(() => {
    for (const child of children) {
      const pid = child.process.pid;
      if (pid === undefined || child.killedFor) continue;
      const rss = residentBytes(pid);
      if (rss !== null && rss > memoryLimit) kill(child, 'memory', { rssMb: Math.round(rss / MB), limitMb: config.worker.memoryMb });
      else if (child.job && performance.now() - child.job.since > killAfterMs) kill(child, 'budget', { ms: Math.round(performance.now() - child.job.since) });
    }
  }, WATCH_MS);
  watch.unref();

  function notifyReady(): void {
    if ([...children].every((c) => c.ready) && children.size === size) {
      for (const w of readyWaiters) w();
      readyWaiters = [];
    }
  }

  for (let i = 0; i < size; i++) spawnChild();

  return {
    size,
    wake() {
      // The idle child woken longest ago: mails accepted together wake different children.
      const idle = [...children].filter((c) => c.ready && !c.job && c.process.connected).sort((a, b) => a.wokenAt - b.wokenAt)[0];
      if (!idle) return;
      idle.wokenAt = performance.now();
      idle.process.send({ type: 'wake' } satisfies ToChild);
    },
    children: () => [...children].map((c) => ({ pid: c.process.pid, workerId: c.workerId, ready: c.ready, jobId: c.job?.id ?? null })),
    replaced: () => ({ ...lost }),
    ready: () =>
      new Promise<void>((resolve) => {
        readyWaiters.push(resolve);
        notifyReady();
      }),
    async close(options = {}) {
      closing = true;
      clearInterval(watch);
      const all = [...children];
      const tell = (abandon: boolean) => {
        for (const c of all) if (c.process.connected) c.process.send({ type: 'stop', abandon } satisfies ToChild);
      };
      const within = (ms: number) => Promise.race([Promise.all(all.map((c) => c.exited)), new Promise<void>((r) => setTimeout(r, ms).unref())]);
      tell(options.abandon ?? false);
      await within(options.abandon ? ABANDON_GRACE_MS : CLOSE_GRACE_MS);
      if (!options.abandon) {
        tell(true);
        await within(ABANDON_GRACE_MS);
      }
      for (const c of all) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
      await Promise.all(all.map((c) => c.exited));
    },
  };
}
