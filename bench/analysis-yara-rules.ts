// YARA with a community-size rule set (../shared/yara-community: signature-base, 728 files that
// compile), in one run:
// - Loading without blocking the event loop: the longest event-loop delay (perf_hooks
//   monitorEventLoopDelay, target <= 50 ms) while our scanner checks the set on its compile
//   thread and its scan threads build it; beside it, for the worst gap, how much of it the main
//   thread spent running and how much waiting for a CPU (/proc schedstat: on a loaded machine
//   a gap is often the scheduler, not our code).
// - Throughput on the real corpus (../shared/corpus, 500 mails) and the attachments of its mails,
//   as files: our scanner (analysis/engines/yara.ts, scan pool) vs the Debian `yara` 4 CLI with
//   the same files precompiled by yarac (each file its own namespace), at 1 thread and at all
//   cores, and the raw binding alone (compiled rules, scan() on this thread, no pool) at 1 thread:
//   what the engine itself can do. Target ours/yara >= 1.0 (floor 0.8 where raw/yara shows the
//   engine is the limit). Each side reads every file from disk in its timed loop.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compile, type YaraX } from '@litko/yara-x';
import { simpleParser } from 'mailparser';
import { createLogger } from '../core/logger.ts';
import { createYaraScanner } from '../analysis/engines/yara.ts';
import { COMPILER_OPTIONS, namespaceOf, sourceText } from '../analysis/engines/yara-compile.ts';
import { compileRuleFiles, snapshotDir } from '../analysis/engines/yara-rules-dir.ts';
import { inParallel, timeSides } from './analysis-engines.ts';
import { newWorkDir, unpackCorpus } from './quality/corpus.ts';

const run = promisify(execFile);
const MB = 1024 * 1024;

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

/** Run time and run-queue wait of the main thread so far, in ms (Linux schedstat). */
function mainThreadSched(): { run: number; wait: number } {
  const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
  return { run: run! / 1e6, wait: wait! / 1e6 };
}

/** Event-loop delay while something runs, and what the main thread did during the worst gap. */
function watchLoop(): () => { maxMs: number; p99Ms: number; worst: { gapMs: number; runMs: number; waitMs: number } } {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let last = performance.now();
  let lastSched = mainThreadSched();
  let worst = { gapMs: 0, runMs: 0, waitMs: 0 };
  const tick = setInterval(() => {
    const now = performance.now();
    const sched = mainThreadSched();
    if (now - last > worst.gapMs) worst = { gapMs: now - last, runMs: sched.run - lastSched.run, waitMs: sched.wait - lastSched.wait };
    last = now;
    lastSched = sched;
  }, 5);
  return () => {
    clearInterval(tick);
    delay.disable();
    return { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, worst };
  };
}

/** The corpus mails and the attachments of each, written as files into `dir`. */
async function writeMailsAndAttachments(dir: string, work: string): Promise<{ mails: number; attachments: number; bytes: number }> {
  const corpus = unpackCorpus(work, 500);
  let attachments = 0;
  let bytes = 0;
  for (const mail of corpus.mails) {
    writeFileSync(path.join(dir, mail.name), mail.raw);
    bytes += mail.raw.length;
    const parsed = await simpleParser(mail.raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
    for (const [i, a] of parsed.attachments.entries()) {
      writeFileSync(path.join(dir, `${mail.name}.${i}.bin`), a.content);
      bytes += a.content.length;
      attachments++;
    }
  }
  rmSync(corpus.dir, { recursive: true, force: true });
  return { mails: corpus.mails.length, attachments, bytes };
}

/** `yara -e` output (namespace:rule path) → file name → sorted rules. */
function yaraMatches(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const rule = line.slice(0, line.indexOf(' '));
    const file = path.basename(line.slice(line.indexOf(' ') + 1));
    out.set(file, [...(out.get(file) ?? []), rule].sort());
  }
  return out;
}

