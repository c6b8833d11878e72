// A real SMTP ingest server for tests: temp data directory, the composition root's context (SQLite
// store, filesystem vault), one participant organisation with a submitter, the generated TLS
// certificate, and the server on an ephemeral loopback port. Log lines are captured for checks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { loadConfig, type Config } from '../../../core/config.ts';
import { createLogger } from '../../../core/logger.ts';
import { addOrganisation, addPrincipal } from '../../../core/directory.ts';
import { loadOrCreateTls, type TlsMaterial } from '../../../core/secrets.ts';
import type { Organisation, Principal } from '../../../core/types.ts';
import { openContext, type AppContext } from '../../../bin/context.ts';
import { startSmtpServer, type RunningSmtpServer, type SmtpServerDeps } from '../../../ingest/smtp-server.ts';

export const DROP = 'report@c4tap.example';
export const ORG_DOMAIN = 'rail.example';
export const SENDER = `soc@${ORG_DOMAIN}`;

export type LogRecord = Record<string, unknown> & { event?: string };

export interface SmtpConfigOverrides {
  readonly [key: string]: string | number | boolean | undefined;
}

export interface Submitter {
  readonly principal: Principal;
  readonly org: Organisation;
  /** The SMTP secret shown once by `c4tap principal add`. */
  readonly secret: string;
}

export interface PreparedDataDir {
  readonly dir: string;
  readonly config: Config;
  readonly submitter: Submitter;
  remove(): Promise<void>;
}

export function testConfig(dir: string, smtp: SmtpConfigOverrides = {}): Config {
  return loadConfig({
    env: {},
    overrides: {
      dataDir: dir,
      exchange: { dropAddress: DROP, hostname: 'localhost' },
      smtp: { port: 0, greetingDelayMs: 0, minFreeBytes: 0, ...smtp },
      log: { level: 'info' },
    },
  });
}

/** A data directory with secrets, schema, one organisation and one submitter (then closed). */
export async function prepareDataDir(smtp: SmtpConfigOverrides = {}, orgDefaults: Organisation['defaultClasses'] = {}): Promise<PreparedDataDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'c4tap-smtp-'));
  const config = testConfig(dir, smtp);
  const ctx = await openContext(config, { log: createLogger({ level: 'silent' }), defaultMetrics: false });
  try {
    const submitter = await addSubmitter(ctx, 'rail-soc', orgDefaults);
    return { dir, config, submitter, remove: () => rm(dir, { recursive: true, force: true }) };
  } finally {
    await ctx.close();
  }
}

export async function addSubmitter(ctx: AppContext, name: string, orgDefaults: Organisation['defaultClasses'] = {}): Promise<Submitter> {
  const org =
    (await ctx.store.getOrganisationByName('Example Rail')) ??
    (await addOrganisation(ctx, 'test', {
      name: 'Example Rail',
      tier: 'participant',
      sector: 'rail',
      domains: [ORG_DOMAIN],
      contacts: [
        {
          name: 'SOC',
          means: [
            { kind: 'email', value: SENDER },
            { kind: 'phone', value: '+81 3 0000 0000' },
          ],
        },
      ],
      defaultClasses: orgDefaults,
      rulesAccepted: true,
    }));
  const added = await addPrincipal(ctx, 'test', { orgId: org.id, name, email: `${name}@${ORG_DOMAIN}`, roles: ['submitter'], language: 'en' });
  return { principal: added.principal, org, secret: added.smtpSecret! };
}

export interface SmtpTestEnv extends PreparedDataDir {
  readonly ctx: AppContext;
  readonly tls: TlsMaterial;
  readonly server: RunningSmtpServer;
  readonly port: number;
  readonly logs: LogRecord[];
  events(name: string): LogRecord[];
  /** Stops the server and closes the context (idempotent), keeping the data directory. */
  stop(): Promise<void>;
  /** stop() and remove the data directory. */
  close(): Promise<void>;
}

export interface SmtpEnvOptions {
  readonly smtp?: SmtpConfigOverrides;
  readonly orgDefaults?: Organisation['defaultClasses'];
  readonly deps?: Partial<Pick<SmtpServerDeps, 'freeBytes' | 'closeGraceMs' | 'benchOnlyLoopbackPrincipal' | 'onAccepted'>>;
  /** Start over this existing data directory (a restart) instead of a fresh one. */
  readonly prepared?: PreparedDataDir;
}

/** Starts a server in this process over a fresh data directory. */
export async function startSmtpEnv(options: SmtpEnvOptions = {}): Promise<SmtpTestEnv> {
  const prepared = options.prepared ?? (await prepareDataDir(options.smtp, options.orgDefaults));
  const logs: LogRecord[] = [];
  const log = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) } });
  const ctx = await openContext(prepared.config, { log, defaultMetrics: false });
  const tls = await loadOrCreateTls(prepared.dir, 'localhost');
  const server = await startSmtpServer({ ...ctx, tls, closeGraceMs: 500, ...options.deps });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
    await ctx.close();
  };
  return {
    ...prepared,
    ctx,
    tls,
    server,
    port: server.port,
    logs,
    events: (name) => logs.filter((l) => l.event === name),
    stop,
    close: async () => {
      await stop();
      await prepared.remove();
    },
  };
}

/** nodemailer as the environment's submitter sends: STARTTLS required, AUTH with its SMTP secret. */
export function submitterTransport(env: Pick<SmtpTestEnv, 'port' | 'submitter'>) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: env.port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: env.submitter.principal.name, pass: env.submitter.secret },
  });
}
