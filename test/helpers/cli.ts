// Runs the real `c4tap` command in a child process against a temp data directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadOrCreateSecrets } from '../../core/secrets.ts';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
const ENTRY = path.join(REPO, 'bin', 'c4tap.ts');
/** One Node process with tsx's loader, as bin/c4tap runs it: signals reach the server directly. */
const NODE_ARGS = ['--import', pathToFileURL(path.join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, ENTRY];

export interface TempDataDir {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  remove(): void;
}

export interface TempDataDirOptions {
  /**
   * Create the data directory and its secrets, as `c4tap init` does (default): administration
   * commands refuse a data directory that does not exist. false: leave it to `serve`/`init`.
   */
  readonly initialise?: boolean;
}

/** A fresh data directory and an environment that points the CLI at it, on ephemeral ports. */
export function tempDataDir(extraEnv: NodeJS.ProcessEnv = {}, options: TempDataDirOptions = {}): TempDataDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-cli-'));
  const dataDir = path.join(dir, 'var');
  if (options.initialise ?? true) {
    mkdirSync(dataDir, { mode: 0o700 });
    loadOrCreateSecrets(dataDir);
  }
  const env = {
    ...process.env,
    C4TAP_DATA_DIR: dataDir,
    C4TAP_POLICIES_DIR: path.join(REPO, 'policies'),
    C4TAP_HTTP_PORT: '0',
    C4TAP_SMTP_PORT: '0',
    C4TAP_LOG_LEVEL: 'warn',
    C4TAP_CONFIG: '',
    ...extraEnv,
  };
  return { dir: dataDir, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `where`: another working directory, or another user (uid/gid) than the test's. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, where: { cwd?: string; uid?: number; gid?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], { env, cwd: REPO, encoding: 'utf8', timeout: 60_000, ...where });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface ServeProcess {
  readonly child: ChildProcess;
  /** Everything printed to stdout so far. */
  output(): string;
  /** Everything printed to stderr so far. */
  errors(): string;
  /** Resolves with the first stdout line matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name). */
  exited(): Promise<number | string>;
}

/**
 * `c4tap serve` started as an operator starts it: through bin/c4tap (which sets the serving
 * process's environment, e.g. glibc's malloc threshold, then execs Node: the child's pid is Node's).
 */
export function startServe(env: NodeJS.ProcessEnv, args: readonly string[] = []): ServeProcess {
  const child = spawn(path.join(REPO, 'bin', 'c4tap'), ['serve', ...args], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of [...waiters]) {
      const m = out.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    output: () => out,
    errors: () => err,
    waitFor(pattern, timeoutMs = 30_000) {
      const m = out.match(pattern);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`)), timeoutMs);
        waiters.push({ pattern, resolve: (mm) => (clearTimeout(timer), resolve(mm)) });
        void exit.then((code) => reject(new Error(`serve exited (${code}) before ${pattern}; stdout: ${out}; stderr: ${err}`)));
      });
    },
    exited: () => exit,
  };
}

/** `c4tap org add` arguments registering the participant the CLI suites forward from (Example Rail, rail.example). */
export const RAIL_ORG_ADD = [
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
  '--language',
  'ja',
  '--rules-accepted',
];
