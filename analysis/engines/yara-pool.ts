// The YARA-X scan pool: worker threads, each with its own compiled copy of the rule groups,
// scanning synchronously (yara-pool-worker.mjs), so N scans in flight use N cores like `yara -p N`.
//
// Why not the binding's scanAsync: measured with @litko/yara-x 0.3.0, it runs off the event
// loop but serialises scans (two in flight take as long as one after the other, same CPU time),
// and costs ~30% more than scan() on the same buffer (it copies the input and builds a scanner
// per call). YARA-X rules cannot be shared between threads through the binding, so each thread
// compiles the sources itself: once at its start, again only when the rules were reloaded.
//
// - prepare(groups) starts every thread and has it compile the groups before the first scan
//   (createYaraScanner awaits it): a community rule set takes seconds to compile per thread, time
//   the first scans' deadlines would otherwise spend waiting. Otherwise threads start on demand,
//   up to `threads`; jobs wait in one queue and go to whichever thread is free, so a slow scan
//   does not hold up the others.
// - A job carries the rule groups it was asked with; a thread that holds other groups (a reload
//   happened) gets the new sources first, so matches are always mapped with the rules that ran.
// - The bytes are copied once, into the thread's staging buffer (a SharedArrayBuffer kept per
//   thread, written only while the thread is idle): the caller keeps its own (ClamAV scans the
//   same buffer at the same time). Reusing warm memory matters: with a fresh buffer per job,
//   the page faults and unmaps of several threads contend on the process's memory-map lock and
//   two threads scanned no faster than one (measured). Inputs over STAGING_MAX go in a one-off
//   transferred copy instead, so a rare large file does not pin its size in every thread.
// - A job whose caller gave up (signal aborted: the deadline passed) is dropped from the queue;
//   one already running finishes on its thread and its result is ignored (YARA-X does not
//   backtrack and the input size is bounded, so it ends).
// - A thread that dies fails its job (the caller records not-scanned) and is replaced on demand.
// - Threads are unref'd: an idle pool never keeps the process alive; close() terminates them.
import { Worker } from 'node:worker_threads';
import type { RuleMatch } from '@litko/yara-x';
import type { Logger } from '../../core/logger.ts';
import { COMPILER_OPTIONS, type RuleGroup } from './yara-compile.ts';

const WORKER_URL = new URL('./yara-pool-worker.mjs', import.meta.url);
/** Largest input copied through a thread's staging buffer; the buffer grows up to this size. */
const STAGING_MAX = 16 * 1024 * 1024;
/** Initial staging buffer size. */
const STAGING_MIN = 1024 * 1024;

export interface ScanPool {
  /** Starts every thread and has each compile `groups`; resolves when all have (or failed to: their scans then say why). */
  prepare(groups: readonly RuleGroup[]): Promise<void>;
  /** Hits per group, in the order of `groups`; rejects when the scan thread failed or the pool is closed. */
  scan(groups: readonly RuleGroup[], content: Buffer, signal: AbortSignal): Promise<RuleMatch[][]>;
  close(): Promise<void>;
}

export interface ScanPoolOptions {
  readonly threads: number;
  readonly maxMatchesPerPattern: number;
  readonly log: Logger;
}

interface Job {
  readonly groups: readonly RuleGroup[];
  readonly content: Buffer;
  readonly signal: AbortSignal;
  readonly resolve: (hits: RuleMatch[][]) => void;
  readonly reject: (err: Error) => void;
}

interface Thread {
  readonly worker: Worker;
  /** The groups this thread has compiled (by identity: a reload makes a new array). */
  groups: readonly RuleGroup[] | null;
  job: Job | null;
  jobId: number;
  failure: string | null;
  /** Staging buffer shared with the thread (it holds the same one once sent). */
  staging: SharedArrayBuffer | null;
  /** Waiting for the thread's answer to the rules sent by prepare(), in the order sent. */
  readonly rulesLoaded: (() => void)[];
}

