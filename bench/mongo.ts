// The scale-out backend beside the embedded one, in the same run:
// - ingest: messages/s accepted durably over SMTP (smtp-source), SQLite + filesystem vault vs
//   MongoDB + GridFS, 20 KB messages at 1 and 10 sessions;
// - pull: pages of 1,000 and 50 concurrent pullers at BENCH_MONGO_PULL_SIZE published indicators
//   (default 2,000, of which the reader sees 1,000), on SQLite and on MongoDB. FerretDB v1 answers
//   every query but one on _id alone by scanning the collection, so its figures say nothing about
//   a real MongoDB, where the queries use indexes; raise the size there;
// - workers: analysis jobs/s with one and with two `c4tap worker` processes sharing one MongoDB,
//   and the ratio (BENCH_MONGO_JOBS forwards, default 60).
// Needs a MongoDB-wire server (MONGODB_URI, or .tmp/mongo.env from .ci/mongo/start.sh); each case
// uses a database of its own and drops it. Run alone with `npx tsx bench/mongo.ts`.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../core/config.ts';
import { addOrganisation, addPrincipal } from '../core/directory.ts';
import { createLogger } from '../core/logger.ts';
import { secretsPath } from '../core/secrets.ts';
import { openMongoStore } from '../core/store/mongo-store.ts';
import type { Store } from '../core/store/port.ts';
import { openContext } from '../bin/context.ts';
import { acceptMessage } from '../ingest/accept.ts';
import { mongoTestUri } from '../test/helpers/mongo-server.ts';
import { buildForward } from '../test/ingest/helpers/forwards.ts';
import { measureC4tap, type IngestCase } from './ingest.ts';
import { benchPull, formatPullRow } from './pull.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const DROP = 'report@c4tap.example';
const SENDER = 'soc@rail.example';

/** The URI with a fresh database name in its path; the database is dropped by `dropDb`. */
function freshDb(uri: string, label: string): string {
  const u = new URL(uri);
  u.pathname = `/c4tap_bench_${label}_${randomBytes(3).toString('hex')}`;
  return u.toString();
}

