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
import { compileFile, groupRuleFiles, type FileCompilation, type RuleGroup } from './yara-compile.ts';

export const RULE_FILE = /\.yara?$/i;

/** File name → fingerprint (device, inode, size, mtime and ctime in nanoseconds). */
export type Snapshot = ReadonlyMap<string, string>;

export interface RuleState {
  readonly snapshot: Snapshot;
  readonly files: ReadonlyMap<string, { readonly fingerprint: string; readonly result: FileCompilation }>;
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

/** Compile the snapshot's files, reusing the previous state's results for unchanged files. */
export async function buildState(dir: string, snapshot: Snapshot, previous: RuleState, maxMatchesPerPattern: number): Promise<RuleState> {
  const files = new Map<string, { fingerprint: string; result: FileCompilation }>();
  for (const [name, fingerprint] of snapshot) {
    const before = previous.files.get(name);
    if (before && before.fingerprint === fingerprint) {
      files.set(name, before);
      continue;
    }
    let result: FileCompilation;
    try {
      result = compileFile(name, await readFile(path.join(dir, name)));
    } catch (err) {
      result = { ok: false, file: name, error: `cannot read rule file: ${(err as Error).message}` };
    }
    files.set(name, { fingerprint, result });
  }
  const results = [...files.values()].map((f) => f.result);
  const ok = results.filter((r): r is Extract<FileCompilation, { ok: true }> => r.ok);
  const groups = groupRuleFiles(ok);
  for (const g of groups) g.rules.setMaxMatchesPerPattern(maxMatchesPerPattern);
  return {
    snapshot,
    files,
    groups,
    loaded: ok.map((r) => r.file),
    errors: results.filter((r): r is Extract<FileCompilation, { ok: false }> => !r.ok).map(({ file, error }) => ({ file, error })),
  };
}
