// `c4tap serve` refuses to start on a broken environment with one line that names the setting,
// where it was set and the path, and a non-zero exit: a data directory path that is a file, a
// read-only or full data directory (real tmpfs mounts; the suite runs as root, which chmod does not
// stop), a busy HTTP or SMTP port (no unhandled 'error' event), and a missing policy file.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, openSync, closeSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';
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

function busyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((s) => s.destroy());
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
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
    if (why) return this.skip();
    mounted = dir;
    loadOrCreateSecrets(dir);
    expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).to.equal(0);
    const r = runCli(['serve'], { ...data.env, C4TAP_DATA_DIR: dir });
    refusedWithOneLine(r, new RegExp(`^error \\[CONFIG_INVALID\\]: data directory ${dir} is on a read-only file system \\(EROFS\\): dataDir \\(environment C4TAP_DATA_DIR\\); mount it read-write`));
  });

  it('names dataDir when the disk of the data directory is full', function () {
    const dir = path.join(data.dir, '..', 'full');
    const why = mountTmpfs(dir, '2m');
    if (why) return this.skip();
    mounted = dir;
    loadOrCreateSecrets(dir);
    fill(dir);
    const r = runCli(['serve'], { ...data.env, C4TAP_DATA_DIR: dir });
    refusedWithOneLine(r, new RegExp(`^error \\[CONFIG_INVALID\\]: data directory ${dir} is full \\(no space left for a 4 KiB write\\) \\(ENOSPC\\): dataDir \\(environment C4TAP_DATA_DIR\\)`));
  });

  for (const [role, env] of [['HTTP', 'C4TAP_HTTP_PORT'], ['SMTP', 'C4TAP_SMTP_PORT']] as const) {
    it(`names ${role.toLowerCase()}.port when the ${role} port is taken by another process`, async () => {
      const busy = await busyPort();
      try {
        const r = runCli(['serve'], { ...data.env, [env]: String(busy.port) });
        refusedWithOneLine(r, new RegExp(`^error \\[CONFIG_INVALID\\]: cannot listen on 127\\.0\\.0\\.1:${busy.port} for ${role}: address already in use .*; ${role.toLowerCase()}\\.port \\(environment ${env}\\)$`));
      } finally {
        await busy.close();
      }
    });
  }

  it('names policiesDir, its source and the file when a policy file is missing', () => {
    const policies = path.join(data.dir, '..', 'policies');
    cpSync(path.join(REPO, 'policies'), policies, { recursive: true });
    const missing = path.join(policies, 'retention', 'retention.json');
    rmSync(missing);
    const r = runCli(['serve'], { ...data.env, C4TAP_POLICIES_DIR: policies });
    refusedWithOneLine(r, new RegExp(`^error \\[CONFIG_INVALID\\]: cannot read retention policy ${missing}: ENOENT.*; policiesDir \\(environment C4TAP_POLICIES_DIR\\)$`));
  });
});
