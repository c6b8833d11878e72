// `c4tap serve`: runs the server roles in one process until SIGINT/SIGTERM.
import type { Command } from 'commander';
import type { Server } from 'node:http';
import { bootstrapSecretariat } from '../../core/directory.ts';
import { isC4Error } from '../../core/errors.ts';
import { createHttpApp, listen } from '../../web/server.ts';
import { openContext, outboxDir, vaultRoot, type AppContext } from '../context.ts';
import { fail, loadedFrom } from '../cli-support.ts';
import { checkDirectories } from '../setup/data-dir.ts';
import { listenFailure } from '../setup/listen-failure.ts';
import { runChecks } from '../doctor/run.ts';
import type { CheckResult } from '../doctor/checks.ts';
import { createHealthProbe } from '../setup/health-probe.ts';
import { policyFailure } from '../setup/policy-failure.ts';
import type { LoadedConfig } from '../../core/config.ts';
import { loadOrCreateTls } from '../../core/secrets.ts';
import { startSmtpServer } from '../../ingest/smtp-server.ts';
import { sendReceipt } from '../../ingest/receipt.ts';
import { sharingRouters } from '../../sharing/http.ts';
import os from 'node:os';
import { startWorkerPool } from '../../analysis/worker-pool.ts';
import { WORKER_PROCESS_SCRIPT } from '../worker-process.ts';
import { loadRetentionPolicy } from '../../quarantine/retention-policy.ts';
import { startRetentionSchedule } from '../../quarantine/retention-schedule.ts';
import { digestFilesSettings, startDigests } from './digest.ts';
import { CONSOLE_PATH, createConsoleRouter, createDrillAckRouter, DRILL_ACK_PATH } from '../../web/console/index.ts';
import { createParticipantRouter, PARTICIPANT_PATH } from '../../web/participant/index.ts';

export const ROLES = ['smtp', 'web', 'api', 'worker'] as const;
export type ServeRole = (typeof ROLES)[number];

export function parseRoles(text: string): ReadonlySet<ServeRole> {
  const roles = text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of roles) if (!ROLES.includes(r as ServeRole)) fail(`--roles: "${r}" is not one of ${ROLES.join(', ')}`);
  if (roles.length === 0) fail('--roles: name at least one role');
  return new Set(roles as ServeRole[]);
}

interface Running {
  readonly name: string;
  close(): Promise<void>;
}

function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function startHttp(
  ctx: AppContext,
  roles: ReadonlySet<ServeRole>,
  diagnostics: () => Promise<readonly CheckResult[]>,
): Promise<Running & { url: string }> {
  // REST API (JSON, CSV, STIX 2.1), MISP feed, TAXII 2.1 and the public WHITE feed.
  const api = roles.has('api')
    ? sharingRouters({
        ...ctx,
        limits: ctx.config.api,
        exchange: { name: ctx.config.exchange.name },
        digests: digestFilesSettings(ctx),
        viewRules: ctx.config.sharing,
      })
    : [];
  const web = roles.has('web')
    ? [
        { path: CONSOLE_PATH, router: createConsoleRouter({ ...ctx, outboxDir: outboxDir(ctx.config.dataDir), diagnostics }) },
        // Drill acknowledgement links: public (no login, no console network allow-list).
        { path: DRILL_ACK_PATH, router: createDrillAckRouter(ctx) },
        // The participant page: password + TOTP, not behind the console's network allow-list.
        { path: PARTICIPANT_PATH, router: createParticipantRouter({ ...ctx, outboxDir: outboxDir(ctx.config.dataDir) }) },
      ]
    : [];
  const probe = createHealthProbe({
    dataDir: ctx.config.dataDir,
    vaultDir: ctx.config.store.backend === 'sqlite' ? vaultRoot(ctx.config.dataDir) : null,
    vault: ctx.vault,
    minFreeBytes: ctx.config.smtp.minFreeBytes,
    analysisDuration: ctx.metrics.analysisDuration,
    log: ctx.log,
  });
  const app = createHttpApp({
    log: ctx.log,
    registry: ctx.metrics.registry,
    trustProxy: ctx.config.http.trustProxy,
    // Health and metrics share the public feed's per-address budget (api.publicRateLimit*).
    publicRateLimit: { points: ctx.config.api.publicRateLimitPoints, windowSeconds: ctx.config.api.publicRateLimitWindowSeconds },
    health: async () => ({ ...(await probe()), store: ctx.store.backend, version: process.env.npm_package_version ?? 'dev' }),
    routers: [...api, ...web],
  });
  const server = await listen(app, ctx.config.http.host, ctx.config.http.port);
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : ctx.config.http.port;
  return { name: 'http', url: `http://${ctx.config.http.host}:${port}`, close: () => closeHttp(server) };
}

