// Indicator pull on SQLite: latency of pages of 1,000 at N published indicators (median, p99), and
// requests/s with 50 concurrent pullers (autocannon, in a child process so it does not share the
// server's event loop) beside a static JSON file of the same page served by the same Express stack:
// the file holds the very bytes the pullers are answered, and the two sides run alternately,
// API, static, static, API (each side's figure is the mean of its two runs), so a change of load
// on the machine during the run weighs on both sides alike. Each side also prints the server's
// CPU per request (every thread of this process), which the load of others moves less.
// Targets (issue 17): at 1M, 50 pullers >= 0.3x the static file, p99 per page < 50 ms. A run in
// which either side completes no request fails instead of printing a ratio.
//   BENCH_PULL_SIZES  published indicators per case, comma-separated (default 1000000)
//   BENCH_BUDGET_MS   autocannon run per target (default 2500)
// Run alone with `npm run bench -- pull` (or `npx tsx bench/pull.ts`).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { Registry } from 'prom-client';
import { createAuditAppender } from '../core/audit.ts';
import { createLogger } from '../core/logger.ts';
import { asyncStore, openDatabase } from '../core/store/sqlite-db.ts';
import { openSqliteStore, sqliteMethods } from '../core/store/sqlite-store.ts';
import type { IndicatorInput, Store } from '../core/store/port.ts';
import { issueToken, type TokenSettings } from '../core/tokens.ts';
import type { SharingClass } from '../core/types.ts';
import { createHttpApp, listen } from '../web/server.ts';
import { API_MOUNT, createApiRouter } from '../sharing/api/router.ts';
import { indicatorId } from '../core/ids.ts';
import { refreshFeedViews } from '../sharing/feed-views.ts';
import { percentile } from './percentile.ts';

const run = promisify(execFile);
const PAGE = 1000;
/** Indicators per seeded submission (one bulk write per step, not a write per indicator). */
const PER_SUBMISSION = 10_000;
/** Indicators per transaction of the fast SQLite seed (seedSqliteFile). */
const SEED_TRANSACTION = 100_000;
const TOKENS: TokenSettings = { algorithm: 'HS256', issuer: 'c4tap', audience: 'c4tap-api', maxTtlDays: 365, secret: 'b'.repeat(48) };

export interface PullRow {
  readonly indicators: number;
  readonly seedSeconds: number;
  readonly pages: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly apiRps: number;
  readonly staticRps: number;
  /**
   * Server CPU per request (ms, every thread of this process) while each side was driven: the work
   * behind the ratio, apart from waiting, which moves less than requests/s when others load the machine.
   */
  readonly apiCpuMs: number;
  readonly staticCpuMs: number;
  readonly pageBytes: number;
  /** Items of the page the pullers read (fewer than a page when the log is short: bench/mongo.ts). */
  readonly pageItems: number;
}

/** One in ten submissions RED (of another participant), one GREEN, one WHITE, the rest AMBER. */
function classOf(n: number): SharingClass {
  return (['RED', 'GREEN', 'WHITE'] as const)[n % 10] ?? 'AMBER';
}

function indicator(i: number, cls: SharingClass): IndicatorInput {
  switch (i % 3) {
    case 0:
      return { type: 'domain-name', value: `h${i}.bench.example`, kind: 'network', class: cls };
    case 1:
      return { type: 'url', value: `https://h${i}.bench.example/login?id=${i}`, kind: 'network', class: cls };
    default:
      return { type: 'file-sha256', value: i.toString(16).padStart(64, '0'), kind: 'file', class: cls };
  }
}

/** The bench's organisations and principals: 'sec' (analyst, submits the shared entries), 'water' (submits the RED ones), 'rail' (the reader). */
async function seedDirectory(store: Store, at: string): Promise<void> {
  for (const [id, tier] of [
    ['sec', 'participant'],
    ['water', 'participant'],
    ['rail', 'participant'],
  ] as const) {
    await store.createOrganisation(
      { id, name: id, tier, sector: id, domains: [], networks: [], contacts: [], language: 'en', defaultClasses: {}, rulesAcceptedAt: at },
      at,
    );
    await store.createPrincipal(
      {
        id: `${id}-p`,
        orgId: id,
        name: `${id}-p`,
        displayName: id,
        email: `p@${id}.example`,
        roles: id === 'sec' ? ['analyst'] : ['reader', 'submitter'],
        status: 'active',
        passwordHash: null,
        mustChangePassword: false,
        smtpSecretHash: null,
        allowedSenders: [],
        totpSecret: null,
        language: 'en',
        timeZone: 'UTC',
      },
      at,
    );
  }
}

/**
 * Submission s of the log (PER_SUBMISSION indicators, fewer in the last), as publication leaves
 * it, through the store's own bulk writes: one upsertIndicators and one appendPublications (as
 * sharing/publication.ts appends a submission's entries), then the audiences' stored items.
 */
