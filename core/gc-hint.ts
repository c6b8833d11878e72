// A full garbage collection once a thread has let go of large buffers. V8 frees an ArrayBuffer (a
// Buffer's memory) only when a collection finds it unreachable; one that lived long enough to be
// promoted out of the young generation waits for a full collection, which V8 starts on its own
// only once 64 MB more sit outside its heap (or its small heap grows). Each large message the
// serving process accepts leaves several dead copies of itself (received chunks and their
// concatenation, the MIME parser's; the SQLite writer thread the sealed blobs it committed), and
// without these hints about 120 MB of them stayed resident (bench analysis-hostile, issue 17).

export interface GcHintOptions {
  /** Collect once the large buffers released since the last collection add up to this many bytes. */
  readonly thresholdBytes: number;
  /** Buffers smaller than this are not counted: short-lived and small, V8's own collections keep up with them. */
  readonly largeBytes: number;
  /** Told how long each collection paused the thread (tens of ms for a heap of tens of MB). */
  readonly collected?: (pauseMs: number) => void;
}

export interface GcHint {
  /**
   * Counts a buffer of `bytes` this thread no longer refers to; once the threshold is reached, a
   * full collection runs on the next turn of the event loop (not within the caller, whose frames
   * may still hold the buffers), covering whatever was released until then.
   */
  released(bytes: number): void;
}

/** Needs --expose-gc (bin/c4tap starts the process with it); without it the hint does nothing. */
export function createGcHint(options: GcHintOptions): GcHint {
  const gc = (globalThis as { gc?: () => void }).gc;
  let pending = 0;
  let scheduled = false;
  const collect = (run: () => void) => {
    pending = 0;
    scheduled = false;
    const started = performance.now();
    run();
    options.collected?.(performance.now() - started);
  };
  return {
    released(bytes) {
      if (bytes < options.largeBytes) return;
      pending += bytes;
      if (!gc || scheduled || pending < options.thresholdBytes) return;
      scheduled = true;
      setImmediate(collect, gc);
    },
  };
}
