// The SQLite adapter: the store contract, plus what only SQLite has (schema versions, the file
// surviving a killed writer, lock contention between processes, error mapping).
import { expect } from 'chai';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { isC4Error } from '../../core/errors.ts';
import { latestVersion } from '../../core/store/sqlite-migrations.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import { storeContract } from '../contracts/store.contract.ts';
import { at, jobInput, orgInput, principalInput, rejection, seedSubmission, seedSubmitter, submissionInput } from '../contracts/store-fixtures.ts';
import { openTempSqlite, tempDir } from './helpers/sqlite-temp.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function spawnHelper(script: string, args: string[]): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/core/helpers', script), ...args], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Complete lines a child printed, as they arrive; `lines` grows until the child's stdout closes. */
function collectLines(child: ChildProcessByStdio<Writable, Readable, Readable>, onLine: (line: string) => void = () => {}) {
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      onLine(line);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { lines, closed, stderr: () => stderr };
}

storeContract('sqlite', openTempSqlite);

describe('SQLite store', function () {
  let temp: { dir: string; remove: () => void };
  let file: string;
  beforeEach(function () {
    temp = tempDir();
    file = path.join(temp.dir, 'c4tap.db');
  });
  afterEach(function () {
    temp.remove();
  });

  it('keeps its data when reopened', async function () {
    const first = openSqliteStore(file);
    const who = await seedSubmitter(first);
    await seedSubmission(first, who, 's1');
    await first.close();

    const second = openSqliteStore(file);
    expect(await second.getPrincipal(who.principal.id)).to.deep.equal(who.principal);
    expect((await second.getSubmission('s1'))?.subject).to.equal(submissionInput('s1', who).subject);
    expect((await second.getJobForSubmission('s1', 'analyse'))?.status).to.equal('pending');
    await second.close();
  });

  it('refuses a database whose schema is newer than the program with SCHEMA_TOO_NEW', async function () {
    await openSqliteStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${latestVersion() + 1}`);
    raw.close();
    let err: unknown;
    try {
      openSqliteStore(file);
    } catch (e) {
      err = e;
    }
    expect(isC4Error(err, 'SCHEMA_TOO_NEW'), String(err)).to.equal(true);
  });

  it('refuses a file that is not a database with STORE_CORRUPT', function () {
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    expect(() => openSqliteStore(file))
      .to.throw()
      .that.satisfies((e: unknown) => isC4Error(e, 'STORE_CORRUPT'));
  });

  it('leaves the database in WAL mode', async function () {
    await openSqliteStore(file).close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).to.equal('wal');
    raw.close();
  });

  it('answers STORE_UNAVAILABLE with the SQLite cause while another connection holds the write lock', async function () {
    const store = openSqliteStore(file, { busyTimeoutMs: 50 });
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      const err = await rejection(store.createOrganisation(orgInput('org1'), at(0)));
      expect(isC4Error(err, 'STORE_UNAVAILABLE'), String(err)).to.equal(true);
      expect((err as Error).cause).to.have.property('code', 'SQLITE_BUSY');
      expect(await store.listOrganisations(), 'reads go on under WAL').to.deep.equal([]);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect((await store.createOrganisation(orgInput('org1'), at(0))).id, 'works once the lock is gone').to.equal('org1');
    await store.close();
  });

  it('answers STORE_UNAVAILABLE once closed', async function () {
    const store = openSqliteStore(file);
    await store.close();
    const err = await rejection(store.listOrganisations());
    expect(isC4Error(err, 'STORE_UNAVAILABLE'), String(err)).to.equal(true);
    await store.close();
  });

  it('refuses a submission from an unknown principal with NOT_FOUND', async function () {
    const store = openSqliteStore(file);
    const who = await seedSubmitter(store);
    const ghost = { ...who, principal: { ...who.principal, id: 'ghost' } };
    const err = await rejection(store.createSubmission(submissionInput('s1', ghost), jobInput('j1', 's1')));
    expect(isC4Error(err, 'NOT_FOUND'), String(err)).to.equal(true);
    expect(await store.getSubmission('s1')).to.equal(null);
    await store.close();
  });

  it('holds every submission a killed writer reported as stored', async function () {
    this.timeout(30_000);
    const seed = openSqliteStore(file);
    const who = await seedSubmitter(seed);
    await seed.close();

    const child = spawnHelper('sqlite-writer.ts', [file, who.org.id, who.principal.id]);
    const out = collectLines(child, () => {
      if (out.lines.length === 40) child.kill('SIGKILL');
    });
    const { signal } = await out.closed;
    expect(signal, out.stderr()).to.equal('SIGKILL');
    expect(out.lines.length).to.be.at.least(40);

    const reopened = openSqliteStore(file);
    try {
      for (const id of out.lines) {
        expect(await reopened.getSubmission(id), id).to.not.equal(null);
        expect(await reopened.getJobForSubmission(id, 'analyse'), `job of ${id}`).to.not.equal(null);
      }
    } finally {
      await reopened.close();
    }
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).to.equal('ok');
    raw.close();
  });

  it('gives each job to exactly one of several worker processes', async function () {
    this.timeout(30_000);
    const seed = openSqliteStore(file);
    const who = await seedSubmitter(seed);
    const jobIds: string[] = [];
    for (let i = 0; i < 60; i++) {
      await seedSubmission(seed, who, `s${i}`, { receivedAt: at(i) });
      jobIds.push(`job-s${i}`);
    }
    await seed.close();

    const workers = ['w1', 'w2', 'w3'].map((id) => {
      const child = spawnHelper('sqlite-claimer.ts', [file, id, at(1000), at(2000)]);
      return { child, out: collectLines(child) };
    });
    // Start all claim loops together so they contend for the lock.
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => w.child.stdout.once('data', () => resolve()))));
    for (const w of workers) w.child.stdin.write('go\n');
    const exits = await Promise.all(workers.map((w) => w.out.closed));
    exits.forEach((e, i) => expect(e.code, workers[i]!.out.stderr()).to.equal(0));

    const claimed = workers.flatMap((w) => w.out.lines.filter((l) => l !== 'ready'));
    expect(claimed).to.have.length(jobIds.length);
    expect(claimed).to.have.members(jobIds);
    const check = openSqliteStore(file);
    expect(await check.countJobs('done')).to.equal(jobIds.length);
    await check.close();
  });
});
