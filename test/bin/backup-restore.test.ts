// `c4tap backup` taken while `c4tap serve` runs, restored with `c4tap restore` onto a fresh data
// directory on which a new `serve` answers the API exactly as before: the same indicators, the same
// submissions, the same STIX bundle for a reader whose token was issued before the backup (the
// secrets came along), and a sample blob that still decrypts. A backup with one flipped byte is
// refused before anything is written.
import { expect } from 'chai';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { loadOrCreateSecrets } from '../../core/secrets.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import { createFsBackend } from '../../quarantine/fs-backend.ts';
import { openVault, sqliteFile, vaultRoot } from '../../bin/context.ts';
import { sha256Of } from '../../bin/backup/manifest.ts';
import { runCli, startServe, tempDataDir, type ServeProcess, type TempDataDir } from '../helpers/cli.ts';
import { buildForward, SAMPLE_ATTACHMENTS } from '../ingest/helpers/forwards.ts';

const DROP = 'report@c4tap.example';
const SENDER = 'soc@rail.example';
const STIX = 'application/stix+json;version=2.1';
const mode = (file: string) => statSync(file).mode & 0o777;

function ok(r: { status: number | null; stdout: string; stderr: string }): string {
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout;
}

async function api(url: string, token: string, init: RequestInit & { accept?: string } = {}): Promise<unknown> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, accept: init.accept ?? 'application/json', 'content-type': 'application/json' },
  });
  const text = await res.text();
  expect(res.status, `${url}: ${text}`).to.equal(200);
  return JSON.parse(text) as unknown;
}

/** The answers compared before the backup and after the restore (STIX bundle ids are new each time). */
async function answers(base: string, reader: string, analyst: string): Promise<Record<string, unknown>> {
  const bundle = (await api(`${base}/api/v1/indicators?since=0`, reader, { accept: STIX })) as { id: string; objects: unknown[] };
  return {
    indicators: await api(`${base}/api/v1/indicators?since=0&limit=1000`, reader),
    submissions: await api(`${base}/api/v1/submissions`, analyst),
    ownSubmissions: await api(`${base}/api/v1/submissions`, reader),
    stixObjects: bundle.objects,
  };
}

