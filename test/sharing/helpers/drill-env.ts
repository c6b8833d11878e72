// A drill set-up for tests: a temp data directory with the composition root's context (SQLite
// store, an injected clock that only moves when told), the real SMTP ingest server on an ephemeral
// loopback port, and the public acknowledgement page over real HTTP. Organisations with their
// points of contact are added per test; notices go out through whichever mailer the test passes.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { openContext, outboxDir, type AppContext } from '../../../bin/context.ts';
import { addOrganisation } from '../../../core/directory.ts';
import { drillTokenKey } from '../../../core/drills.ts';
import { createLogger } from '../../../core/logger.ts';
import { createMailer, type Mailer } from '../../../core/mailer.ts';
import { loadOrCreateTls, type TlsMaterial } from '../../../core/secrets.ts';
import type { Language, Organisation } from '../../../core/types.ts';
import { startSmtpServer, type RunningSmtpServer } from '../../../ingest/smtp-server.ts';
import type { DrillDeps } from '../../../sharing/drills/index.ts';
import { createDrillAckRouter, DRILL_ACK_PATH } from '../../../web/console/index.ts';
import { createHttpApp, listen } from '../../../web/server.ts';
import { addSubmitter, DROP, testConfig, type LogRecord, type Submitter } from '../../ingest/helpers/smtp-env.ts';

/** The drills' fixed start: Monday 6 January 2025, 09:00 JST. */
export const DRILL_BASE = Date.UTC(2025, 0, 6, 0, 0, 0);

export interface DrillEnv {
  readonly ctx: AppContext;
  readonly dir: string;
  readonly tls: TlsMaterial;
  readonly smtpPort: number;
  /** e.g. http://127.0.0.1:41234 (the acknowledgement page). */
  readonly origin: string;
  /** A participant organisation (Example Rail) with an SMTP submitter. */
  readonly submitter: Submitter;
  readonly logs: LogRecord[];
  now(): Date;
  advance(ms: number): void;
  /** A participant organisation with these contacts (each with a phone besides the given means). */
  addOrg(name: string, language: Language, contacts: readonly { name: string; email?: string }[]): Promise<Organisation>;
  /** What startDrill needs, sending through `mailer` (default: the outbox). */
  drillDeps(mailer?: Mailer): DrillDeps;
  close(): Promise<void>;
}

export async function startDrillEnv(smtp: Record<string, string | number | boolean> = {}): Promise<DrillEnv> {
  const dir = await mkdtemp(path.join(tmpdir(), 'c4tap-drill-'));
  const config = testConfig(dir, smtp);
  let offset = 0;
  const clock = () => new Date(DRILL_BASE + offset);
  const logs: LogRecord[] = [];
  const log = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) } });
  const ctx = await openContext(config, { log, clock, defaultMetrics: false });
  let smtpServer: RunningSmtpServer | null = null;
  let http: Server | null = null;
  try {
    const submitter = await addSubmitter(ctx, 'rail-soc');
    const tls = await loadOrCreateTls(dir, 'localhost');
    smtpServer = await startSmtpServer({ ...ctx, tls, closeGraceMs: 500 });
    const app = createHttpApp({
      log,
      registry: new Registry(),
      trustProxy: false,
      health: async () => ({}),
      routers: [{ path: DRILL_ACK_PATH, router: createDrillAckRouter(ctx) }],
    });
    http = await listen(app, '127.0.0.1', 0);
    const addr = http.address();
    const origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const outbox = createMailer({ ...config.mail, outboxDir: outboxDir(dir) });
    const running = { smtp: smtpServer, http };
    return {
      ctx,
      dir,
      tls,
      smtpPort: smtpServer.port,
      origin,
      submitter,
      logs,
      now: clock,
      advance: (ms) => void (offset += ms),
      addOrg: (name, language, contacts) =>
        addOrganisation(ctx, 'test', {
          name,
          tier: 'participant',
          sector: 'electricity',
          language,
          contacts: contacts.map((c) => ({
            name: c.name,
            means: [
              c.email ? { kind: 'email' as const, value: c.email } : { kind: 'fax' as const, value: '+81 3 0000 9999' },
              { kind: 'phone' as const, value: '+81 3 0000 0000' },
            ],
          })),
          rulesAccepted: true,
        }),
      drillDeps: (mailer = outbox) => ({
        ...ctx,
        mailer,
        tokenKey: drillTokenKey(ctx.secrets),
        exchange: { name: 'C4TAP', dropAddress: DROP, baseUrl: origin },
      }),
      async close() {
        await running.smtp.close();
        await new Promise<void>((resolve) => {
          running.http.close(() => resolve());
          running.http.closeAllConnections();
        });
        await ctx.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await smtpServer?.close();
    http?.close();
    await ctx.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
