// The analysis worker: claims due jobs from the store under a lease, keeps the lease while it
// works, and completes, retries with exponential back-off, or fails the job for good after
// worker.maxAttempts. A worker that dies leaves its job running under a lease that ends; any
// worker then claims it again (each claim counts as an attempt, so a message that kills workers
// is given up too). The store's lease checks make completion count once, for the lease holder.
//
// It runs on the process's event loop next to SMTP and HTTP: every step awaits I/O or the
// libuv thread pool (zlib, YARA-X, clamd), and the CPU it takes on the loop is bounded per file
// (hashing, type detection within maxExpandedBytes), with a turn given to the loop between
// files. `c4tap serve` runs it in child processes (worker-pool.ts), so a hostile submission
// never holds SMTP or the API; `c4tap worker` runs one on its own.
import type { Config } from '../core/config.ts';
import type { Clock } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { JobStore, StoreHandle, SubmissionStore } from '../core/store/port.ts';
import type { Job, Submission } from '../core/types.ts';
import { toC4Error } from '../core/errors.ts';
import { emitSubmissionEvent, type SubmissionEventSink } from '../core/submission-events.ts';
import type { AnalyseOptions, AnalysisResult } from './pipeline.ts';

export type WorkerSettings = Pick<Config['worker'], 'leaseMs' | 'maxAttempts' | 'pollMs' | 'retryBaseMs' | 'retryMaxMs'>;

export interface WorkerDeps {
  readonly store: SubmissionStore & JobStore & StoreHandle;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: WorkerSettings;
  readonly workerId: string;
  /** The pipeline, bound to its dependencies (analysis/pipeline.ts analyseSubmission). */
  readonly analyse: (submission: Submission, options: AnalyseOptions) => Promise<AnalysisResult>;
  readonly metrics?: Pick<Metrics, 'analysisDuration'>;
  /** Told when a job completed (submitter notifications); never awaited. */
  readonly events?: SubmissionEventSink | undefined;
  /** Told when a job is taken (its id and submission) and when it is over (null): the process pool watches its time. */
  readonly onJob?: ((job: Pick<Job, 'id' | 'submissionId'> | null) => void) | undefined;
}

export interface RunningWorker {
  readonly workerId: string;
  /**
   * Stops claiming. By default the job in hand is finished first; with `abandon` it is stopped at
   * the next step and handed back (pending, due now) for another worker.
   */
  close(options?: { readonly abandon?: boolean }): Promise<void>;
  /** Look for a job now instead of at the next poll (a submission was just accepted in this process). */
  wake(): void;
}

/** Delay before retry number `attempt` (1 = after the first failure): base × 2^(attempt−1), capped. */
export function retryDelayMs(attempt: number, settings: Pick<WorkerSettings, 'retryBaseMs' | 'retryMaxMs'>): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Ends a job whose analysis was stopped for good (its process overran the budget and was killed)
 * as analysed but incomplete: the reason leads the submission's `incomplete` list and verdict
 * reasons, what an earlier attempt recorded stays, the submission goes to triage. Nothing is
 * retried. False when `workerId` no longer holds the job's lease (another worker has it).
 */
export async function endJobIncomplete(
  store: SubmissionStore & JobStore & StoreHandle,
  job: Pick<Job, 'id' | 'submissionId'>,
  workerId: string,
  reason: string,
  now: string,
): Promise<boolean> {
  const held = await store.getJob(job.id);
  if (!held || held.status !== 'running' || held.leaseOwner !== workerId) return false;
  const submission = await store.getSubmission(job.submissionId);
  if (submission) {
    const before = (typeof submission.details.analysis === 'object' && submission.details.analysis !== null ? submission.details.analysis : {}) as Record<
      string,
      unknown
    >;
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    const verdict = (before.verdict ?? null) as { verdict?: string; score?: number; reasons?: unknown } | null;
    const analysis = {
      files: [],
      bodies: [],
      samples: 0,
      archives: {},
      indicators: 0,
      redactions: [],
      sanitizedSubject: null,
      cluster: null,
      related: null,
      warnings: [],
      ...before,
      analysedAt: now,
      incomplete: [reason, ...strings(before.incomplete)],
      verdict: { verdict: verdict?.verdict ?? 'unknown', score: verdict?.score ?? 0, reasons: [reason, ...strings(verdict?.reasons)] },
    };
    await store.updateSubmission(submission.id, { status: 'awaiting-triage', detailsMerge: { analysis } }, now);
  }
  return store.completeJob(job.id, workerId, now);
}

