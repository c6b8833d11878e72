// `c4tap worker` and `c4tap serve` (role worker) as an operator runs them: mail imported with
// `c4tap import` is analysed to triage, and the process stops cleanly on a signal.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { openContext } from '../../bin/context.ts';
import { RAIL_ORG_ADD, REPO, runCli, startServe, tempDataDir, type TempDataDir } from '../helpers/cli.ts';
import { buildForward } from '../fixtures/mail-builder.ts';
import { buildLnk, buildZip } from './helpers/file-builders.ts';
import { waitFor } from '../helpers/wait-for.ts';

async function statusesIn(data: TempDataDir): Promise<string[]> {
  const config = loadConfig({ env: {}, overrides: { dataDir: data.dir } });
  const ctx = await openContext(config, { log: createLogger({ level: 'silent' }), defaultMetrics: false });
  try {
    return (await ctx.store.listSubmissions({}, { limit: 10 })).items.map((s) => s.status);
  } finally {
    await ctx.close();
  }
}

async function waitForTriage(data: TempDataDir, timeoutMs = 30_000): Promise<void> {
  let statuses: string[] = [];
  await waitFor(
    () => `analysed submissions (now: ${statuses.join(', ')})`,
    async () => {
      statuses = await statusesIn(data);
      return statuses.length > 0 && statuses.every((s) => s === 'awaiting-triage');
    },
    { timeoutMs, intervalMs: 200 },
  );
}

describe('c4tap worker and serve --roles worker', function () {
  this.timeout(120_000);
  let data: TempDataDir;
  beforeEach(async () => {
    data = tempDataDir({ C4TAP_WORKER_POLL_MS: '50' });
    expect(runCli(RAIL_ORG_ADD, data.env).status).to.equal(0);
    expect(
      runCli(['principal', 'add', '--org', 'Example Rail', '--name', 'rail-soc', '--email', 'soc@rail.example', '--roles', 'submitter'], data.env).status,
    ).to.equal(0);
    const zip = await buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk() }]);
    const forward = await buildForward(
      'rfc822',
      {
        from: 'billing@invoices-secure.example',
        to: 'taro@rail.example',
        subject: 'Invoice',
        text: 'see attached',
        attachments: [{ filename: 'invoice.zip', content: zip, contentType: 'application/zip' }],
      },
      { submitter: 'soc@rail.example', note: 'FYI' },
    );
    const file = path.join(data.dir, '..', 'forward.eml');
    writeFileSync(file, forward);
    const imported = runCli(['import', '--principal', 'rail-soc', '--no-progress', file], data.env);
    expect(imported.status, imported.stderr).to.equal(0);
  });
  afterEach(() => data.remove());

  it('c4tap worker analyses the imported submission and stops on SIGTERM', async () => {
    const child = spawn(path.join(REPO, 'node_modules', '.bin', 'tsx'), [path.join(REPO, 'bin', 'c4tap.ts'), 'worker'], {
      env: data.env,
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await waitForTriage(data);
      expect(out).to.match(/worker \S+ analysing/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
  });

  it('c4tap serve runs the worker role next to the others', async () => {
    const serve = startServe(data.env, ['--roles', 'worker']);
    try {
      await serve.waitFor(/WORKER\s+\S+/);
      await waitForTriage(data);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited()).to.equal(0);
  });
});
