// Loading a community-size YARA rule set (../shared/yara-community: signature-base, 728 files that
// compile) without blocking the event loop: the longest event-loop delay (perf_hooks
// monitorEventLoopDelay) while our scanner compiles the set on its compile thread and its scan
// threads compile the groups for a first scan (target <= 50 ms), beside the time the same
// compilation takes when run on the calling thread (how rules were loaded before issue 17: that
// is how long the loop was blocked).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../core/logger.ts';
import { createYaraScanner } from '../analysis/engines/yara.ts';
import { compileRuleFiles, snapshotDir } from '../analysis/engines/yara-rules-dir.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The archive of ../shared/yara-community (BENCH_YARA_COMMUNITY names another place). */
const ARCHIVE = process.env.BENCH_YARA_COMMUNITY ?? path.join(REPO, '..', 'shared', 'yara-community', 'signature-base-yara.tar.xz');

/** The community rules unpacked once into .tmp/yara-community (null when the archive is absent). */
export function communityRulesDir(): string | null {
  const into = path.join(REPO, '.tmp', 'yara-community');
  const dir = path.join(into, 'yara');
  if (existsSync(dir)) return dir;
  if (!existsSync(ARCHIVE)) return null;
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xJf', ARCHIVE, '-C', into]);
  return existsSync(dir) ? dir : null;
}

export async function benchYaraRuleLoading(out: (line: string) => void): Promise<void> {
  const dir = communityRulesDir();
  if (!dir) {
    out(`skipped: ${ARCHIVE} not found`);
    return;
  }
  const threads = availableParallelism();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const scanner = await createYaraScanner({ rulesDir: dir, log: createLogger({ level: 'silent' }), threads, timeoutMs: 600_000 });
  const loaded = performance.now();
  // One scan per thread, at once: every scan thread compiles the groups.
  const outcomes = await Promise.all(Array.from({ length: threads }, () => scanner.scan(Buffer.from('MZ this program cannot be run in DOS mode'))));
  const firstScans = performance.now();
  delay.disable();
  const status = scanner.status();
  await scanner.close();
  out(
    `rules: ${status.loaded.length} files loaded, ${status.errors.length} refused; compile thread ${((loaded - started) / 1000).toFixed(1)} s, then ${threads} scan threads compiling for their first scan ${((firstScans - loaded) / 1000).toFixed(1)} s (${outcomes.filter((o) => o.kind === 'scanned').length}/${threads} scanned)`,
  );
  out(`event loop delay while loading: max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms (target max <= 50 ms)`);
  const onLoop = performance.now();
  await compileRuleFiles(dir, await snapshotDir(dir), new Map());
  out(`the same compilation on the calling thread (rules as loaded before): ${((performance.now() - onLoop) / 1000).toFixed(1)} s of blocked event loop`);
}
