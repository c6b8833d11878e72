// The SMTP ingest server in a child process, for tests that kill it (SIGKILL) mid-way.
// Started by startSmtpChild() below; as a script it reads its data directory and SMTP settings
// from the environment, starts the server through the composition root, and prints its port.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../core/logger.ts';
import { loadOrCreateTls } from '../../../core/secrets.ts';
import { openContext } from '../../../bin/context.ts';
import { startSmtpServer } from '../../../ingest/smtp-server.ts';
import { testConfig, type SmtpConfigOverrides } from './smtp-env.ts';

const SELF = fileURLToPath(import.meta.url);

export interface SmtpChild {
  readonly child: ChildProcess;
  readonly port: number;
  /** SIGKILL, resolving once the process is gone. */
  kill(): Promise<void>;
}

export function startSmtpChild(dir: string, smtp: SmtpConfigOverrides = {}): Promise<SmtpChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF], {
    env: { ...process.env, C4TAP_TEST_CHILD_DIR: dir, C4TAP_TEST_CHILD_SMTP: JSON.stringify(smtp) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^\{"port":(\d+)\}$/m.exec(out);
      if (line) resolve({ child, port: Number(line[1]), kill });
    });
    child.once('exit', (code) => reject(new Error(`SMTP child exited early with ${code}: ${out}`)));
  });
}

async function main(): Promise<void> {
  const dir = process.env.C4TAP_TEST_CHILD_DIR!;
  const config = testConfig(dir, JSON.parse(process.env.C4TAP_TEST_CHILD_SMTP ?? '{}') as SmtpConfigOverrides);
  const ctx = await openContext(config, { log: createLogger({ level: 'silent' }), defaultMetrics: false });
  const tls = await loadOrCreateTls(dir, 'localhost');
  const server = await startSmtpServer({ ...ctx, tls });
  process.stdout.write(JSON.stringify({ port: server.port }) + '\n');
}

if (process.argv[1] === SELF) {
  main().catch((err: unknown) => {
    process.stderr.write(`smtp-child: ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
}
