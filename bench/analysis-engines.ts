// Scanning engines benchmark, on one generated corpus of mail-attachment-like files (text in
// English and Japanese, HTML, random binary, encrypted zips, shortcuts, ISO images; 16 KB–4 MB):
//
// - YARA: throughput (MB/s) of our YARA-X scanner (analysis/engines/yara.ts) vs the Debian
//   `yara` 4.x CLI, same rules (policies/yara, each file on its own namespace, precompiled once
//   with yarac) and same files, in the same run. Each side reads every file from disk; the CLI's
//   process start is part of its time, amortised over the whole corpus per run. Measured with
//   one thread each, then with all cores (ours: a scan pool of that many threads with that many
//   scans in flight, analysis/engines/yara-pool.ts; yara: its default threads). Target
//   ratio ours/yara >= 1.0. The two engines' matches are compared file by file.
// - ClamAV: time of our client (analysis/engines/clamav.ts) vs `clamdscan --stream`, both
//   streaming every corpus file under 1 MB (the usual attachment; clamd, not the client, is the
//   cost of big files) in turn to the same clamd (a private one started for the benchmark by
//   .ci/clamd/start.sh, scan cache off), one file after the other (ours over a kept-open clamd
//   session, clamdscan with a connection per file). Target ratio ours/clamdscan <= 1.2.
// Both sides of a comparison run in alternating order (timePair), so load from other work on
// the machine falls on both.
// Our side reads each file with readFileSync inside the timed loop: fs.promises.readFile costs
// about four times as much per file (thread-pool round trips per chunk; measured 20-25 ms vs
// 5-8 ms of CPU per pass over this corpus), a cost of this harness, not of the scanners, which
// take buffers (the pipeline has the bytes in memory); the CLIs read their files themselves.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { createYaraScanner } from '../analysis/engines/yara.ts';
import { createAvScanner } from '../analysis/engines/clamav.ts';
import { namespaceOf } from '../analysis/engines/yara-compile.ts';
import { RULE_FILE } from '../analysis/engines/yara-rules-dir.ts';
import { buildLnk, buildZip } from '../test/analysis/helpers/file-builders.ts';
import { startPrivateClamd } from '../test/analysis/helpers/engines-clamd.ts';

const run = promisify(execFile);
const RULES_DIR = fileURLToPath(new URL('../policies/yara/', import.meta.url));
const log = createLogger({ level: 'silent' });
const MB = 1024 * 1024;

export interface YaraRow {
  readonly threads: string;
  readonly oursMBps: number;
  readonly yaraMBps: number;
  readonly ratio: number;
}

export interface EnginesBenchResult {
  readonly corpus: { readonly files: number; readonly bytes: number };
  readonly yara: readonly YaraRow[] | { readonly skipped: string };
  readonly yaraSameMatches?: boolean;
  readonly clamav:
    { readonly oursMs: number; readonly clamdscanMs: number; readonly ratio: number; readonly sameVerdicts: boolean } | { readonly skipped: string };
}

async function hasTool(name: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
}

