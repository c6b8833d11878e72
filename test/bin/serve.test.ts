// `c4tap serve` as an operator runs it: first start, later starts, clean stop on signals.
import { expect } from 'chai';
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServe as start, tempDataDir, type ServeProcess, type TempDataDir } from '../helpers/cli.ts';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('c4tap serve', function () {
  this.timeout(60_000);
  let data: TempDataDir;
  let started: ServeProcess[] = [];
  /** A serve process that is killed after the test, also when an assertion failed before the test stopped it. */
  const startServe = (...args: Parameters<typeof start>) => {
    const s = start(...args);
    started.push(s);
    return s;
  };
  beforeEach(() => (data = tempDataDir()));
  afterEach(() => {
    for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    started = [];
    data.remove();
  });

  it('creates the data directory with 0600 secrets on first start and prints the bootstrap password once', async function () {
    data.remove();
    data = tempDataDir({}, { initialise: false });
    const first = startServe(data.env);
    const [, url] = await first.waitFor(/HTTP\s+(http:\/\/\S+)/);
    const [, password] = await first.waitFor(/one-time password: (\S+)/);
    expect(password).to.have.length.greaterThan(16);
    expect(mode(data.dir)).to.equal(0o700);
    expect(mode(path.join(data.dir, 'secrets.json'))).to.equal(0o600);
    expect(mode(path.join(data.dir, 'c4tap.db'))).to.equal(0o600);
    expect(mode(path.join(data.dir, 'tls', 'smtp-key.pem'))).to.equal(0o600);
    expect(JSON.parse(readFileSync(path.join(data.dir, 'secrets.json'), 'utf8')).vaultKeys).to.have.length(1);
    const health = await fetch(`${url}/api/v1/health`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.include({ status: 'ok', store: 'sqlite' });
    first.child.kill('SIGTERM');
    expect(await first.exited()).to.equal(0);

    const second = startServe(data.env);
    await second.waitFor(/HTTP\s+http/);
    await second.waitFor(/SMTP\s+\S+/).catch(() => undefined);
    second.child.kill('SIGINT');
    expect(await second.exited()).to.equal(0);
    expect(second.output()).not.to.match(/password/i);
    expect(second.output()).not.to.contain(password);
  });

  it('serves Prometheus metrics', async function () {
    const s = startServe(data.env);
    const [, url] = await s.waitFor(/HTTP\s+(http:\/\/\S+)/);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).to.contain('c4tap_smtp_messages_accepted_total');
    expect(text).to.match(/c4tap_jobs\{status="pending"\} 0/);
    s.child.kill('SIGTERM');
    expect(await s.exited()).to.equal(0);
  });

  it('reports the JavaScript memory of its main thread and of the SQLite writer thread apart in the metrics', async function () {
    const s = startServe(data.env);
    const [, url] = await s.waitFor(/HTTP\s+(http:\/\/\S+)/);
    const text = await (await fetch(`${url}/metrics`)).text();
    const bytes = (thread: string, kind: string) =>
      Number(new RegExp(`c4tap_thread_memory_bytes\\{thread="${thread}",kind="${kind}"\\} (\\d+)`).exec(text)?.[1]);
    // The writer thread runs from the first write (the bootstrap secretariat account at start).
    for (const thread of ['main', 'sqlite-writer']) {
      expect(bytes(thread, 'heap_used'), `${thread} heap used`).to.be.greaterThan(1024 * 1024);
      expect(bytes(thread, 'heap_total'), `${thread} heap total`).to.be.at.least(bytes(thread, 'heap_used'));
      expect(bytes(thread, 'array_buffers'), `${thread} array buffers`).to.be.at.least(0);
    }
    s.child.kill('SIGTERM');
    expect(await s.exited()).to.equal(0);
  });

  it('refuses to start on an invalid setting, naming the key', async function () {
    const s = startServe({ ...data.env, C4TAP_SMTP_MAX_RECIPIENTS: 'lots' });
    expect(await s.exited()).to.equal(2);
    expect(s.errors().trim().split('\n')).to.have.length(1);
    expect(s.errors()).to.match(/smtp\.maxRecipients \(environment C4TAP_SMTP_MAX_RECIPIENTS\): .*number/);
  });
});