type FromThread = { type: 'done'; id: number; hits: RuleMatch[][] } | { type: 'failed'; id: number; error: string } | { type: 'rules'; id?: never };

export function createScanPool(options: ScanPoolOptions): ScanPool {
  const { log, maxMatchesPerPattern } = options;
  const size = Math.max(1, Math.floor(options.threads));
  const threads: Thread[] = [];
  const queue: Job[] = [];
  let lastId = 0;
  let closed = false;

  function spawn(): Thread {
    // execArgv []: not the parent's (tsx's loader would cost ~200 ms per thread start, unused here).
    const worker = new Worker(WORKER_URL, { execArgv: [] });
    worker.unref();
    const t: Thread = { worker, groups: null, job: null, jobId: 0, failure: null, staging: null, rulesLoaded: [] };
    worker.on('message', (msg: FromThread) => {
      if (msg.type === 'rules') {
        t.rulesLoaded.shift()?.();
        return;
      }
      const job = t.job;
      if (!job || msg.id !== t.jobId) return;
      t.job = null;
      if (msg.type === 'done') job.resolve(msg.hits);
      else job.reject(new Error(msg.error));
      pump();
    });
    worker.on('error', (err) => {
      t.failure = err.message;
    });
    worker.on('exit', (code) => {
      const at = threads.indexOf(t);
      if (at >= 0) threads.splice(at, 1);
      if (!closed) log.error({ event: 'yara.scan_thread_exited', code, err: t.failure }, 'YARA scan thread exited; it is replaced on demand');
      t.job?.reject(new Error(`YARA scan thread exited (code ${code})${t.failure ? `: ${t.failure}` : ''}`));
      t.job = null;
      for (const loaded of t.rulesLoaded.splice(0)) loaded();
      pump();
    });
    threads.push(t);
    return t;
  }

  /** The groups' sources go as SharedArrayBuffers: a reference, not a copy of megabytes of text. */
  function sendRules(t: Thread, groups: readonly RuleGroup[]): void {
    t.worker.postMessage({ type: 'rules', sources: groups.map((g) => g.source), compilerOptions: COMPILER_OPTIONS, maxMatchesPerPattern });
    t.groups = groups;
  }

  function dispatch(t: Thread, job: Job): void {
    t.job = job;
    t.jobId = ++lastId;
    if (t.groups !== job.groups) sendRules(t, job.groups);
    const length = job.content.length;
    if (length > STAGING_MAX) {
      const bytes = new Uint8Array(job.content);
      t.worker.postMessage({ type: 'scan', id: t.jobId, bytes }, [bytes.buffer]);
      return;
    }
    let staging: SharedArrayBuffer | undefined;
    if (!t.staging || t.staging.byteLength < length) {
      t.staging = staging = new SharedArrayBuffer(Math.min(STAGING_MAX, Math.max(STAGING_MIN, 2 ** Math.ceil(Math.log2(length || 1)))));
    }
    new Uint8Array(t.staging, 0, length).set(job.content);
    t.worker.postMessage({ type: 'scan', id: t.jobId, length, staging });
  }

  function pump(): void {
    while (!closed && queue.length > 0) {
      if (queue[0]!.signal.aborted) {
        queue.shift();
        continue;
      }
      const t = threads.find((x) => x.job === null) ?? (threads.length < size ? spawn() : null);
      if (!t) return;
      dispatch(t, queue.shift()!);
    }
  }

  return {
    async prepare(groups) {
      if (closed) return;
      while (threads.length < size) spawn();
      await Promise.all(
        threads
          .filter((t) => t.job === null && t.groups !== groups)
          .map(
            (t) =>
              new Promise<void>((resolve) => {
                t.rulesLoaded.push(resolve);
                sendRules(t, groups);
              }),
          ),
      );
    },
    scan(groups, content, signal) {
      if (closed) return Promise.reject(new Error('YARA scan pool is closed'));
      return new Promise<RuleMatch[][]>((resolve, reject) => {
        queue.push({ groups, content, signal, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('YARA scan pool is closed'));
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