function text(bytes: number, seed: number): Buffer {
  const en = 'Dear colleague, please find the quarterly figures attached. The meeting moved to Thursday. ';
  const ja = 'いつもお世話になっております。会議資料を送付いたします。ご確認のほどよろしくお願いいたします。';
  const parts: string[] = [];
  let size = 0;
  for (let i = seed; size < bytes; i++) {
    const p = i % 7 === 0 ? ja : i % 13 === 0 ? `<a href="https://portal${i}.example/doc?id=${i}">link</a> ` : en;
    parts.push(p);
    size += Buffer.byteLength(p);
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** The corpus, written to `dir`; returns the total size. */
async function writeCorpus(dir: string): Promise<{ files: number; bytes: number }> {
  const files: [string, Buffer][] = [];
  for (let i = 0; i < 40; i++) files.push([`note-${i}.txt`, text(16 * 1024 + i * 1024, i)]);
  for (let i = 0; i < 10; i++) files.push([`page-${i}.html`, Buffer.concat([Buffer.from('<html><body>'), text(MB, i * 3), Buffer.from('</body></html>')])]);
  for (let i = 0; i < 20; i++) files.push([`blob-${i}.bin`, randomBytes(256 * 1024)]);
  for (let i = 0; i < 4; i++) files.push([`image-${i}.bin`, randomBytes(4 * MB)]);
  for (let i = 0; i < 5; i++)
    files.push([
      `ppap-${i}.zip`,
      await buildZip(
        [
          { name: `請求書-${i}.pdf.lnk`, content: buildLnk() },
          { name: 'data.bin', content: randomBytes(64 * 1024) },
        ],
        { password: 'infected', encryption: 'zipcrypto' },
      ),
    ]);
  for (let i = 0; i < 5; i++) files.push([`invoice-${i}.lnk`, buildLnk(`C:\\Windows\\System32\\cmd.exe /c start https://evil${i}.example/`)]);
  for (let i = 0; i < 5; i++) files.push([`lure-${i}.txt`, iconv.encode(`至急：見積書のご確認をお願いします (${i})\r\n`.repeat(200), 'Shift_JIS')]);
  for (const [name, content] of files) await writeFile(path.join(dir, name), content);
  return { files: files.length, bytes: files.reduce((n, [, c]) => n + c.length, 0) };
}

/**
 * Mean milliseconds per run of each side, measured in rotating order (each side in turn goes
 * first) until budgetMs has passed and each ran at least twice, after one warm-up run each;
 * rotation spreads the noise of a shared machine evenly over all sides.
 */
export async function timeSides(budgetMs: number, sides: readonly (() => Promise<void>)[]): Promise<number[]> {
  for (const side of sides) await side();
  const total = sides.map(() => 0);
  let rounds = 0;
  const started = performance.now();
  while (rounds < 2 || performance.now() - started < budgetMs) {
    for (let k = 0; k < sides.length; k++) {
      const i = (rounds + k) % sides.length;
      const t0 = performance.now();
      await sides[i]!();
      total[i]! += performance.now() - t0;
    }
    rounds++;
  }
  return total.map((t) => t / rounds);
}

/** timeSides for two: ours and theirs. */
export async function timePair(budgetMs: number, ours: () => Promise<void>, theirs: () => Promise<void>): Promise<{ oursMs: number; theirsMs: number }> {
  const [oursMs, theirsMs] = await timeSides(budgetMs, [ours, theirs]);
  return { oursMs: oursMs!, theirsMs: theirsMs! };
}

export async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function benchYara(
  dir: string,
  names: readonly string[],
  bytes: number,
  budgetMs: number,
  report: (line: string) => void,
): Promise<{ rows: YaraRow[]; same: boolean }> {
  const ruleFiles = (await readdir(RULES_DIR)).filter((f) => RULE_FILE.test(f)).sort();
  const compiled = path.join(dir, '..', 'rules.yarc');
  await run('yarac', ['-w', ...ruleFiles.map((f) => `${namespaceOf(f)}:${path.join(RULES_DIR, f)}`), compiled]);
  const scanner = await createYaraScanner({ rulesDir: RULES_DIR, log, threads: 1 });
  const cores = availableParallelism();
  const wide = await createYaraScanner({ rulesDir: RULES_DIR, log, threads: cores });
  try {
    const ours = new Map<string, string[]>();
    const yara = new Map<string, string[]>();
    for (const name of names) {
      const outcome = await scanner.scan(readFileSync(path.join(dir, name)));
      if (outcome.kind !== 'scanned') throw new Error(`${name} not scanned: ${outcome.reason}`);
      ours.set(name, outcome.matches.map((m) => `${m.namespace}:${m.rule}`).sort());
    }
    const { stdout } = await run('yara', ['-C', '-e', '-w', '-r', compiled, dir], { maxBuffer: 16 * MB });
    for (const line of stdout.split('\n').filter(Boolean)) {
      const [rule, file] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
      const key = path.basename(file);
      yara.set(key, [...(yara.get(key) ?? []), rule].sort());
    }
    const same = names.every((n) => JSON.stringify(ours.get(n) ?? []) === JSON.stringify(yara.get(n) ?? []));
    const matched = [...ours.values()].filter((m) => m.length > 0).length;
    report(`matches: ${matched} of ${names.length} files match a rule; same rules matched by both engines on every file: ${same ? 'yes' : 'NO'}`);

    const rows: YaraRow[] = [];
    for (const [label, width, pool, yaraThreads] of [
      ['1 thread', 1, scanner, ['-p', '1']],
      [`${cores} cores`, cores, wide, []],
    ] as const) {
      const { oursMs, theirsMs: yaraMs } = await timePair(
        budgetMs,
        () =>
          inParallel(names, width, async (name) => {
            const outcome = await pool.scan(readFileSync(path.join(dir, name)));
            if (outcome.kind !== 'scanned') throw new Error(`${name} not scanned: ${outcome.reason}`);
          }),
        async () => {
          await run('yara', ['-C', '-w', '-r', ...yaraThreads, compiled, dir], { maxBuffer: 16 * MB });
        },
      );
      const row = { threads: label, oursMBps: bytes / MB / (oursMs / 1000), yaraMBps: bytes / MB / (yaraMs / 1000), ratio: yaraMs / oursMs };
      rows.push(row);
      report(
        `${label.padEnd(9)}  ours (YARA-X) ${row.oursMBps.toFixed(1).padStart(7)} MB/s  yara 4 CLI ${row.yaraMBps.toFixed(1).padStart(7)} MB/s  ratio ${row.ratio.toFixed(2)}${row.ratio >= 1 ? '' : '  (below target 1.0)'}`,
      );
    }
    return { rows, same };
  } finally {
    await scanner.close();
    await wide.close();
    await rm(compiled, { force: true });
  }
}

async function benchClamav(dir: string, names: readonly string[], budgetMs: number, report: (line: string) => void): Promise<EnginesBenchResult['clamav']> {
  const clamdDir = await mkdtemp(path.join(tmpdir(), 'c4tap-bench-clamd-'));
  const clamd = await startPrivateClamd(clamdDir);
  try {
    const av = createAvScanner(loadConfig({ env: {}, overrides: { clamd: { socket: clamd.socket, timeoutMs: 60_000 } } }).clamd, log)!;
    const paths = names.map((n) => path.join(dir, n));
    const bytes = (await Promise.all(paths.map(async (p) => (await stat(p)).size))).reduce((a, b) => a + b, 0);
    report(`files under 1 MB (the usual attachment): ${names.length} files, ${(bytes / MB).toFixed(1)} MB`);
    const conf = path.join(clamdDir, 'clamd.conf');

    const oursVerdict = new Map<string, boolean>();
    for (const p of paths) oursVerdict.set(path.basename(p), (await av.scan(readFileSync(p))).kind === 'clean');
    const theirs = await run('clamdscan', ['--stream', '--no-summary', `--config-file=${conf}`, ...paths], { maxBuffer: 16 * MB }).catch(
      (err: { stdout?: string; code?: number }) => {
        if (err.code === 1 && err.stdout !== undefined) return { stdout: err.stdout }; // 1 = something found
        throw err;
      },
    );
    const theirVerdict = new Map(
      theirs.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => [path.basename(l.slice(0, l.lastIndexOf(':'))), l.endsWith(' OK')] as const),
    );
    const sameVerdicts = names.every((n) => oursVerdict.get(n) === theirVerdict.get(n));
    report(
      `verdicts: ${[...oursVerdict.values()].filter((c) => !c).length} of ${names.length} files not clean; same clean/not-clean verdicts as clamdscan on every file: ${sameVerdicts ? 'yes' : 'NO'}`,
    );

    const { oursMs, theirsMs: clamdscanMs } = await timePair(
      budgetMs,
      async () => {
        for (const p of paths) {
          const outcome = await av.scan(readFileSync(p));
          if (outcome.kind === 'not-scanned' && outcome.transient) throw new Error(`${p}: ${outcome.reason}`);
        }
      },
      async () => {
        await run('clamdscan', ['--stream', '--no-summary', `--config-file=${conf}`, ...paths], { maxBuffer: 16 * MB }).catch((err: { code?: number }) => {
          if (err.code !== 1) throw err;
        });
      },
    );
    const ratio = oursMs / clamdscanMs;
    report(
      `ours ${oursMs.toFixed(0).padStart(6)} ms  clamdscan --stream ${clamdscanMs.toFixed(0).padStart(6)} ms  ratio ${ratio.toFixed(2)}${ratio <= 1.2 ? '' : '  (above target 1.2)'}` +
        `  (per file: ours ${(oursMs / paths.length).toFixed(2)} ms, clamdscan ${(clamdscanMs / paths.length).toFixed(2)} ms)`,
    );
    await av.close?.();
    return { oursMs, clamdscanMs, ratio, sameVerdicts };
  } finally {
    await clamd.stop();
    await rm(clamdDir, { recursive: true, force: true });
  }
}

export async function benchAnalysisEngines(budgetMs: number, report: (line: string) => void): Promise<EnginesBenchResult> {
  const root = await mkdtemp(path.join(tmpdir(), 'c4tap-bench-engines-'));
  const dir = path.join(root, 'corpus');
  try {
    await mkdir(dir);
    const corpus = await writeCorpus(dir);
    const names = (await readdir(dir)).sort();
    report(`corpus: ${corpus.files} files, ${(corpus.bytes / MB).toFixed(1)} MB`);

    report('-- YARA: policies/yara on the corpus, MB/s (ours / yara CLI, target >= 1.0)');
    let yara: EnginesBenchResult['yara'];
    let yaraSameMatches: boolean | undefined;
    if ((await hasTool('yara')) && (await hasTool('yarac'))) {
      const r = await benchYara(dir, names, corpus.bytes, budgetMs, report);
      yara = r.rows;
      yaraSameMatches = r.same;
    } else {
      yara = { skipped: 'yara/yarac not found (Debian package yara)' };
      report(`skipped: ${yara.skipped}`);
    }

    report('-- ClamAV: the corpus streamed to clamd, ms per pass (ours / clamdscan --stream, target <= 1.2)');
    let clamav: EnginesBenchResult['clamav'];
    if ((await hasTool('clamdscan')) && ((await hasTool('clamd')) || (await hasTool('/usr/sbin/clamd')))) {
      const small: string[] = [];
      for (const n of names) if ((await stat(path.join(dir, n))).size < MB) small.push(n);
      clamav = await benchClamav(dir, small, budgetMs, report);
    } else {
      clamav = { skipped: 'clamd/clamdscan not found (Debian packages clamav-daemon, clamdscan)' };
      report(`skipped: ${clamav.skipped}`);
    }
    return { corpus, yara, ...(yaraSameMatches === undefined ? {} : { yaraSameMatches }), clamav };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
