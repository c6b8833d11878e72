// Ingest benchmark: messages per second accepted durably over loopback by the C4TAP SMTP server,
// beside a bare smtp-server sink that only writes and fsyncs each message to a file, both driven
// by Postfix's smtp-source in the same run, for 20 KB and 200 KB messages at 1 and 10 sessions,
// with the greeting delay at smtp-server's 100 ms and at 0. Target: ratio >= 1.0.
//
// smtp-source cannot authenticate, so the C4TAP server runs with the benchmark-only option
// `benchOnlyLoopbackPrincipal` (code-only, not a config key, loopback only): the session is that
// principal's from the start, as after AUTH; every later step (sender check, disk check, the whole
// durable accept) is the production path.
//
// The AUTH cases (AUTH_CASES) measure what smtp-source cannot: nodemailer with STARTTLS and AUTH
// PLAIN (bench/nodemailer-load.ts), connections reused or one per message, at 1, 10 and 50
// sessions, against the production AUTH path (the principal's real SMTP secret) beside a sink that
// does the same TLS, an AUTH by constant-time compare of one password, and the write + fsync per
// message. Greeting delay 0 on both. Target: ratio >= 1.0.
//
// Each side also prints the CPU this process spent per message while it was driven (all threads:
// the server, C4TAP's writer thread, libuv's pool; the nodemailer senders too in the AUTH cases,
// alike on both sides): what the rate ratio costs in work, apart from waiting.
//
// Accept only: the C4TAP side runs the SMTP server over the store and vault (openContext), no
// analysis worker, so nothing but the accept path uses the CPU. The 250 comes once the message's
// sealed blobs and its submission are committed together (the SQLite vault spool, one group
// commit); the move of the blobs into the filesystem vault follows the 250 and is not timed: the
// rows print how many blobs were still spooled when the load stopped.
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import nodemailer from 'nodemailer';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { addOrganisation, addPrincipal } from '../core/directory.ts';
import { loadOrCreateTls } from '../core/secrets.ts';
import { openContext } from '../bin/context.ts';
import { startSmtpServer } from '../ingest/smtp-server.ts';
import { DelayedGreetingSmtpServer } from '../ingest/smtp-greeting.ts';
import { drive, type LoadResult } from './smtp-source.ts';
import { driveAuthenticated, type ConnectionMode } from './nodemailer-load.ts';

const FROM = 'soc@bench.example';
const DROP = 'report@c4tap.example';

export interface IngestCase {
  readonly greetingDelayMs: number;
  readonly bodyBytes: number;
  readonly sessions: number;
}

export interface IngestRow extends IngestCase {
  readonly sink: Measured;
  readonly c4tap: Measured & { readonly spooled: number };
  readonly ratio: number;
}

/**
 * A load result with the CPU this process spent per message meanwhile (all its threads: the
 * server, the C4TAP writer thread, libuv's pool; and nodemailer's senders in the AUTH cases, the
 * same on both sides; smtp-source runs in a process of its own).
 */
type Measured = LoadResult & { readonly cpuMsPerMessage: number };

