// Scale-out as operators run it: one `c4tap serve --roles smtp` and two `c4tap serve --roles worker`
// processes, each with its own data directory (the same secrets.json copied in), share one
// MongoDB-wire server. 200 forwards sent over SMTP are all stored, and every analysis job runs
// exactly once, spread over both workers.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import nodemailer from 'nodemailer';
import { secretsPath } from '../../core/secrets.ts';
import { openMongoStore } from '../../core/store/mongo-store.ts';
import type { Store } from '../../core/store/port.ts';
import { REPO, runCli, startServe, type ServeProcess } from '../helpers/cli.ts';
import { freshDatabase, requireMongo, uriWithDb, type TestDatabase } from '../helpers/mongo-server.ts';
import { buildForward } from '../ingest/helpers/forwards.ts';
import { waitFor } from '../helpers/wait-for.ts';

const MESSAGES = 200;
const DROP = 'report@c4tap.example';
const SENDER = 'soc@rail.example';

/** JSON log lines a process wrote to stderr with this event name. */
function events(p: ServeProcess, name: string): Record<string, unknown>[] {
  return p
    .errors()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.event === name);
}

describe('scale-out: smtp and worker processes on one MongoDB (needs MongoDB-wire server)', function () {
  this.timeout(300_000);
  let test: TestDatabase;
  let root: string;
  let store: Store;
  const processes: ServeProcess[] = [];

  before(async function () {
    test = await freshDatabase(await requireMongo(this), 'scale');
    root = mkdtempSync(path.join(os.tmpdir(), 'c4tap-scale-'));
    store = await openMongoStore(test.conn);
  });

  after(async function () {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited()));
    await store?.close();
    await test?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function machine(name: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MONGODB_URI: uriWithDb(test.uri, test.conn.db.databaseName),
      C4TAP_DATA_DIR: path.join(root, name),
      C4TAP_POLICIES_DIR: path.join(REPO, 'policies'),
      C4TAP_CONFIG: '',
      C4TAP_HTTP_PORT: '0',
      C4TAP_SMTP_PORT: '0',
      C4TAP_SMTP_GREETING_DELAY_MS: '0',
      C4TAP_SMTP_MIN_FREE_BYTES: '0',
      C4TAP_WORKER_POLL_MS: '250',
      C4TAP_LOG_LEVEL: 'info',
    };
    delete env.C4TAP_STORE_BACKEND;
    return env;
  }

  it('stores 200 forwards from the SMTP process and runs each analysis job exactly once across two worker processes', async function () {
    const ingest = machine('ingest');
    // Only `init` (or `serve`) creates a data directory: the administrator sets the first machine up.
    const init = runCli(['init'], ingest);
    expect(init.status, init.stderr).to.equal(0);
    const org = runCli(
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
      ingest,
    );
    expect(org.status, org.stderr).to.equal(0);
    const principal = runCli(['principal', 'add', '--org', 'Example Rail', '--name', 'rail-soc', '--email', SENDER, '--roles', 'submitter'], ingest);
    expect(principal.status, principal.stderr).to.equal(0);
    const secret = /password (\S+)/.exec(principal.stdout)![1]!;
    // The other machines get the same secrets (vault keys) and nothing else.
    for (const name of ['worker-a', 'worker-b']) {
      mkdirSync(path.join(root, name), { recursive: true, mode: 0o700 });
      copyFileSync(secretsPath(path.join(root, 'ingest')), secretsPath(path.join(root, name)));
    }

    const smtp = startServe(ingest, ['--roles', 'smtp']);
    processes.push(smtp);
    const [, port] = await smtp.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/, 60_000);
    expect(smtp.output()).to.contain('store: mongodb');
    expect(smtp.output()).to.not.match(/^HTTP|^WORKER/m);
    const workers = ['worker-a', 'worker-b'].map((name) => startServe(machine(name), ['--roles', 'worker']));
    processes.push(...workers);
    for (const w of workers) {
      await w.waitFor(/WORKER\s+\S+/, 60_000);
      expect(w.output()).to.not.match(/^SMTP|^HTTP/m);
    }

    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: Number(port),
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: 'rail-soc', pass: secret },
      pool: true,
      maxConnections: 4,
    });
    try {
      await Promise.all(
        Array.from({ length: MESSAGES }, async (_, i) => {
          const { forward } = await buildForward({
            originalSubject: `Invoice ${i}`,
            originalMessageId: `<inv-${i}@invoices-secure.example>`,
            subject: `FW: Invoice ${i}`,
          });
          const info = await transport.sendMail({ envelope: { from: SENDER, to: [DROP] }, raw: forward });
          expect(info.accepted).to.deep.equal([DROP]);
        }),
      );
    } finally {
      transport.close();
    }

    expect((await store.counts()).submissions, 'every accepted forward is stored').to.equal(MESSAGES);
    await waitFor('all jobs done', async () => (await store.countJobs('done')) === MESSAGES, { timeoutMs: 240_000, intervalMs: 250 });

    const counts = await store.counts();
    expect(counts.jobs).to.equal(MESSAGES);
    expect(await store.countJobs('pending')).to.equal(0);
    expect(await store.countJobs('running')).to.equal(0);
    expect(await store.countJobs('failed')).to.equal(0);
    const subs = await store.listSubmissions({}, { limit: 1000 });
    for (const s of subs.items) {
      const job = (await store.getJobForSubmission(s.id, 'analyse'))!;
      expect(job.attempts, `job of ${s.id} claimed once`).to.equal(1);
      expect(s.status).to.equal('awaiting-triage');
    }
    const done = workers.map((w) => events(w, 'worker.job_done').map((e) => e.jobId as string));
    const all = done.flat();
    expect(all, 'every job completed once, by one worker').to.have.length(MESSAGES);
    expect(new Set(all).size).to.equal(MESSAGES);
    for (const [i, jobs] of done.entries()) expect(jobs.length, `worker ${i} took part`).to.be.greaterThan(0);
  });
});
