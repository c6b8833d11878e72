// Doctor checks of the policies directory: the YARA rule files compile (with the analysis
// worker's own compile path, so the doctor and the worker cannot disagree), and the warning lists
// load (with the analysis's own loader) and hold entries.
import path from 'node:path';
import { buildState, EMPTY_STATE, snapshotDir } from '../../analysis/engines/yara-rules-dir.ts';
import { loadWarningLists, WARNING_LISTS_DIR } from '../../analysis/sanitize/warning-lists.ts';
import type { LoadedConfig } from '../../core/config.ts';
import type { CheckResult } from './checks.ts';

/**
 * Every rule file in <policiesDir>/yara compiles, through the worker's own path (buildState): on a
 * thread of its own, since compiling the shipped rules takes about half a second and the console's
 * diagnostics page runs this inside serve.
 */
export async function yaraRules(loaded: LoadedConfig): Promise<CheckResult[]> {
  const dir = path.join(loaded.config.policiesDir, 'yara');
  let snapshot: Awaited<ReturnType<typeof snapshotDir>>;
  try {
    snapshot = await snapshotDir(dir);
  } catch (err) {
    return [
      {
        name: 'YARA rules',
        status: 'warn',
        detail: `cannot read ${dir}: ${(err as Error).message}`,
        fix: 'create it with your .yar files (the installation ships policies/yara)',
      },
    ];
  }
  if (snapshot.size === 0)
    return [
      {
        name: 'YARA rules',
        status: 'warn',
        detail: `no .yar files in ${dir}: no sample is scanned with YARA`,
        fix: 'copy rule files there (the installation ships policies/yara)',
      },
    ];
  const state = await buildState(dir, snapshot, EMPTY_STATE);
  const failed: CheckResult[] = state.errors.map((e) => ({
    name: 'YARA rules',
    status: 'fail',
    detail: `${path.join(dir, e.file)} does not compile: ${e.error.split('\n')[0]}`,
    fix: 'correct the rule (the worker skips this file and loads the others)',
  }));
  const compiled = state.loaded.length;
  return [
    ...failed,
    ...(compiled ? [{ name: 'YARA rules', status: 'ok' as const, detail: `${compiled} of ${snapshot.size} rule files in ${dir} compile` }] : []),
  ];
}

/** The warning lists load and hold entries; none at all means nothing benign is held back from sharing. */
export function warningLists(loaded: LoadedConfig): CheckResult {
  const dir = path.join(loaded.config.policiesDir, WARNING_LISTS_DIR);
  try {
    const lists = loadWarningLists(loaded.config.policiesDir);
    const entries = lists.reduce((n, wl) => n + wl.list.length, 0);
    const misp = lists.filter((wl) => wl.format === 'misp').length;
    if (lists.length === 0 || entries === 0) {
      return {
        name: 'warning lists',
        status: 'fail',
        detail: `no warning list entries in ${dir}: cloud providers, mail providers and RFC ranges would be shared as indicators`,
        fix: "copy the installation's policies/warninglists there",
      };
    }
    return { name: 'warning lists', status: 'ok', detail: `${lists.length} lists (${misp} MISP), ${entries} entries in ${dir}` };
  } catch (err) {
    return {
      name: 'warning lists',
      status: 'fail',
      detail: (err as Error).message.split('\n')[0]!,
      fix: `correct or remove the file named; lists live in ${dir}`,
    };
  }
}
