// `GET /api/v1/health` of a running `c4tap serve` says degraded, with HTTP 503 and the reasons,
// while its data directory is read-only or its disk is full (real tmpfs mounts; the suite runs as
// root), and ok again once the fault is gone — without a restart.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { startServe, tempDataDir, type ServeProcess, type TempDataDir } from '../helpers/cli.ts';
import { loadOrCreateSecrets } from '../../core/secrets.ts';

interface Health {
  readonly httpStatus: number;
  readonly body: { status: string; reasons: string[] };
}

async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/api/v1/health`);
  return { httpStatus: res.status, body: (await res.json()) as Health['body'] };
}

/** Polls until the health answer has this status (the probe result is cached for 5 s). */
async function healthBecomes(url: string, status: 'ok' | 'degraded', timeoutMs = 90_000): Promise<Health> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const h = await health(url);
    if (h.body.status === status) return h;
    if (Date.now() > until) throw new Error(`health stayed ${JSON.stringify(h)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('health endpoint of a running server under disk faults', function () {
  this.timeout(300_000);
  let data: TempDataDir;
  let dir: string;
  let serve: ServeProcess | null = null;
  let mounted = false;
  before(function () {
    data = tempDataDir();
    dir = path.join(data.dir, '..', 'mounted');
    mkdirSync(dir, { mode: 0o700 });
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
    if (r.status !== 0) {
      // Mounting needs root with CAP_SYS_ADMIN; without it there is no real read-only or full disk to show.
      process.stderr.write(`      skipped: cannot mount a tmpfs here (${r.stderr.trim()}); needs root with CAP_SYS_ADMIN\n`);
      data.remove();
      return this.skip();
    }
    mounted = true;
    loadOrCreateSecrets(dir);
  });
  after(() => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    if (mounted) spawnSync('umount', ['-l', dir]);
    data?.remove();
  });

  it('answers 503 degraded naming the read-only data directory, then the full disk, and 200 ok once each is fixed', async () => {
    // smtp.minFreeBytes 8 MiB: the point where SMTP answers 452 and health says "disk full".
    serve = startServe({ ...data.env, C4TAP_DATA_DIR: dir, C4TAP_SMTP_MIN_FREE_BYTES: String(8 * 1024 * 1024) });
    const [, url] = await serve.waitFor(/HTTP\s+(http:\/\/\S+)/, 120_000);
    const first = await health(url!);
    expect(first.httpStatus, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.deep.include({ status: 'ok', reasons: [] });

    // A running server holds its database open for writing, so the kernel refuses to remount that
    // file system read-only (EBUSY); a read-only file system mounted over the data directory makes
    // every new write there fail with EROFS all the same.
    const ro = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { encoding: 'utf8' });
    expect(ro.status, ro.stderr).to.equal(0);
    let overmounted = true;
    try {
      const readOnly = await healthBecomes(url!, 'degraded');
      expect(readOnly.httpStatus).to.equal(503);
      expect(readOnly.body.reasons).to.include(`data directory ${dir} is on a read-only file system (EROFS)`);
      expect(spawnSync('umount', [dir]).status).to.equal(0);
      overmounted = false;
    } finally {
      if (overmounted) spawnSync('umount', ['-l', dir]);
    }
    expect((await healthBecomes(url!, 'ok')).httpStatus).to.equal(200);

    // Leave less than smtp.minFreeBytes, then nothing at all.
    const filler = path.join(dir, 'filler');
    const fd = openSync(filler, 'w');
    try {
      for (;;) writeSync(fd, Buffer.alloc(256 * 1024, 1));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    } finally {
      closeSync(fd);
    }
    const full = await healthBecomes(url!, 'degraded');
    expect(full.httpStatus).to.equal(503);
    expect(full.body.reasons.join('\n')).to.match(/^disk full: 0\.\d MiB free for the data directory or vault, below smtp\.minFreeBytes 8 MiB/m);
    rmSync(filler);
    expect((await healthBecomes(url!, 'ok')).httpStatus).to.equal(200);
    expect(serve.child.exitCode).to.equal(null);
    serve.child.kill('SIGTERM');
    expect(await serve.exited()).to.equal(0);
  });
});
