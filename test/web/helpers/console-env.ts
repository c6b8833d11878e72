// A running console for tests: a temp data directory with the composition root's context (SQLite
// store, filesystem vault), a secretariat organisation with an analyst whose password is known,
// a participant organisation with a submitter and a reader, and the HTTP stack (helmet, console
// router, optionally the REST API) on an ephemeral loopback port. The clock can be moved.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { loadConfig, type Config } from '../../../core/config.ts';
import { createLogger } from '../../../core/logger.ts';
import { addOrganisation, addPrincipal } from '../../../core/directory.ts';
import { hashSecret } from '../../../core/passwords.ts';
import type { Organisation, Principal, Role } from '../../../core/types.ts';
import { openContext, outboxDir, type AppContext } from '../../../bin/context.ts';
import { createHttpApp, listen } from '../../../web/server.ts';
import { CONSOLE_PATH, createConsoleRouter } from '../../../web/console/index.ts';
import { API_MOUNT, createApiRouter } from '../../../sharing/api/router.ts';
import { runChecks } from '../../../bin/doctor/run.ts';
import { createParticipantRouter, PARTICIPANT_PATH } from '../../../web/participant/index.ts';
import { loginAndEnrol, type LoggedIn } from './http-client.ts';

export const DROP = 'report@c4tap.example';
export const PARTICIPANT_DOMAIN = 'rail.example';

export interface Account {
  readonly principal: Principal;
  readonly password: string;
}

export interface ConsoleEnv {
  readonly ctx: AppContext;
  readonly config: Config;
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  readonly secretariatOrg: Organisation;
  readonly participantOrg: Organisation;
  readonly analyst: Account;
  readonly submitter: { readonly principal: Principal; readonly secret: string };
  /** Moves the injected clock forward. */
  advance(ms: number): void;
  now(): Date;
  addAccount(name: string, roles: Role[], orgId?: string, extra?: Partial<Principal>): Promise<Account>;
  close(): Promise<void>;
}

export interface ConsoleEnvOptions {
  readonly console?: Record<string, unknown>;
  /** Mount the REST API too (for end-to-end checks as a reader). */
  readonly api?: boolean;
  /** Use the system clock (browser tests: TOTP codes from the authenticator's own time). */
  readonly realClock?: boolean;
  /** Mount the participant page too (web/participant/). */
  readonly participant?: boolean;
}

export async function startConsoleEnv(options: ConsoleEnvOptions = {}): Promise<ConsoleEnv> {
  const dir = await mkdtemp(path.join(tmpdir(), 'c4tap-console-'));
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: dir,
      exchange: { dropAddress: DROP, hostname: 'localhost' },
      smtp: { enabled: false },
      http: { port: 0 },
      log: { level: 'silent' },
      console: options.console ?? {},
    } as never,
  });
  let offset = 0;
  const clock = () => new Date((options.realClock ? Date.now() : Date.UTC(2025, 0, 6, 0, 0, 0)) + offset);
  const ctx = await openContext(config, { log: createLogger({ level: 'silent' }), defaultMetrics: false, clock });
  const secretariatOrg = await addOrganisation(ctx, 'test', {
    name: 'C4TAP Secretariat',
    tier: 'participant',
    sector: 'secretariat',
    contacts: [
      {
        name: 'Desk',
        means: [
          { kind: 'email', value: 'desk@c4tap.example' },
          { kind: 'phone', value: '+81 3 0000 0001' },
        ],
      },
    ],
    rulesAccepted: true,
  });
  const participantOrg = await addOrganisation(ctx, 'test', {
    name: 'Example Rail',
    tier: 'participant',
    sector: 'rail',
    domains: [PARTICIPANT_DOMAIN],
    networks: ['198.51.100.0/24'],
    contacts: [
      {
        name: 'SOC',
        means: [
          { kind: 'email', value: `soc@${PARTICIPANT_DOMAIN}` },
          { kind: 'phone', value: '+81 3 0000 0002' },
        ],
      },
    ],
    rulesAccepted: true,
  });
  const addAccount = async (name: string, roles: Role[], orgId = secretariatOrg.id, extra: Partial<Principal> = {}): Promise<Account> => {
    const added = await addPrincipal(ctx, 'test', { orgId, name, email: `${name}@example.org`, roles, language: 'en' });
    const password = `${name}-password-123`;
    const principal = (await ctx.store.updatePrincipal(added.principal.id, { passwordHash: await hashSecret(password), mustChangePassword: false, ...extra }))!;
    return { principal, password };
  };
  const analyst = await addAccount('analyst1', ['analyst']);
  const sub = await addPrincipal(ctx, 'test', {
    orgId: participantOrg.id,
    name: 'rail-soc',
    email: `soc@${PARTICIPANT_DOMAIN}`,
    roles: ['submitter'],
    language: 'en',
  });
  const routers = [
    {
      path: CONSOLE_PATH,
      router: createConsoleRouter({ ...ctx, outboxDir: outboxDir(dir), diagnostics: () => runChecks({ config, file: null, sources: new Map() }) }),
    },
  ];
  if (options.api) routers.push({ path: API_MOUNT, router: createApiRouter({ ...ctx, limits: ctx.config.api }) });
  if (options.participant) routers.push({ path: PARTICIPANT_PATH, router: createParticipantRouter({ ...ctx, outboxDir: outboxDir(dir) }) });
  const app = createHttpApp({ log: ctx.log, registry: new Registry(), trustProxy: false, health: async () => ({}), routers });
  const server: Server = await listen(app, '127.0.0.1', 0);
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    ctx,
    config,
    origin: `http://127.0.0.1:${port}`,
    secretariatOrg,
    participantOrg,
    analyst,
    submitter: { principal: sub.principal, secret: sub.smtpSecret! },
    advance: (ms) => void (offset += ms),
    now: clock,
    addAccount,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ctx.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface StaffSuite {
  readonly env: ConsoleEnv;
  /** A secretariat account and the env's analyst, both signed in (TOTP enrolled). */
  readonly secretariat: LoggedIn;
  readonly analyst: LoggedIn;
}

/** Registers the suite's hooks: a console env with a signed-in secretariat account and analyst, closed after the suite. */
export function staffSuite(options: ConsoleEnvOptions = {}): StaffSuite {
  const f = {} as { env: ConsoleEnv; secretariat: LoggedIn; analyst: LoggedIn };
  before(async () => {
    f.env = await startConsoleEnv(options);
    const sec = await f.env.addAccount('secretary', ['secretariat']);
    f.secretariat = await loginAndEnrol(f.env.origin, 'secretary', sec.password, f.env.now);
    f.analyst = await loginAndEnrol(f.env.origin, 'analyst1', f.env.analyst.password, f.env.now);
  });
  after(async () => {
    await f.env?.close();
  });
  return f;
}
