// The system under test: the real embedded `c4tap serve` on a fresh data directory and free
// ports, set up with the `c4tap` CLI as an operator would (organisations, principals, SMTP
// secrets, API tokens, digest subscriptions). AV stays unconfigured ("AV not configured").
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, startServe, tempDataDir, type ServeProcess, type TempDataDir } from '../../test/helpers/cli.ts';
import { AFFILIATE, OBSERVER, PARTICIPANTS, SECRETARIAT, readerAddress, submitterAddress, type OrgSpec } from './identities.ts';

export const DROP_ADDRESS = 'report@c4tap.example';

export interface SystemUnderTest {
  readonly data: TempDataDir;
  readonly serve: ServeProcess;
  readonly extraWorkers: readonly ServeProcess[];
  readonly httpUrl: string;
  readonly smtpPort: number;
  readonly tlsCa: Buffer;
  /** SMTP secrets of the submitters, by principal name. */
  readonly smtpSecrets: ReadonlyMap<string, string>;
  /** API tokens by principal name (readers and the analyst). */
  readonly tokens: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

/** The CLI in a child process, without blocking: independent set-up steps run side by side. */
function cliAsync(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bin', 'c4tap.ts'), ...args], {
      env,
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`c4tap ${args.join(' ')} failed (${code}): ${err || out}`))));
  });
}

function addOrg(org: OrgSpec, env: NodeJS.ProcessEnv): Promise<string> {
  return cliAsync(
    [
      'org',
      'add',
      '--name',
      org.name,
      '--tier',
      org.tier,
      '--sector',
      org.sector,
      '--domain',
      org.domain,
      '--contact',
      `Desk;email=desk@${org.domain};phone=+81-3-0000-0000`,
      '--language',
      'ja',
      '--rules-accepted',
    ],
    env,
  );
}

function addPrincipal(org: OrgSpec, name: string, email: string, roles: string, env: NodeJS.ProcessEnv): Promise<string> {
  return cliAsync(['principal', 'add', '--org', org.name, '--name', name, '--email', email, '--roles', roles], env);
}

async function issueToken(name: string, env: NodeJS.ProcessEnv): Promise<string> {
  const out = await cliAsync(['token', 'issue', '--principal', name, '--ttl', '2d', '--label', 'quality'], env);
  const m = /token \(shown once\): (\S+)/.exec(out);
  if (!m) throw new Error(`no token in: ${out}`);
  return m[1]!;
}

/** Registers everyone, subscribes the readers to digests (files by link), then starts serve. */
export async function startSystem(extraWorkers: number, log: (line: string) => void): Promise<SystemUnderTest> {
  const data = tempDataDir({
    C4TAP_SMTP_GREETING_DELAY_MS: '0',
    C4TAP_SMTP_MIN_FREE_BYTES: '0',
    C4TAP_DIGESTS_ENABLED: 'false',
    C4TAP_API_RATE_LIMIT_POINTS: '1000000',
    C4TAP_WORKER_POLL_MS: '200',
    C4TAP_LOG_LEVEL: 'error',
  });
  const env = data.env;
  const smtpSecrets = new Map<string, string>();
  const tokens = new Map<string, string>();
  log('registering organisations and principals with the c4tap CLI');
  // The first command creates the data directory and its secrets; the rest run side by side.
  const [first, ...orgs] = [...PARTICIPANTS, OBSERVER, AFFILIATE, SECRETARIAT];
  await addOrg(first!, env);
  await Promise.all(orgs.map((o) => addOrg(o, env)));
  const submitters = await Promise.all(PARTICIPANTS.map((org) => addPrincipal(org, org.submitter!, submitterAddress(org), 'submitter', env)));
  PARTICIPANTS.forEach((org, i) => {
    const m = /password (\S+)/.exec(submitters[i]!);
    if (!m) throw new Error(`no SMTP secret in: ${submitters[i]}`);
    smtpSecrets.set(org.submitter!, m[1]!);
  });
  await Promise.all([
    ...[...PARTICIPANTS, OBSERVER, AFFILIATE].map((org) => addPrincipal(org, org.reader, readerAddress(org), 'reader', env)),
    addPrincipal(SECRETARIAT, SECRETARIAT.reader, readerAddress(SECRETARIAT), 'analyst', env),
  ]);
  const readers = [...PARTICIPANTS, OBSERVER, AFFILIATE, SECRETARIAT];
  await Promise.all([
    ...readers.map(async (org) => tokens.set(org.reader, await issueToken(org.reader, env))),
    ...[PARTICIPANTS[0]!, OBSERVER, AFFILIATE].map((org) =>
      cliAsync(['digest', 'subscribe', org.reader, '--schedule', 'daily', '--attachments', 'link', '--from-seq', '0'], env),
    ),
  ]);
  const serve = startServe(env);
  const [, httpUrl] = await serve.waitFor(/HTTP\s+(http:\/\/\S+)/, 60_000);
  const [, port] = await serve.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/, 60_000);
  const workers = Array.from({ length: extraWorkers }, () => startServe(env, ['--roles', 'worker']));
  const tlsCa = readFileSync(path.join(data.dir, 'tls', 'smtp-cert.pem'));
  log(`serve started: HTTP ${httpUrl}, SMTP 127.0.0.1:${port}, ${extraWorkers} extra worker process(es), data ${data.dir}`);
  const stop = async () => {
    for (const p of [serve, ...workers]) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    }
    await Promise.all([serve, ...workers].map((p) => p.exited()));
  };
  return { data, serve, extraWorkers: workers, httpUrl: httpUrl!, smtpPort: Number(port), tlsCa, smtpSecrets, tokens, stop };
}

/** `c4tap <args>` against the running system's data directory. */
export function systemCli(sut: SystemUnderTest, args: readonly string[]): Promise<string> {
  return cliAsync(args, sut.data.env);
}
