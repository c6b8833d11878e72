// The messages between the analysis worker pool (worker-pool.ts) and its child processes
// (bin/worker-process.ts), over the IPC channel fork() opens.
import type { Config } from '../core/config.ts';

export type ToChild =
  | { readonly type: 'start'; readonly config: Config; readonly workerId: string }
  | { readonly type: 'wake' }
  | { readonly type: 'stop'; readonly abandon: boolean };

export type FromChild =
  { readonly type: 'ready' } | { readonly type: 'job'; readonly jobId: string; readonly submissionId: string } | { readonly type: 'idle' };
