// YARA-X scanner over the rule files of one directory (policies/yara/*.yar).
//
// - Each file compiles on its own; one that does not is listed with its error in status() and
//   the others load. A match records rule, namespace (the file name without extension), tags
//   and meta.
// - Rules are compiled once and reloaded without restart: before a scan, at most every
//   checkIntervalMs, the directory is stat'ed and changed files recompiled (see yara-rules-dir.ts
//   for why not fs.watch). A failed reload keeps the rules that were loaded.
// - Never "scanned" on doubt: an engine error, the deadline, a pattern reaching
//   maxMatchesPerPattern ("too many matches"; YARA-X silently stops counting there, and the
//   binding shows the matches of matching rules only, so that is where it is detected), an
//   input over maxBytes or no rules loaded give { kind: 'not-scanned', reason }.
// - Scans run on a pool of worker threads (yara-pool.ts), `threads` of them (default: one per
//   core), so scans in flight use every core; threads: 0 scans through the binding's scanAsync
//   instead (libuv's pool, one scan at a time). Both give the same outcome for the same input.
// - Rules are checked on a thread of their own (yara-rules-dir.ts), never on the event loop: a
//   community rule set takes seconds. Each scan thread compiles the group sources once, before
//   the scanner is returned (the binding cannot pass compiled rules between threads; the sources
//   reach the threads as shared memory, not copies); threads: 0 compiles them on first use, on
//   this thread.
//
// The binding (0.3.0) cannot stop a running scan: at the deadline the result is not-scanned,
// and the scan finishes in the background on its thread. YARA-X's regexp engine does not
// backtrack, and maxBytes bounds the input, so such a scan still ends.
import { availableParallelism } from 'node:os';
import type { RuleMatch } from '@litko/yara-x';
import type { Logger } from '../../core/logger.ts';
import type { YaraMatch, YaraOutcome, YaraScanner } from '../types.ts';
import { settleWithin } from './deadline.ts';
import { compiledRulesOf, type RuleGroup } from './yara-compile.ts';
import { createScanPool, type ScanPool } from './yara-pool.ts';
import { buildState, EMPTY_STATE, sameSnapshot, snapshotDir, type RuleState } from './yara-rules-dir.ts';

export interface YaraScannerOptions {
  readonly rulesDir: string;
  readonly log: Logger;
  /** Absolute deadline of one scan, in milliseconds. */
  readonly timeoutMs?: number;
  /** A pattern that matches this often makes the scan not-scanned ("too many matches"). */
  readonly maxMatchesPerPattern?: number;
  /** Larger inputs are not scanned. */
  readonly maxBytes?: number;
  /** Shortest time between two checks of the rules directory; 0 checks before every scan. */
  readonly checkIntervalMs?: number;
  /** Scan threads (worker threads, started on demand); 0 scans through the binding's scanAsync. Default: one per core. */
  readonly threads?: number;
  readonly now?: () => number;
}

export const YARA_DEFAULTS = {
  timeoutMs: 10_000,
  maxMatchesPerPattern: 10_000,
  maxBytes: 128 * 1024 * 1024,
  checkIntervalMs: 2_000,
} as const;

