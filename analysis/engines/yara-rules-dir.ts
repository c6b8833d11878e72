// The rule files of a directory as a snapshot of fingerprints, and the compiled state built from
// it. A reload recompiles only the files whose fingerprint changed.
//
// Reload by checking before scans (at most every checkIntervalMs), not by fs.watch: inotify
// misses changes on network and bind-mounted filesystems, loses the directory when it is
// replaced (git checkout, ConfigMap symlink swaps, `mv new old`), and editors that save by
// rename fire events for files that are gone a moment later. A stat per rule file per interval
// costs microseconds and sees every kind of change, on every filesystem, with no handle to leak.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { compileFile, groupOf, groupRuleFiles, type CompiledFile, type FileCompilation, type RuleGroup, type RuleGroupPlan } from './yara-compile.ts';

export const RULE_FILE = /\.yara?$/i;

/** File name → fingerprint (device, inode, size, mtime and ctime in nanoseconds). */
export type Snapshot = ReadonlyMap<string, string>;

export interface RuleState {
  readonly snapshot: Snapshot;
  readonly files: FileResults;
  readonly groups: readonly RuleGroup[];
  readonly loaded: readonly string[];
  readonly errors: readonly { readonly file: string; readonly error: string }[];
}

export const EMPTY_STATE: RuleState = { snapshot: new Map(), files: new Map(), groups: [], loaded: [], errors: [] };

export async function snapshotDir(dir: string): Promise<Snapshot> {
  const names = (await readdir(dir)).filter((n) => RULE_FILE.test(n)).sort();
  const out = new Map<string, string>();
  for (const name of names) {
    try {
      const st = await stat(path.join(dir, name), { bigint: true });
      if (st.isFile()) out.set(name, `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`);
    } catch {
      // removed between readdir and stat: not part of this snapshot
    }
  }
  return out;
}

export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  if (a.size !== b.size) return false;
  for (const [name, fp] of a) if (b.get(name) !== fp) return false;
  return true;
}

export type FileResults = ReadonlyMap<string, { readonly fingerprint: string; readonly result: FileCompilation }>;

/**
 * Check the snapshot's files, reusing `previous` results for unchanged files (their sources are
 * read again: results carry no source, so they cross threads cheaply), and share them out into
 * rule groups. Blocking for seconds on a large rule set: run it on the compile thread
 * (yara-compile-thread.ts), never on the event loop. A file changed between the snapshot and the
 * read is seen by the next snapshot and checked again then.
 */
export async function compileRuleFiles(dir: string, snapshot: Snapshot, previous: FileResults): Promise<{ files: FileResults; groups: RuleGroupPlan[] }> {
  const files = new Map<string, { fingerprint: string; result: FileCompilation }>();
  const compiled: CompiledFile[] = [];
  for (const [name, fingerprint] of snapshot) {
    const before = previous.get(name);
    let result: CompiledFile | FileCompilation;
    try {
      const bytes = await readFile(path.join(dir, name));
      if (before && before.fingerprint === fingerprint) {
        result = before.result;
        if (result.ok) compiled.push({ ...result, source: bytes.toString('utf8') });
      } else {
        result = compileFile(name, bytes);
        if (result.ok) compiled.push(result as CompiledFile);
      }
    } catch (err) {
      result = { ok: false, file: name, error: `cannot read rule file: ${(err as Error).message}` };
    }
    files.set(name, { fingerprint, result: withoutSource(result) });
  }
  return { files, groups: groupRuleFiles(compiled) };
}

function withoutSource(result: FileCompilation | CompiledFile): FileCompilation {
  if (!result.ok || !('source' in result)) return result;
  const { source: _source, ...rest } = result;
  return rest;
}

const COMPILE_THREAD_URL = new URL('./yara-compile-thread.mjs', import.meta.url);

/** compileRuleFiles on a thread of its own (started per reload, ended after): the loop stays free. */
function compileOffThread(dir: string, snapshot: Snapshot, previous: FileResults): Promise<{ files: FileResults; groups: RuleGroupPlan[] }> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(COMPILE_THREAD_URL, { workerData: { dir, snapshot, previous } });
    thread.once('message', (msg: { ok: true; files: FileResults; groups: RuleGroupPlan[] } | { ok: false; error: string }) => {
      if (msg.ok) resolve({ files: msg.files, groups: msg.groups });
      else reject(new Error(msg.error));
      void thread.terminate();
    });
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`YARA compile thread exited (code ${code})`)));
  });
}

/** The state of a snapshot: compiled off the event loop, unchanged files' results reused. */
export async function buildState(dir: string, snapshot: Snapshot, previous: RuleState): Promise<RuleState> {
  const { files, groups } = await compileOffThread(dir, snapshot, previous.files);
  const results = [...files.values()].map((f) => f.result);
  const ok = results.filter((r): r is Extract<FileCompilation, { ok: true }> => r.ok);
  return {
    snapshot,
    files,
    groups: groups.map(groupOf),
    loaded: ok.map((r) => r.file),
    errors: results.filter((r): r is Extract<FileCompilation, { ok: false }> => !r.ok).map(({ file, error }) => ({ file, error })),
  };
}
