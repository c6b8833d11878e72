// 7-Zip compiled to WebAssembly (npm `7z-wasm`, 7-Zip 24.09): each command runs in a fresh
// instance in its own worker thread (seven-zip-thread.mjs) on the instance's in-memory file system:
// nothing touches the disk, so no member name can escape a directory and nothing is left to clean
// up; the event loop shared with SMTP and HTTP never waits on it; a command past its deadline is
// ended by terminating the thread. Writes under the output folder are counted and refused past a
// cap with ENOSPC, so 7-Zip stops expanding as a full disk would stop it. The compiled module is
// shared (compiled once per process, immutable); each instance's memory goes with its thread.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const THREAD_URL = new URL('./seven-zip-thread.mjs', import.meta.url);

/** How long one 7-Zip command may run (listing or extraction within the byte budget). */
export const SEVEN_ZIP_DEADLINE_MS = 60_000;

export interface SevenZipRun {
  /** 7-Zip's exit code (0 ok, 1 warning, 2 fatal error, 8 out of memory); null when it aborted. */
  readonly exitCode: number | null;
  /** What it printed (stdout and stderr, in order). */
  readonly output: string;
  /** Files written under the output folder, by path relative to it. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Bytes it tried to write under the output folder, including refused ones. */
  readonly bytesTried: number;
  readonly capHit: boolean;
  /** Ended at the deadline (or its thread died): nothing of it is used. */
  readonly timedOut: boolean;
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** The compiled 7-Zip module, compiled once per process (immutable; instances are per command). */
function wasmModule(): Promise<WebAssembly.Module> {
  compiled ??= readFile(require.resolve('7z-wasm/7zz.wasm')).then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

interface ThreadReply {
  readonly exitCode: number | null;
  readonly output: string;
  readonly files: readonly [string, Uint8Array][];
  readonly bytesTried: number;
  readonly capHit: boolean;
}

/**
 * Runs `7zz <args>` on `input` (`{in}` in args stands for its path, `{out}` for the output folder).
 * Resolves exactly once; never rejects for what the archive does.
 */
export async function runSevenZip(
  input: Buffer,
  args: readonly string[],
  cap = Number.MAX_SAFE_INTEGER,
  deadlineMs = SEVEN_ZIP_DEADLINE_MS,
): Promise<SevenZipRun> {
  const module = await wasmModule();
  return new Promise((resolve) => {
    // execArgv []: not the parent's (tsx's loader is not needed by the plain .mjs thread).
    const worker = new Worker(THREAD_URL, { execArgv: [], workerData: { module, input: new Uint8Array(input), args, cap } });
    let settled = false;
    const finish = (run: SevenZipRun) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(run);
    };
    const failed = (why: string) => finish({ exitCode: null, output: why, files: new Map(), bytesTried: 0, capHit: false, timedOut: true });
    const timer = setTimeout(() => failed(`ERROR: 7-Zip did not finish within ${deadlineMs} ms`), deadlineMs);
    worker.once('message', (r: ThreadReply) =>
      finish({ ...r, files: new Map(r.files.map(([path, data]) => [path, Buffer.from(data.buffer, data.byteOffset, data.byteLength)])), timedOut: false }),
    );
    worker.once('error', (err) => failed(`ERROR: 7-Zip thread failed: ${err.message}`));
    worker.once('exit', () => failed('ERROR: 7-Zip thread ended without an answer'));
  });
}