class LeaseLost extends Error {
  constructor(jobId: string) {
    super(`lease of job ${jobId} lost`);
    this.name = 'LeaseLost';
  }
}

export function startWorker(deps: WorkerDeps): RunningWorker {
  const { store, settings, workerId } = deps;
  const log = deps.log.child({ workerId });
  const at = (offsetMs = 0) => new Date(deps.clock().getTime() + offsetMs).toISOString();
  let closing = false;
  let wake: (() => void) | null = null;
  /** A wake that came while the worker was not pausing (claiming, or finishing a job): the next pause is skipped. */
  let wakeMissed = false;
  let current: AbortController | null = null;
  /** The next claim, sent with the completion of the job before it (one write batch, one commit). */
  let prefetched: Promise<Job | null> | null = null;

  const claim = () => store.claimJob({ workerId, now: at(), leaseUntil: at(settings.leaseMs), types: ['analyse'] });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (wakeMissed) {
        wakeMissed = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function setStatus(submissionId: string, status: Submission['status'], details?: Submission['details']): Promise<Submission | null> {
    return store.updateSubmission(submissionId, { status, ...(details ? { details } : {}) }, at());
  }

  /** A job that cannot or may not run any more is failed for good, and so is its submission. */
  async function giveUp(job: Job, reason: string): Promise<void> {
    if (!(await store.failJob(job.id, workerId, { error: reason, retryAt: null, now: at() }))) return;
    // Read again: the pipeline may have recorded a partial analysis meanwhile.
    const submission = await store.getSubmission(job.submissionId);
    if (submission) await setStatus(submission.id, 'failed', { ...submission.details, analysisError: { reason, attempts: job.attempts, at: at() } });
    log.error({ event: 'worker.job_failed', jobId: job.id, submissionId: job.submissionId, attempts: job.attempts, reason }, 'analysis failed for good');
  }

  async function retryLater(job: Job, reason: string): Promise<void> {
    const delay = retryDelayMs(job.attempts, settings);
    const now = deps.clock().getTime();
    await store.failJob(job.id, workerId, { error: reason, retryAt: new Date(now + delay).toISOString(), now: new Date(now).toISOString() });
    log.warn(
      { event: 'worker.job_retry', jobId: job.id, submissionId: job.submissionId, attempts: job.attempts, delayMs: delay, reason },
      'analysis will be retried',
    );
  }

  async function run(job: Job): Promise<void> {
    const started = performance.now();
    const observe = (outcome: string) => deps.metrics?.analysisDuration.observe({ outcome }, (performance.now() - started) / 1000);
    const found = await store.getSubmission(job.submissionId);
    if (!found) return giveUp(job, `submission ${job.submissionId} does not exist`);
    if (job.attempts > settings.maxAttempts) {
      // Claimed again after its lease ended each time: the analysis kills or stalls workers.
      observe('failed');
      return giveUp(job, `gave up after ${job.attempts - 1} attempts (the worker was lost during analysis)`);
    }
    // The status write is not waited for before the analysis starts: its commit overlaps the
    // parsing. The SQLite writer commits a process's calls in the order they were made, so it lands
    // before any write of the analysis; on MongoDB (no such order) it is awaited first.
    const submission: Submission = { ...found, status: 'analysing' };
    const marked = setStatus(found.id, 'analysing');
    marked.catch(() => undefined);
    if (store.backend !== 'sqlite') await marked;
    deps.onJob?.({ id: job.id, submissionId: job.submissionId });
    const controller = new AbortController();
    current = controller;
    const renew = setInterval(
      () => {
        store.renewLease(job.id, workerId, at(settings.leaseMs)).then(
          (held) => held || controller.abort(new LeaseLost(job.id)),
          (err: unknown) => log.warn({ event: 'worker.renew_failed', jobId: job.id, err: toC4Error(err).message }, 'lease renewal failed'),
        );
      },
      Math.max(10, Math.floor(settings.leaseMs / 3)),
    );
    try {
      const result = await deps.analyse(submission, { finalAttempt: job.attempts >= settings.maxAttempts, signal: controller.signal });
      await marked;
      if (controller.signal.aborted) throw controller.signal.reason;
      if (result.kind === 'analysed') {
        const completing = store.completeJob(job.id, workerId, at());
        if (!closing) {
          // Made in the same turn as the completion: both go to the store's writer together.
          prefetched = claim();
          prefetched.catch(() => undefined);
        }
        const completed = await completing;
        observe(completed ? 'done' : 'lease-lost');
        log.info(
          { event: completed ? 'worker.job_done' : 'worker.lease_lost', jobId: job.id, submissionId: job.submissionId, attempts: job.attempts },
          completed ? 'job done' : 'lease lost before completion',
        );
        if (completed) emitSubmissionEvent(deps.events, { kind: 'analysed', submissionId: job.submissionId, at: at() }, log);
      } else {
        observe('retry');
        await retryLater(job, result.reason);
      }
    } catch (err) {
      if (controller.signal.aborted) {
        const reason: unknown = controller.signal.reason;
        observe(reason instanceof LeaseLost ? 'lease-lost' : 'abandoned');
        if (!(reason instanceof LeaseLost)) await store.failJob(job.id, workerId, { error: 'abandoned at shutdown', retryAt: at(), now: at() });
        log.warn({ event: reason instanceof LeaseLost ? 'worker.lease_lost' : 'worker.job_abandoned', jobId: job.id }, 'job left for another worker');
        return;
      }
      const reason = toC4Error(err).message;
      observe('error');
      if (job.attempts >= settings.maxAttempts) await giveUp(job, reason);
      else await retryLater(job, reason);
    } finally {
      clearInterval(renew);
      current = null;
      deps.onJob?.(null);
    }
  }

  async function loop(): Promise<void> {
    while (!closing) {
      let job: Job | null = null;
      try {
        wakeMissed = false;
        const claimed = prefetched ?? claim();
        prefetched = null;
        job = await claimed;
        if (job) await run(job);
      } catch (err) {
        // The store itself failed (a broken disk, a lost connection): the lease lets another
        // worker, or this one later, take the job again.
        log.error({ event: 'worker.error', jobId: job?.id, err: toC4Error(err).message }, 'worker step failed');
        if (!closing) await pause(settings.pollMs);
      }
      if (!job && !closing) await pause(settings.pollMs);
    }
    // A job claimed with the last completion, after close() was called: handed back at once.
    const left = await prefetched?.catch(() => null);
    prefetched = null;
    if (left) await store.failJob(left.id, workerId, { error: 'released at shutdown', retryAt: at(), now: at() }).catch(() => undefined);
  }

  log.info({ event: 'worker.started' }, 'analysis worker started');
  const running = loop();
  return {
    workerId,
    async close(options = {}) {
      closing = true;
      if (options.abandon) current?.abort(new Error('worker closing'));
      wake?.();
      await running;
      log.info({ event: 'worker.stopped' }, 'analysis worker stopped');
    },
    wake: () => {
      if (wake) wake();
      else wakeMissed = true;
    },
  };
}