/** `accepted` runs after each durable accept (the worker role looks for the new job at once). */
async function startSmtp(ctx: AppContext, accepted: () => void = () => undefined): Promise<Running & { address: string }> {
  const { smtp, dataDir, exchange } = ctx.config;
  const tls = await loadOrCreateTls(dataDir, exchange.hostname, { certFile: smtp.tlsCertFile, keyFile: smtp.tlsKeyFile });
  const receipts = { ...ctx, baseUrl: exchange.baseUrl };
  const server = await startSmtpServer({
    ...ctx,
    tls,
    onAccepted: (principal, result) => {
      accepted();
      void sendReceipt(receipts, principal, result.submissions);
    },
  });
  return { name: 'smtp', address: `${smtp.host}:${server.port}`, close: () => server.close() };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the exchange: SMTP ingest, console and API, analysis worker')
    .option('--roles <roles>', `comma-separated subset of ${ROLES.join(',')}`, ROLES.join(','))
    .action(async (opts: { roles: string }, cmd: Command) => {
      const loaded = loadedFrom(cmd);
      // A missing or invalid policy file also names the policiesDir setting.
      await serve(opts, loaded).catch((err: unknown) => {
        throw policyFailure(err, loaded);
      });
    });
}

async function serve(opts: { roles: string }, loaded: LoadedConfig): Promise<void> {
  const roles = parseRoles(opts.roles);
  checkDirectories(loaded, { create: true });
  const ctx = await openContext(loaded.config, { watchVaultKeys: true });
  const out = (line: string) => process.stdout.write(line + '\n');
  const running: Running[] = [];
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.log.info({ event: 'serve.stopping', signal }, 'stopping');
    for (const r of running.reverse()) await r.close().catch((err) => ctx.log.error({ event: 'serve.close_failed', role: r.name, err }, 'close failed'));
    await ctx.close();
    ctx.log.info({ event: 'serve.stopped' }, 'stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  // Processes of a scale-out deployment may start together on one MongoDB: when another one
  // bootstraps the secretariat at the same moment, its CONFLICT means "already done".
  const boot = await bootstrapSecretariat(ctx, ctx.config.exchange.dropAddress.replace(/^[^@]*/, 'secretariat')).catch((err: unknown) => {
    if (isC4Error(err, 'CONFLICT')) return null;
    throw err;
  });
  // Policy files are read before anything starts: a missing or broken one ends the start with its
  // one line, before a listener or an analysis process has begun (and logged) anything.
  const loadPolicy = () => loadRetentionPolicy(ctx.config.policiesDir);
  const retentionSpec = roles.has('worker') ? loadPolicy().run : null;
  out(`C4TAP ${ctx.firstStart ? 'initialised' : 'using'} data directory ${ctx.config.dataDir} (store: ${ctx.store.backend})`);
  // A listener that cannot start (busy port, no permission) ends the start with one line naming
  // the setting; what already started is closed first.
  const starting = async <T extends Running>(setting: 'http' | 'smtp', start: () => Promise<T>): Promise<T> => {
    try {
      return await start();
    } catch (err) {
      for (const r of running.reverse()) await r.close().catch(() => undefined);
      await ctx.close();
      const { host, port } = ctx.config[setting];
      throw listenFailure(err, setting, host, port, loaded.sources);
    }
  };
  if (roles.has('web') || roles.has('api')) {
    const http = await starting('http', () => startHttp(ctx, roles, () => runChecks(loaded)));
    running.push(http);
    out(`HTTP   ${http.url}  (health ${http.url}/api/v1/health, metrics ${http.url}/metrics)`);
  }
  let wakeWorker = (): void => undefined;
  if (roles.has('smtp') && ctx.config.smtp.enabled) {
    const smtp = await starting('smtp', () => startSmtp(ctx, () => wakeWorker()));
    running.push(smtp);
    out(`SMTP   ${smtp.address}  (STARTTLS, AUTH PLAIN/LOGIN; drop address ${ctx.config.exchange.dropAddress})`);
  }
  if (roles.has('worker') && ctx.config.worker.enabled) {
    // Analysis in child processes (analysis/worker-pool.ts): this loop only supervises them.
    const worker = startWorkerPool({
      script: WORKER_PROCESS_SCRIPT,
      config: ctx.config,
      store: ctx.store,
      clock: ctx.clock,
      log: ctx.log,
      workerIdPrefix: `${os.hostname()}:${process.pid}:${ctx.newId('wrk')}`,
    });
    running.push({ name: 'worker', close: () => worker.close() });
    wakeWorker = () => worker.wake();
    const resumed = (await ctx.resumeNotices?.()) ?? 0;
    if (resumed > 0) out(`NOTICES ${resumed} submitter notice(s) not sent before are queued again`);
    out(
      `WORKER ${worker.size} analysis process(es)  (analysis jobs; clamd ${ctx.config.clamd.socket || ctx.config.clamd.host ? 'configured' : 'not configured'})`,
    );
  }
  if (roles.has('worker') && ctx.config.digests.enabled) {
    const digests = startDigests(ctx);
    running.push({ name: 'digests', close: () => digests.close() });
    out(`DIGEST every ${ctx.config.digests.pollSeconds}s  (schedules in ${ctx.config.policiesDir}/digests)`);
  }
  if (retentionSpec) {
    const retention = startRetentionSchedule({ ...ctx, loadPolicy }, retentionSpec);
    running.push({ name: 'retention', close: () => retention.close() });
    out(`RETENTION ${retentionSpec.cron} ${retentionSpec.timeZone}, next ${retention.next()?.toISOString() ?? 'never'}  (${ctx.config.policiesDir}/retention)`);
  }
  if (boot) {
    out(`Bootstrap secretariat account created — user "${boot.name}", one-time password: ${boot.password}`);
    out('This password is shown only now; it must be changed at first login.');
  }
  ctx.log.info({ event: 'serve.started', roles: [...roles] }, 'started');
}
