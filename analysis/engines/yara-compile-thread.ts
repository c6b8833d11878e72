// The thread that compiles YARA rule files (yara-rules-dir.ts compileRuleFiles) off the event
// loop: one per reload, given the directory, the snapshot and the previous results in
// workerData, answering once with the results and rule groups as plain data.
//
// The thread lowers its own CPU priority by 5 nice values (this thread only, on Linux): checking a
// community rule set is seconds of CPU that should not take a core from the event loop when it
// wakes. Not to 19: on a machine loaded by other work a nice-19 thread took minutes (measured).
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { compileRuleFiles, type FileResults, type Snapshot } from './yara-rules-dir.ts';

try {
  setPriority(Math.min(19, getPriority() + 5));
} catch {
  // not allowed here: the thread runs at the process's priority
}
const { dir, snapshot, previous } = workerData as { dir: string; snapshot: Snapshot; previous: FileResults };
compileRuleFiles(dir, snapshot, previous).then(
  ({ files, groups }) => parentPort!.postMessage({ ok: true, files, groups }),
  (err: unknown) => parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
);
