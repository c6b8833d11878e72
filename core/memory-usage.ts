// One thread's JavaScript memory (its V8 isolate), as process.memoryUsage() reports it on that
// thread: the serving process's main thread and its SQLite writer thread each have their own.
// Published as metrics (core/metrics.ts) so an operator, and bench/analysis-hostile.ts, can tell
// which part of the resident memory is whose.

export interface HeapMemory {
  /** Bytes the isolate's heap has reserved, and of those in use. */
  readonly heapTotal: number;
  readonly heapUsed: number;
  /** Memory outside the heap held by JavaScript objects, ArrayBuffers (Buffers) included. */
  readonly external: number;
  readonly arrayBuffers: number;
}

export function heapMemory(): HeapMemory {
  const { heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { heapTotal, heapUsed, external, arrayBuffers };
}