interface Target {
  readonly port: number;
  /** The submitter's credentials (AUTH cases). */
  readonly user: string;
  readonly pass: string;
  /** Messages the target holds durably (checked against what smtp-source sent). */
  stored(): Promise<number>;
  /** C4TAP: blobs committed with their submission but not yet moved to the vault when the load stopped. */
  spooled(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The bare sink: smtp-server (same greeting delay), each message written to its own file and
 * fsynced. With `auth`: STARTTLS with the same certificate and AUTH PLAIN required, checked by a
 * constant-time compare of the password.
 */
async function startSink(dir: string, greetingDelayMs: number, auth = false): Promise<Target> {
  let stored = 0;
  const user = 'bench';
  const pass = randomBytes(18).toString('base64url');
  const tls = auth ? await loadOrCreateTls(dir, 'localhost') : null;
  const server = new DelayedGreetingSmtpServer({
    greetingDelayMs,
    authOptional: !auth,
    ...(tls ? { key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2', authMethods: ['PLAIN', 'LOGIN'] } : {}),
    onAuth(a, _session, callback) {
      const given = Buffer.from(a.password ?? '');
      const ok = a.username === user && given.length === pass.length && timingSafeEqual(given, Buffer.from(pass));
      callback(ok ? null : new Error('535 refused'), ok ? { user } : undefined);
    },
    disableReverseLookup: true,
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          const file = await open(path.join(dir, randomBytes(8).toString('hex')), 'wx', 0o600);
          try {
            await file.writeFile(Buffer.concat(chunks));
            await file.sync();
          } finally {
            await file.close();
          }
          stored++;
        })().then(
          () => callback(null, 'stored'),
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    user,
    pass,
    stored: async () => stored,
    spooled: async () => 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Where the bench server keeps its records: the embedded SQLite default, or a MongoDB-wire server. */
export type BenchStore = { readonly backend: 'sqlite' } | { readonly backend: 'mongodb'; readonly mongodbUri: string };

/**
 * The C4TAP server over a fresh data directory, with one participant and its submitter: without
 * `auth`, every loopback session is the submitter's (smtp-source); with it, clients STARTTLS and
 * AUTH with the submitter's SMTP secret.
 */
async function startC4tap(dir: string, greetingDelayMs: number, store: BenchStore = { backend: 'sqlite' }, auth = false): Promise<Target> {
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: dir,
      exchange: { dropAddress: DROP },
      smtp: { port: 0, greetingDelayMs, minFreeBytes: 0, maxConnectionsPerClient: 1000, maxConnectionsPerNetwork: 1000 },
      log: { level: 'silent' },
      store,
    },
  });
  const ctx = await openContext(config, { defaultMetrics: false, log: createLogger({ level: 'silent' }) });
  const org = await addOrganisation(ctx, 'bench', {
    name: 'Bench Org',
    tier: 'participant',
    sector: 'bench',
    domains: ['bench.example'],
    contacts: [
      {
        name: 'bench',
        means: [
          { kind: 'email', value: FROM },
          { kind: 'phone', value: '+81 3 0000 0000' },
        ],
      },
    ],
  });
  const { principal, smtpSecret } = await addPrincipal(ctx, 'bench', { orgId: org.id, name: 'bench', email: FROM, roles: ['submitter'] });
  const tls = await loadOrCreateTls(dir, 'localhost');
  const server = await startSmtpServer({ ...ctx, tls, ...(auth ? {} : { benchOnlyLoopbackPrincipal: principal }), closeGraceMs: 1000 });
  // The secret is new, so it is stored as scrypt until its first AUTH rewrites it in the keyed form
  // (ingest/smtp-auth.ts): log in once, as a running server's submitters did long ago.
  if (auth) await warmUpAuth(server.port, principal.name, smtpSecret!);
  return {
    port: server.port,
    user: principal.name,
    pass: smtpSecret!,
    stored: async () => (await ctx.store.counts()).submissions,
    spooled: async () => (ctx.spool ? (await ctx.spool.list()).length : 0),
    close: async () => {
      await server.close();
      await ctx.close();
    },
  };
}

async function warmUpAuth(port: number, user: string, pass: string): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user, pass },
  });
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}