export async function benchYaraRuleLoading(out: (line: string) => void): Promise<void> {
  const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 2500);
  const dir = communityRulesDir();
  if (!dir) {
    out(`skipped: ${ARCHIVE} not found`);
    return;
  }
  const threads = availableParallelism();
  out(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  // 1. Loading, with the event loop watched.
  const stop = watchLoop();
  const started = performance.now();
  const scanner = await createYaraScanner({ rulesDir: dir, log: createLogger({ level: 'silent' }), threads, timeoutMs: 600_000 });
  const loadedAt = performance.now();
  const loop = stop();
  const status = scanner.status();
  out(
    `rules: ${status.loaded.length} files loaded, ${status.errors.length} refused; checked on the compile thread and built by ${threads} scan threads in ${((loadedAt - started) / 1000).toFixed(1)} s`,
  );
  out(
    `event loop delay while loading: max ${loop.maxMs.toFixed(1)} ms, p99 ${loop.p99Ms.toFixed(1)} ms (target max <= 50 ms); worst gap ${loop.worst.gapMs.toFixed(0)} ms, of which the main thread ran ${loop.worst.runMs.toFixed(1)} ms and waited for a CPU ${loop.worst.waitMs.toFixed(1)} ms`,
  );

  const work = newWorkDir();
  try {
    // 2. The raw binding: the same check and build on this thread (what loading used to block), then scan().
    const onLoop = performance.now();
    const { groups } = await compileRuleFiles(dir, await snapshotDir(dir), new Map());
    const checked = performance.now();
    const raw: YaraX[] = groups.map((g) => compile(sourceText(g.source), COMPILER_OPTIONS) as YaraX);
    for (const r of raw) r.setMaxMatchesPerPattern(10_000);
    out(
      `on the calling thread instead: checking ${((checked - onLoop) / 1000).toFixed(1)} s, building the ${groups.length} rule set(s) ${((performance.now() - checked) / 1000).toFixed(1)} s of blocked event loop`,
    );
    const yarac = path.join(work, 'community.yarc');
    const yaracStarted = performance.now();
    await run('yarac', ['-w', ...status.loaded.map((f) => `${namespaceOf(f)}:${path.join(dir, f)}`), yarac], { maxBuffer: 16 * MB });
    out(`yarac (yara 4) compiling the same ${status.loaded.length} files: ${((performance.now() - yaracStarted) / 1000).toFixed(1)} s`);

    // 3. Throughput on the corpus.
    const files = path.join(work, 'files');
    mkdirSync(files);
    const corpus = await writeMailsAndAttachments(files, work);
    const names = execFileSync('ls', [files], { encoding: 'utf8' }).split('\n').filter(Boolean);
    out(`corpus: ${corpus.mails} mails and ${corpus.attachments} attachments, ${(corpus.bytes / MB).toFixed(1)} MB`);

    const ours = new Map<string, string[]>();
    for (const name of names) {
      const o = await scanner.scan(readFileSync(path.join(files, name)));
      if (o.kind !== 'scanned') throw new Error(`${name} not scanned: ${o.reason}`);
      ours.set(name, o.matches.map((m) => `${m.namespace}:${m.rule}`).sort());
    }
    const theirs = yaraMatches((await run('yara', ['-C', '-e', '-w', '-r', yarac, files], { maxBuffer: 64 * MB })).stdout);
    const differ = names.filter((n) => JSON.stringify(ours.get(n) ?? []) !== JSON.stringify(theirs.get(n) ?? []));
    out(
      `matches: ours on ${[...ours.values()].filter((m) => m.length).length} files, yara 4 on ${[...theirs.values()].filter((m) => m.length).length}; files where the two engines' rule lists differ: ${differ.length}${differ.length ? ` (e.g. ${differ.slice(0, 3).join(', ')})` : ''}`,
    );

    const scanAll = (width: number) => () =>
      inParallel(names, width, async (name) => {
        const o = await scanner.scan(readFileSync(path.join(files, name)));
        if (o.kind !== 'scanned') throw new Error(`${name} not scanned: ${o.reason}`);
      });
    const rawAll = async () => {
      for (const name of names) {
        const data = readFileSync(path.join(files, name));
        for (const r of raw) r.scan(data);
      }
    };
    const cli = (p: number) => async () => {
      await run('yara', ['-C', '-w', '-r', '-p', String(p), yarac, files], { maxBuffer: 64 * MB });
    };
    const mbps = (ms: number) => (corpus.bytes / MB / (ms / 1000)).toFixed(1).padStart(6);
    const [oursOne, rawOne, yaraOne] = await timeSides(budgetMs, [scanAll(1), rawAll, cli(1)]);
    out(
      `1 thread   ours ${mbps(oursOne!)} MB/s  raw binding alone ${mbps(rawOne!)} MB/s  yara 4 CLI ${mbps(yaraOne!)} MB/s  ratio ours/yara ${(yaraOne! / oursOne!).toFixed(2)}  raw/yara ${(yaraOne! / rawOne!).toFixed(2)}  (load ${loadavg()[0]!.toFixed(1)})`,
    );
    const [oursAll, yaraAll] = await timeSides(budgetMs, [scanAll(threads), cli(threads)]);
    out(
      `${`${threads} threads`.padEnd(9)}  ours ${mbps(oursAll!)} MB/s  yara 4 CLI -p ${threads} ${mbps(yaraAll!)} MB/s  ratio ours/yara ${(yaraAll! / oursAll!).toFixed(2)}  (target >= 1.0, floor 0.8 if raw/yara is below 1; load ${loadavg()[0]!.toFixed(1)})`,
    );
  } finally {
    await scanner.close();
    rmSync(work, { recursive: true, force: true });
  }
}