async function seedSubmission(store: Store, s: number, count: number, at: string): Promise<void> {
  const cls = classOf(s);
  const orgId = cls === 'RED' ? 'water' : 'sec';
  const id = `sub-${s}`;
  const classes = { sample: cls, mail: cls, network: cls, file: cls };
  await store.createSubmission(
    {
      id,
      principalId: `${orgId}-p`,
      orgId,
      receivedAt: at,
      rawSha256: 'a'.repeat(64),
      rawSize: 1,
      messageId: null,
      dedupKey: id,
      envelope: { mailFrom: 'x@y', rcptTo: [], remoteAddress: '127.0.0.1', heloName: 'h', transport: 'import' },
      classes,
      classDecisions: [],
      subject: null,
    },
    { id: `job-${id}`, type: 'analyse', submissionId: id, runAfter: at },
  );
  const inputs = Array.from({ length: Math.min(PER_SUBMISSION, count - s * PER_SUBMISSION) }, (_, i) => indicator(s * PER_SUBMISSION + i, cls));
  await store.upsertIndicators(id, orgId, at, inputs);
  await store.updateSubmission(id, { status: 'published' }, at);
  const entries = await store.appendPublications(
    inputs.map((input) => {
      const ind = indicatorId(input.type, input.value);
      return { idempotencyKey: `publish:${id}:${ind}`, action: 'publish' as const, indicatorId: ind, submissionId: id, kind: input.kind, class: cls };
    }),
    at,
  );
  // What publication stores with the entries: each audience's item (sharing/feed-views.ts).
  await refreshFeedViews(
    store,
    entries.map((e) => e.indicatorId),
  );
}

const SEEDED_AT = new Date(Date.UTC(2026, 0, 1)).toISOString();

/** The published log written through any store (MongoDB: bench/mongo.ts), each bulk write its own transaction. */
export async function seed(store: Store, count: number): Promise<void> {
  await seedDirectory(store, SEEDED_AT);
  for (let s = 0; s * PER_SUBMISSION < count; s++) await seedSubmission(store, s, count, SEEDED_AT);
}

/**
 * The same log in a new SQLite file, fast: the bench's own set-up, so it writes through the store's
 * bulk methods on one connection of its own, SEED_TRANSACTION indicators per transaction (the
 * methods' own transactions nest as savepoints), without fsync and with a cache that holds the
 * indexes (at 1M the random index keys otherwise miss a 2 MB cache on nearly every insert).
 * Served afterwards by openSqliteStore like any data directory.
 */