async function dropDb(uri: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

async function reachable(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1500 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

async function benchIngestBackends(uri: string, budgetMs: number, report: (line: string) => void, hasSmtpSource: boolean): Promise<void> {
  if (!hasSmtpSource) {
    report('skipped: smtp-source not found (Debian package postfix; only the tool is used)');
    return;
  }
  for (const sessions of [1, 10]) {
    const c: IngestCase = { greetingDelayMs: 0, bodyBytes: 20 * 1024, sessions };
    const sqlite = await measureC4tap(c, budgetMs, { backend: 'sqlite' });
    const db = freshDb(uri, 'ingest');
    try {
      const mongo = await measureC4tap(c, budgetMs, { backend: 'mongodb', mongodbUri: db });
      report(
        `20 KB, ${String(sessions).padStart(2)} session${sessions === 1 ? ' ' : 's'}: sqlite ${sqlite.perSecond.toFixed(1).padStart(6)} msg/s  mongodb ${mongo.perSecond.toFixed(1).padStart(6)} msg/s  (mongodb/sqlite ${(mongo.perSecond / sqlite.perSecond).toFixed(2)})`,
      );
    } finally {
      await dropDb(db);
    }
  }
}

async function benchPullBackends(uri: string, budgetMs: number, report: (line: string) => void): Promise<void> {
  const size = Number(process.env.BENCH_MONGO_PULL_SIZE ?? 2000);
  report(`sqlite:  ${formatPullRow(await benchPull(size, budgetMs))}`);
  const db = freshDb(uri, 'pull');
  try {
    report(`mongodb: ${formatPullRow(await benchPull(size, budgetMs, async () => openMongoStore({ uri: db })))}`);
  } finally {
    await dropDb(db);
  }
}

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
}

function startWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(path.join(REPO, 'node_modules', '.bin', 'tsx'), [path.join(REPO, 'bin', 'c4tap.ts'), 'worker'], {
    env,
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (/analysing/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${err}`)));
  });
  return { child, ready };
}

/** Jobs/s of `workers` worker processes over `jobs` forwards accepted once they are all ready. */
async function jobsPerSecond(uri: string, workers: number, jobs: number): Promise<number> {
  const db = freshDb(uri, `workers${workers}`);
  const root = mkdtempSync(path.join(os.tmpdir(), 'c4tap-bench-workers-'));
  const processes: WorkerProcess[] = [];
  const log = createLogger({ level: 'silent' });
  const config = loadConfig({
    env: {},
    overrides: { dataDir: path.join(root, 'ingest'), exchange: { dropAddress: DROP }, store: { backend: 'mongodb', mongodbUri: db }, log: { level: 'silent' } },
  });
  const ctx = await openContext(config, { log, defaultMetrics: false });
  let store: Store | null = null;
  try {
    const org = await addOrganisation(ctx, 'bench', {
      name: 'Example Rail',
      tier: 'participant',
      sector: 'rail',
      domains: ['rail.example'],
      contacts: [
        {
          name: 'SOC',
          means: [
            { kind: 'email', value: SENDER },
            { kind: 'phone', value: '+81 3 0000 0000' },
          ],
        },
      ],
    });
    const { principal } = await addPrincipal(ctx, 'bench', { orgId: org.id, name: 'rail-soc', email: SENDER, roles: ['submitter'] });
    const forwards = await Promise.all(
      Array.from(
        { length: jobs },
        async (_, i) => (await buildForward({ originalSubject: `Invoice ${i}`, originalMessageId: `<bench-${i}@x.example>` })).forward,
      ),
    );
    for (let w = 0; w < workers; w++) {
      const dir = path.join(root, `worker${w}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      copyFileSync(secretsPath(config.dataDir), secretsPath(dir));
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        MONGODB_URI: db,
        C4TAP_DATA_DIR: dir,
        C4TAP_POLICIES_DIR: path.join(REPO, 'policies'),
        C4TAP_CONFIG: '',
        C4TAP_LOG_LEVEL: 'warn',
        C4TAP_WORKER_POLL_MS: '100',
      };
      processes.push(startWorker(env));
    }
    await Promise.all(processes.map((p) => p.ready));
    const started = performance.now();
    const envelope = { mailFrom: SENDER, rcptTo: [DROP], remoteAddress: '127.0.0.1', heloName: 'bench', transport: 'import' as const };
    for (const raw of forwards) {
      await acceptMessage({ store: ctx.store, vault: ctx.vault, clock: ctx.clock, newId: ctx.newId, log, dropAddress: DROP }, { principal, envelope, raw });
    }
    store = ctx.store;
    while ((await store.countJobs('done')) + (await store.countJobs('failed')) < jobs) await new Promise((r) => setTimeout(r, 100));
    return jobs / ((performance.now() - started) / 1000);
  } finally {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => new Promise((r) => (p.child.exitCode !== null ? r(null) : p.child.once('exit', r)))));
    await ctx.close();
    await dropDb(db);
    rmSync(root, { recursive: true, force: true });
  }
}

export async function benchMongo(budgetMs: number, report: (line: string) => void, hasSmtpSource: boolean): Promise<void> {
  const uri = mongoTestUri();
  if (!uri || !(await reachable(uri))) {
    report('skipped: no MongoDB-wire server (set MONGODB_URI or run .ci/mongo/start.sh)');
    return;
  }
  report('-- ingest: messages/s accepted durably over loopback (smtp-source), greeting 0 ms --');
  await benchIngestBackends(uri, budgetMs, report, hasSmtpSource);
  report('-- pull: pages of 1,000 and 50 pullers, same data on both backends --');
  await benchPullBackends(uri, budgetMs, report);
  const jobs = Number(process.env.BENCH_MONGO_JOBS ?? 60);
  report(`-- workers: analysis of ${jobs} forwards by c4tap worker processes on one MongoDB (AV off) --`);
  const one = await jobsPerSecond(uri, 1, jobs);
  const two = await jobsPerSecond(uri, 2, jobs);
  report(`1 worker ${one.toFixed(1)} jobs/s, 2 workers ${two.toFixed(1)} jobs/s → ratio ${(two / one).toFixed(2)} (${os.cpus().length} cores)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { execFileSync } = await import('node:child_process');
  let smtpSource = true;
  try {
    execFileSync('sh', ['-c', 'command -v smtp-source'], { stdio: 'ignore' });
  } catch {
    smtpSource = false;
  }
  await benchMongo(Number(process.env.BENCH_BUDGET_MS ?? 2500), (line) => process.stdout.write(line + '\n'), smtpSource);
}