describe('c4tap backup and restore (online backup while serve runs, SMTP via nodemailer)', function () {
  this.timeout(300_000);
  let data: TempDataDir;
  let restoredDir: string;
  let backupDir: string;
  const running: ServeProcess[] = [];
  let original: Record<string, unknown>;
  let reader: string;
  let analyst: string;
  let submissionId: string;

  const serve = (env: NodeJS.ProcessEnv) => {
    const s = startServe(env);
    running.push(s);
    return s;
  };
  const stop = async (s: ServeProcess) => {
    s.child.kill('SIGTERM');
    expect(await s.exited()).to.equal(0);
  };

  before(async function () {
    // No submitter notices: their delivery updates the submission after the approval, at a moment
    // the test cannot know, and the answers compared must be those of the backup's moment.
    const env = { C4TAP_SMTP_GREETING_DELAY_MS: '0', C4TAP_SMTP_MIN_FREE_BYTES: '0', C4TAP_WORKER_POLL_MS: '250', C4TAP_MAIL_SUBMITTER_NOTIFICATIONS: 'false' };
    data = tempDataDir(env, { initialise: false });
    backupDir = path.join(data.dir, '..', 'backup');
    restoredDir = path.join(data.dir, '..', 'restored');
    ok(runCli(['init'], data.env));
    ok(
      runCli(
        [
          'org',
          'add',
          '--name',
          'Example Rail',
          '--tier',
          'participant',
          '--sector',
          'rail',
          '--domain',
          'rail.example',
          '--contact',
          'SOC;email=soc@rail.example;phone=+81-3-0000-0000',
          '--rules-accepted',
        ],
        data.env,
      ),
    );
    const sub = ok(runCli(['principal', 'add', '--org', 'Example Rail', '--name', 'rail-soc', '--email', SENDER, '--roles', 'submitter,reader'], data.env));
    const secret = /password (\S+)/.exec(sub)![1]!;
    ok(runCli(['principal', 'add', '--org', 'C4TAP Secretariat', '--name', 'hanako', '--email', 'hanako@c4tap.example', '--roles', 'analyst'], data.env));
    reader = /token \(shown once\): (\S+)/.exec(ok(runCli(['token', 'issue', '--principal', 'rail-soc'], data.env)))![1]!;
    analyst = /token \(shown once\): (\S+)/.exec(ok(runCli(['token', 'issue', '--principal', 'hanako'], data.env)))![1]!;

    const first = serve(data.env);
    const [, port] = await first.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/, 60_000);
    const [, base] = await first.waitFor(/HTTP\s+(http:\/\/\S+)/, 60_000);
    const { forward } = await buildForward({
      attachment: SAMPLE_ATTACHMENTS.docm,
      note: 'C4TAP-Class: network=GREEN\nPlease see http://invoices-secure.example/pay/4411 too.',
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: Number(port),
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: 'rail-soc', pass: secret },
    });
    try {
      const info = await transport.sendMail({ envelope: { from: SENDER, to: [DROP] }, raw: forward });
      expect(info.accepted).to.deep.equal([DROP]);
      submissionId = /\b(sub_\S+)/.exec(info.response)![1]!;
    } finally {
      transport.close();
    }
    for (let tries = 0; ; tries++) {
      const s = (await api(`${base}/api/v1/submissions/${submissionId}`, analyst)) as { status: string };
      if (s.status === 'awaiting-triage') break;
      if (tries > 600) throw new Error(`analysis did not finish: ${s.status}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await api(`${base}/api/v1/submissions/${submissionId}/approve`, analyst, { method: 'POST', body: '{}' });
    original = await answers(base!, reader, analyst);
    expect((original.indicators as { items: unknown[] }).items, 'the approval published indicators').to.not.be.empty;

    // The backup is taken while serve (SMTP, API, worker) keeps running.
    const backup = runCli(['backup', backupDir], data.env);
    expect(backup.status, backup.stderr).to.equal(0);
    expect(backup.stdout).to.match(/^verified: integrity_check ok, counts equal, \d+ files/m);
    await stop(first);

    const restore = runCli(['restore', backupDir], { ...data.env, C4TAP_DATA_DIR: restoredDir });
    expect(restore.status, restore.stderr).to.equal(0);
    expect(restore.stdout).to.match(/blobs decrypt with the restored keys/);
  });

  after(async () => {
    for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(running.map((s) => s.exited()));
    data?.remove();
  });

  it('restores with owner-only modes: data directory 0700, secrets and database 0600', function () {
    expect(mode(restoredDir)).to.equal(0o700);
    expect(mode(path.join(restoredDir, 'secrets.json'))).to.equal(0o600);
    expect(mode(path.join(restoredDir, 'c4tap.db'))).to.equal(0o600);
    expect(readFileSync(path.join(restoredDir, 'secrets.json'), 'utf8')).to.equal(readFileSync(path.join(data.dir, 'secrets.json'), 'utf8'));
  });

  it('serves the same indicators, submissions and STIX bundle on the restored directory, to tokens issued before the backup', async function () {
    const again = serve({ ...data.env, C4TAP_DATA_DIR: restoredDir });
    const [, base] = await again.waitFor(/HTTP\s+(http:\/\/\S+)/, 60_000);
    try {
      const after = await answers(base!, reader, analyst).catch((e: Error) => {
        throw new Error(`${e.message}; serve's stderr: ${again.errors()}`);
      });
      expect(after).to.deep.equal(original);
    } finally {
      await stop(again);
    }
  });

  it('keeps every sample decryptable with the restored keys', async function () {
    const store = openSqliteStore(sqliteFile(restoredDir));
    try {
      const samples = await store.listSamples(submissionId);
      expect(samples).to.not.be.empty;
      const vault = openVault(createFsBackend(vaultRoot(restoredDir)), loadOrCreateSecrets(restoredDir).secrets);
      for (const s of samples) expect(sha256Of(await vault.get(s.sha256))).to.equal(s.sha256);
    } finally {
      await store.close();
    }
  });

  it('refuses a backup with one flipped byte in a blob, naming the file, and writes nothing', function () {
    const manifest = JSON.parse(readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    const blob = manifest.files.find((f) => f.path.startsWith('vault/'))!.path;
    const file = path.join(backupDir, ...blob.split('/'));
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0x01;
    writeFileSync(file, bytes);
    const target = path.join(data.dir, '..', 'restored-2');
    const r = runCli(['restore', backupDir], { ...data.env, C4TAP_DATA_DIR: target });
    expect(r.status).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(new RegExp(`^error \\[STORE_CORRUPT\\]: backup \\S+: file ${blob} does not match the manifest`));
    expect(existsSync(target), 'nothing restored').to.equal(false);
  });

  it('refuses to restore onto a data directory that already holds data', function () {
    const r = runCli(['restore', backupDir], data.env);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^error \[VALIDATION_FAILED\]: /);
  });

  it('refuses to write a backup into a directory that is not empty', function () {
    const r = runCli(['backup', backupDir], data.env);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain(`backup directory ${path.resolve(backupDir)} is not empty`);
  });
});