async function measure(
  start: (dir: string) => Promise<Target>,
  c: IngestCase,
  budgetMs: number,
  load: (target: Target) => Promise<LoadResult> = (target) =>
    drive({ port: target.port, sessions: c.sessions, bodyBytes: c.bodyBytes, from: FROM, to: DROP, budgetMs }),
): Promise<Measured & { readonly spooled: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'c4tap-bench-'));
  try {
    const target = await start(dir);
    try {
      const cpuBefore = process.cpuUsage();
      const result = await load(target);
      const cpu = process.cpuUsage(cpuBefore);
      if (result.messages === 0) throw new Error('no message was accepted: no rate to compare');
      const spooled = await target.spooled();
      const stored = await target.stored();
      if (stored !== result.messages) throw new Error(`sent ${result.messages} messages but ${stored} are stored`);
      return { ...result, cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / result.messages, spooled };
    } finally {
      await target.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The C4TAP server alone on one case, over the given store (bench/mongo.ts compares backends). */
export function measureC4tap(c: IngestCase, budgetMs: number, store: BenchStore): Promise<LoadResult> {
  return measure(async (dir) => startC4tap(dir, c.greetingDelayMs, store), c, budgetMs);
}

export async function benchIngest(cases: readonly IngestCase[], budgetMs: number, report: (row: IngestRow) => void): Promise<IngestRow[]> {
  const rows: IngestRow[] = [];
  for (const c of cases) {
    const sink = await measure(async (dir) => startSink(dir, c.greetingDelayMs), c, budgetMs);
    const c4tap = await measure(async (dir) => startC4tap(dir, c.greetingDelayMs), c, budgetMs);
    const row = { ...c, sink, c4tap, ratio: c4tap.perSecond / sink.perSecond };
    rows.push(row);
    report(row);
  }
  return rows;
}

export const INGEST_CASES: readonly IngestCase[] = [100, 0].flatMap((greetingDelayMs) =>
  [20 * 1024, 200 * 1024].flatMap((bodyBytes) => [1, 10].map((sessions) => ({ greetingDelayMs, bodyBytes, sessions }))),
);

export function formatIngestRow(r: IngestRow): string {
  const kb = `${Math.round(r.bodyBytes / 1024)} KB`;
  return [
    `greeting ${String(r.greetingDelayMs).padStart(3)} ms`,
    kb.padStart(6),
    `${String(r.sessions).padStart(2)} session${r.sessions === 1 ? ' ' : 's'}`,
    ...sideBySide(r),
  ].join('  ');
}

/** Both sides' rates and CPU per message, the ratio, and the blobs C4TAP had not moved yet. */
function sideBySide(r: { readonly sink: Measured; readonly c4tap: Measured & { readonly spooled: number }; readonly ratio: number }): string[] {
  const side = (name: string, m: Measured) => `${name} ${m.perSecond.toFixed(1).padStart(7)} msg/s ${m.cpuMsPerMessage.toFixed(2).padStart(5)} ms CPU/msg`;
  return [
    side('sink', r.sink),
    side('c4tap', r.c4tap),
    `ratio ${r.ratio.toFixed(2)}${r.ratio >= 1 ? '' : '  (below target 1.0)'}`,
    `(${r.c4tap.spooled} blobs still spooled at the end)`,
  ];
}

export interface AuthCase {
  readonly mode: ConnectionMode;
  readonly bodyBytes: number;
  readonly sessions: number;
}

export interface AuthRow extends AuthCase {
  readonly sink: Measured;
  readonly c4tap: Measured & { readonly spooled: number };
  readonly ratio: number;
}

/** STARTTLS + AUTH PLAIN by nodemailer, connections reused or one per message, 1/10/50 sessions, 20 and 200 KB. */
export const AUTH_CASES: readonly AuthCase[] = (['reuse', 'per-message'] as const).flatMap((mode) =>
  [20 * 1024, 200 * 1024].flatMap((bodyBytes) => [1, 10, 50].map((sessions) => ({ mode, bodyBytes, sessions }))),
);

export async function benchIngestAuth(cases: readonly AuthCase[], budgetMs: number, report: (row: AuthRow) => void): Promise<AuthRow[]> {
  const rows: AuthRow[] = [];
  for (const c of cases) {
    const load = (target: Target) =>
      driveAuthenticated({
        port: target.port,
        sessions: c.sessions,
        mode: c.mode,
        bodyBytes: c.bodyBytes,
        from: FROM,
        to: DROP,
        user: target.user,
        pass: target.pass,
        budgetMs,
      });
    const asIngest = { greetingDelayMs: 0, bodyBytes: c.bodyBytes, sessions: c.sessions };
    const sink = await measure((dir) => startSink(dir, 0, true), asIngest, budgetMs, load);
    const c4tap = await measure((dir) => startC4tap(dir, 0, { backend: 'sqlite' }, true), asIngest, budgetMs, load);
    const row = { ...c, sink, c4tap, ratio: c4tap.perSecond / sink.perSecond };
    rows.push(row);
    report(row);
  }
  return rows;
}

export function formatAuthRow(r: AuthRow): string {
  return [
    `STARTTLS+AUTH ${r.mode.padEnd(11)}`,
    `${Math.round(r.bodyBytes / 1024)} KB`.padStart(6),
    `${String(r.sessions).padStart(2)} session${r.sessions === 1 ? ' ' : 's'}`,
    ...sideBySide(r),
  ].join('  ');
}