export async function seedSqliteFile(file: string, count: number): Promise<void> {
  const db = openDatabase(file);
  try {
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576'); // KiB: 1 GiB
    const store = asyncStore(db, sqliteMethods(db));
    await seedDirectory(store, SEEDED_AT);
    const perTransaction = Math.max(1, Math.round(SEED_TRANSACTION / PER_SUBMISSION));
    for (let s = 0; s * PER_SUBMISSION < count; s += perTransaction) {
      db.exec('BEGIN IMMEDIATE');
      try {
        for (let t = s; t < s + perTransaction && t * PER_SUBMISSION < count; t++) await seedSubmission(store, t, count, SEEDED_AT);
        db.exec('COMMIT');
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** One autocannon run: its mean requests/s, and the CPU this process (the server: every thread) spent per completed request, in ms. */
interface CannonRun {
  readonly rps: number;
  readonly cpuMs: number;
}

async function autocannon(url: string, headers: Record<string, string>, seconds: number): Promise<CannonRun> {
  const cpu = process.cpuUsage();
  const args = [path.join('node_modules', 'autocannon', 'autocannon.js'), '-c', '50', '-d', String(seconds), '-j'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  const { stdout } = await run(process.execPath, [...args, url], { maxBuffer: 64 * 1024 * 1024 });
  const used = process.cpuUsage(cpu);
  const result = JSON.parse(stdout) as { requests: { average: number; total: number }; non2xx: number; errors: number; timeouts: number };
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon ${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  // No ratio from a side that completed nothing (it would print 0 or Infinity).
  if (!(result.requests.total > 0 && result.requests.average > 0)) {
    throw new Error(`autocannon ${url}: no request completed in ${seconds} s (${result.timeouts} timeouts); refusing to print a ratio`);
  }
  return { rps: result.requests.average, cpuMs: (used.user + used.system) / 1000 / result.requests.total };
}

/** `open` chooses the store (default: SQLite in the temp directory; bench/mongo.ts passes MongoDB). */
export async function benchPull(count: number, budgetMs: number, open?: (dir: string) => Promise<Store>): Promise<PullRow> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-bench-pull-'));
  const file = path.join(dir, 'c4tap.db');
  const t0 = performance.now();
  if (!open) await seedSqliteFile(file, count);
  const store = open ? await open(dir) : openSqliteStore(file);
  try {
    if (open) await seed(store, count);
    const seedSeconds = (performance.now() - t0) / 1000;
    return { indicators: count, seedSeconds, ...(await measurePull(store, dir, budgetMs)) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The measurements of a seeded store (`dir` takes the static file): the whole log page by page, then the 50 pullers beside the static file. */
export async function measurePull(store: Store, dir: string, budgetMs: number): Promise<Omit<PullRow, 'indicators' | 'seedSeconds'>> {
  const log = createLogger({ level: 'silent' });
  const clock = () => new Date();
  const router = createApiRouter({
    store,
    audit: createAuditAppender(store, clock, Buffer.alloc(32, 1)),
    clock,
    log,
    tokenSettings: TOKENS,
    limits: { rateLimitPoints: 1e9, rateLimitWindowSeconds: 1, defaultPageSize: PAGE, maxPageSize: PAGE },
  });
  const staticDir = path.join(dir, 'static');
  mkdirSync(staticDir, { recursive: true });
  const app = createHttpApp({
    log,
    registry: new Registry(),
    trustProxy: false,
    health: async () => ({}),
    routers: [
      { path: API_MOUNT, router },
      { path: '/static', router: express.Router().use(express.static(staticDir)) },
    ],
  });
  const server = await listen(app, '127.0.0.1', 0);
  try {
    const addr = server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const reader = (await store.getPrincipal('rail-p'))!;
    const { token } = await issueToken(store, TOKENS, reader, 24 * 3600_000, 'bench', new Date());
    const auth = { authorization: `Bearer ${token}` };

    // Latency: the whole log page by page, as a puller starting from scratch reads it.
    const times: number[] = [];
    let since = 0;
    for (;;) {
      const t = performance.now();
      const res = await fetch(`${base}${API_MOUNT}/indicators?since=${since}&limit=${PAGE}`, { headers: auth });
      const text = await res.text();
      times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`pull answered ${res.status}: ${text}`);
      const page = JSON.parse(text) as { next_since: number; more: boolean; items: unknown[] };
      since = page.next_since;
      if (!page.more) break;
    }
    const sorted = [...times].sort((a, b) => a - b);

    // Throughput: one mid-log page, against the same bytes as a static file, alternately.
    const mid = Math.floor((await store.lastPublicationSeq()) / 2);
    const pageUrl = `${base}${API_MOUNT}/indicators?since=${mid}&limit=${PAGE}`;
    const res = await fetch(pageUrl, { headers: auth });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`pull answered ${res.status}: ${body.toString('utf8')}`);
    const pageItems = (JSON.parse(body.toString('utf8')) as { items: unknown[] }).items.length;
    writeFileSync(path.join(staticDir, 'page.json'), body);
    const seconds = Math.max(1, Math.round(budgetMs / 1000));
    const api: CannonRun[] = [];
    const stat: CannonRun[] = [];
    for (const side of ['api', 'static', 'static', 'api'] as const) {
      if (side === 'api') api.push(await autocannon(pageUrl, auth, seconds));
      else stat.push(await autocannon(`${base}/static/page.json`, {}, seconds));
    }
    const mean = (runs: CannonRun[], of: (r: CannonRun) => number): number => runs.reduce((a, r) => a + of(r), 0) / runs.length;
    return {
      pages: times.length,
      medianMs: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      apiRps: mean(api, (r) => r.rps),
      staticRps: mean(stat, (r) => r.rps),
      apiCpuMs: mean(api, (r) => r.cpuMs),
      staticCpuMs: mean(stat, (r) => r.cpuMs),
      pageBytes: body.length,
      pageItems,
    };
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

export function formatPullRow(r: PullRow): string {
  return [
    `${r.indicators.toLocaleString('en')} indicators (seeded in ${r.seedSeconds.toFixed(0)} s):`,
    `page of ${PAGE} median ${r.medianMs.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms over ${r.pages} pages;`,
    `50 pullers ${r.apiRps.toFixed(0)} req/s vs static ${r.staticRps.toFixed(0)} req/s (${(r.pageBytes / 1024).toFixed(0)} KiB, ${r.pageItems} items) → ratio ${(r.apiRps / r.staticRps).toFixed(2)};`,
    `server CPU per request ${r.apiCpuMs.toFixed(2)} ms vs static ${r.staticCpuMs.toFixed(2)} ms (static/API ${(r.staticCpuMs / r.apiCpuMs).toFixed(2)})`,
    `(targets: ratio >= 0.3, p99 < 50 ms)`,
  ].join(' ');
}

export const PULL_SIZES = (process.env.BENCH_PULL_SIZES ?? '1000000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);

if (import.meta.url === `file://${process.argv[1]}`) {
  const budget = Number(process.env.BENCH_BUDGET_MS ?? 2500);
  for (const n of PULL_SIZES) process.stdout.write(formatPullRow(await benchPull(n, budget)) + '\n');
}
