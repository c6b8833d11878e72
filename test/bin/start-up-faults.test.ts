// `c4tap serve` refuses to start on a broken environment with one line that names the setting,
// where it was set and the path, and a non-zero exit: a data directory path that is a file, a
// read-only or full data directory (real tmpfs mounts; the suite runs as root, which chmod does not
// stop), and a missing policy file. Busy HTTP and SMTP ports: test/bin/cli-setup.test.ts.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, openSync, closeSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { REPO, runCli, tempDataDir, type CliResult, type TempDataDir } from '../helpers/cli.ts';
import { loadOrCreateSecrets } from '../../core/secrets.ts';

/** One line on stderr, exit code 2 (a setting to fix). */
function refusedWithOneLine(r: CliResult, pattern: RegExp): void {
  expect(r.status, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).to.equal(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(pattern);
  expect(r.stderr).not.to.match(/Unhandled 'error' event|^\s+at /m);
}

/** Mounts a tmpfs of `size` at `dir`; false (and the reason) when this machine does not let us. */
function mountTmpfs(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()}); needs root with CAP_SYS_ADMIN`;
}

function umount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
}

/** Fills the file system holding `dir` until a write fails with ENOSPC. */
function fill(dir: string): void {
  const fd = openSync(path.join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  // Small writes may still fit in the last partial block: take those too.
  const tail = openSync(path.join(dir, 'filler-tail'), 'w');
  try {
    for (;;) writeSync(tail, Buffer.alloc(512, 1));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(tail);
  }
}

describe('c4tap serve refuses a broken environment at start-up with one line', function () {
  this.timeout(180_000);
  let data: TempDataDir;
  let mounted: string | null;
  beforeEach(() => {
    data = tempDataDir();
    mounted = null;
  });
  afterEach(() => {
    if (mounted) umount(mounted);
    data.remove();
  });

  it('names dataDir, its source and the path when the data directory path is a regular file', () => {
    const file = path.join(data.dir, '..', 'not-a-directory');
    writeFileSync(file, 'x');
    const r = runCli(['serve'], { ...data.env, C4TAP_DATA_DIR: file });
    refusedWithOneLine(r, new RegExp(`^error \\[CONFIG_INVALID\\]: data directory ${file} is not a directory: dataDir \\(environment C4TAP_DATA_DIR\\)`));
  });

  it('names dataDir when the data directory is on a read-only file system (also for root)', function () {
    const dir = path.join(data.dir, '..', 'ro');
    const why = mountTmpfs(dir, '8m');
    if (why) {
      process.stderr.write(`      skipped: ${why}\n`);
      return this.skip();
    }
    mounted = dir;
    loadOrCreateSecrets(dir);
    expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).to.equal(0);
    const r = runCli(['serve'], { ...data.env, C4TAP_DATA_DIR: dir });
    refusedWithOneLine(
      r,
      new RegExp(
        `^error \\[CONFIG_INVALID\\]: data directory ${dir} is on a read-only file system \\(EROFS\\): dataDir \\(environment C4TAP_DATA_DIR\\); mount it read-write`,
      ),
    );
  });

  it('names dataDir when the disk of the data directory is full', function () {
    const dir = path.join(data.dir, '..', 'full');
    const why = mountTmpfs(dir, '2m');
    if (why) {
      process.stderr.write(`      skipped: ${why}\n`);
      return this.skip();
    }
    mounted = dir;
    loadOrCreateSecrets(dir);
    fill(dir);
    const r = runCli(['serve'], { ...data.env, C4TAP_DATA_DIR: dir });
    refusedWithOneLine(
      r,
      new RegExp(
        `^error \\[CONFIG_INVALID\\]: data directory ${dir} is full \\(no space left for a 4 KiB write\\) \\(ENOSPC\\): dataDir \\(environment C4TAP_DATA_DIR\\)`,
      ),
    );
  });

  it('names policiesDir, its source and the file when a policy file is missing', () => {
    const policies = path.join(data.dir, '..', 'policies');
    cpSync(path.join(REPO, 'policies'), policies, { recursive: true });
    const missing = path.join(policies, 'retention', 'retention.json');
    rmSync(missing);
    const r = runCli(['serve'], { ...data.env, C4TAP_POLICIES_DIR: policies });
    refusedWithOneLine(
      r,
      new RegExp(`^error \\[CONFIG_INVALID\\]: cannot read retention policy ${missing}: ENOENT.*; policiesDir \\(environment C4TAP_POLICIES_DIR\\)$`),
    );
  });
});