export async function createYaraScanner(options: YaraScannerOptions): Promise<YaraScanner> {
  const { rulesDir, log } = options;
  const timeoutMs = options.timeoutMs ?? YARA_DEFAULTS.timeoutMs;
  const maxMatches = options.maxMatchesPerPattern ?? YARA_DEFAULTS.maxMatchesPerPattern;
  const maxBytes = options.maxBytes ?? YARA_DEFAULTS.maxBytes;
  const interval = options.checkIntervalMs ?? YARA_DEFAULTS.checkIntervalMs;
  const now = options.now ?? Date.now;
  const threads = options.threads ?? availableParallelism();
  const pool: ScanPool | null = threads > 0 ? createScanPool({ threads, maxMatchesPerPattern: maxMatches, log }) : null;

  let state: RuleState = EMPTY_STATE;
  let dirError: string | null = null;
  let lastCheck = -Infinity;
  let checking: Promise<void> | null = null;
  let closed = false;

  async function reload(): Promise<void> {
    try {
      const snapshot = await snapshotDir(rulesDir);
      if (dirError === null && state !== EMPTY_STATE && sameSnapshot(snapshot, state.snapshot)) return;
      const before = state;
      state = await buildState(rulesDir, snapshot, state);
      dirError = null;
      logChanges(log, before, state);
    } catch (err) {
      const message = `cannot read rules directory ${rulesDir}: ${(err as Error).message}`;
      if (dirError !== message)
        log.error({ event: 'yara.rules_dir_unreadable', rulesDir, err: (err as Error).message }, 'YARA rules directory unreadable; keeping the rules loaded');
      dirError = message;
    }
  }

  function refresh(): Promise<void> {
    if (checking) return checking;
    if (now() - lastCheck < interval) return Promise.resolve();
    checking = reload().finally(() => {
      lastCheck = now();
      checking = null;
    });
    return checking;
  }

  await refresh();
  // Every scan thread compiles the rules now, off the loop, so the first scans do not spend their deadline waiting for it.
  if (pool && state.groups.length > 0) await pool.prepare(state.groups);

  return {
    async scan(content: Buffer): Promise<YaraOutcome> {
      if (closed) return notScanned('YARA scanner is closed');
      if (content.length > maxBytes) return notScanned(`input of ${content.length} bytes is over the YARA limit of ${maxBytes} bytes`);
      // The deadline covers the rules check too: a hung rules directory (NFS) must not hang scans.
      const deadline = new AbortController();
      return settleWithin(
        async () => {
          await refresh();
          const { groups, errors } = state;
          if (groups.length === 0) {
            const failed = errors.length ? ` (${errors.length} rule file(s) failed to compile)` : '';
            return notScanned(`no YARA rules loaded${failed}`);
          }
          const hits = pool
            ? await pool.scan(groups, content, deadline.signal)
            : await Promise.all(groups.map((g) => compiledRulesOf(g, maxMatches).scanAsync(content)));
          return outcomeOf(groups, hits, maxMatches);
        },
        {
          ms: timeoutMs,
          onTimeout: () => {
            deadline.abort();
            log.warn({ event: 'yara.scan_timeout', timeoutMs, bytes: content.length }, 'YARA scan hit its deadline');
            return notScanned(`YARA scan did not finish within ${timeoutMs} ms`);
          },
          onError: (err) => {
            log.warn({ event: 'yara.scan_failed', err: (err as Error)?.message ?? String(err) }, 'YARA scan failed');
            return notScanned(`YARA engine error: ${(err as Error)?.message ?? String(err)}`);
          },
        },
      );
    },
    status() {
      const errors = dirError ? [{ file: rulesDir, error: dirError }, ...state.errors] : state.errors;
      return { loaded: state.loaded, errors };
    },
    async close() {
      closed = true;
      await checking;
      await pool?.close();
    },
  };
}

function notScanned(reason: string): YaraOutcome {
  return { kind: 'not-scanned', reason };
}

/** The outcome from each group's hits (`hits[i]` from `groups[i]`), wherever the scan ran. */
function outcomeOf(groups: readonly RuleGroup[], hits: readonly (readonly RuleMatch[])[], maxMatches: number): YaraOutcome {
  if (hits.length !== groups.length) throw new Error(`scan returned ${hits.length} result lists for ${groups.length} rule sets`);
  const matches: YaraMatch[] = [];
  for (const [i, g] of groups.entries()) {
    for (const hit of hits[i]!) {
      const namespace = g.namespaceOf(hit.ruleIdentifier);
      const flooded = floodedPattern(hit, maxMatches);
      if (flooded) {
        return notScanned(`too many matches: pattern ${flooded} of rule ${namespace}.${hit.ruleIdentifier} reached ${maxMatches}`);
      }
      matches.push({ rule: hit.ruleIdentifier, namespace, tags: [...hit.tags], meta: plainMeta(hit.meta) });
    }
  }
  matches.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.rule.localeCompare(b.rule));
  return { kind: 'scanned', matches };
}

/** The identifier of a pattern that hit the per-pattern match limit (its later matches were dropped). */
function floodedPattern(hit: RuleMatch, maxMatches: number): string | null {
  const counts = new Map<string, number>();
  for (const m of hit.matches) {
    const n = (counts.get(m.identifier) ?? 0) + 1;
    if (n >= maxMatches) return m.identifier;
    counts.set(m.identifier, n);
  }
  return null;
}

function plainMeta(meta: object): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(meta)) {
    out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
  }
  return out;
}

function logChanges(log: Logger, before: RuleState, after: RuleState): void {
  for (const e of after.errors) {
    const was = before.errors.find((b) => b.file === e.file);
    if (!was || was.error !== e.error)
      log.error({ event: 'yara.rules_invalid', file: e.file, error: e.error }, 'YARA rule file does not compile; the other files still load');
  }
  for (const [file, f] of after.files) {
    if (f.result.ok && before.files.get(file) !== f) {
      for (const w of f.result.warnings) log.debug({ event: 'yara.rules_warning', file, warning: w }, 'YARA compiler warning');
    }
  }
  log.info({ event: 'yara.rules_loaded', loaded: after.loaded, failed: after.errors.map((e) => e.file), ruleSets: after.groups.length }, 'YARA rules loaded');
}
