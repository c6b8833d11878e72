// The c4tap command as a newcomer first runs it: from any directory, in each of its forms, and each
// early mistake (no data directory, mistyped setting, busy port, missing file, read-only data
// directory) answered with one line naming the setting, where it was set and the path.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO, runCli, startServe, tempDataDir, type TempDataDir } from '../helpers/cli.ts';

const ORG = [
  'org',
  'add',
  '--name',
  'Kanto Power',
  '--tier',
  'participant',
  '--sector',
  'electricity',
  '--domain',
  'kanto-power.example',
  '--contact',
  'CSIRT;email=csirt@kanto-power.example;phone=+81-3-0000-0000',
  '--rules-accepted',
];

/** stderr as lines, without the blank end. */
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

function holdPort(): Promise<net.Server & { port: number }> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => resolve(Object.assign(server, { port: (server.address() as net.AddressInfo).port })));
  });
}

describe("c4tap from a newcomer's shell", function () {
  this.timeout(180_000);
  let data: TempDataDir;
  let elsewhere: string;
  beforeEach(() => {
    data = tempDataDir();
    elsewhere = mkdtempSync(path.join(os.tmpdir(), 'c4tap-elsewhere-'));
  });
  afterEach(() => {
    data.remove();
    rmSync(elsewhere, { recursive: true, force: true });
  });

  describe('runs from any directory', function () {
    it('refuses, from a directory without a data directory, naming the path it looked at, and creates nothing there', function () {
      const r = runCli(['org', 'list'], { ...data.env, C4TAP_DATA_DIR: 'var' }, { cwd: elsewhere });
      expect(r.status).to.equal(2);
      expect(lines(r.stderr)).to.have.length(1);
      expect(r.stderr).to.contain(`no data directory at ${path.join(elsewhere, 'var')}: dataDir (environment C4TAP_DATA_DIR)`);
      expect(r.stderr).to.contain('c4tap init');
      expect(readdirSync(elsewhere)).to.deep.equal([]);
    });

    it('c4tap init creates the data directory (0700) with 0600 secrets and prints the next steps; admin commands then work', function () {
      data.remove();
      data = tempDataDir({}, { initialise: false });
      const r = runCli(['init'], data.env, { cwd: elsewhere });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(`initialised data directory ${data.dir}`);
      expect(r.stdout).to.match(/one-time password: \S{16,}/);
      expect(r.stdout).to.contain('Next steps:');
      expect(statSync(data.dir).mode & 0o777).to.equal(0o700);
      expect(statSync(path.join(data.dir, 'secrets.json')).mode & 0o777).to.equal(0o600);
      const list = runCli(['principal', 'list'], data.env, { cwd: elsewhere });
      expect(list.status, list.stderr).to.equal(0);
      expect(list.stdout).to.match(/admin .*secretariat/);
    });

    it('bin/c4tap works through a symlink in another directory (as npx and npm link call it)', function () {
      mkdirSync(path.join(elsewhere, '.bin'));
      symlinkSync(path.join(REPO, 'bin', 'c4tap'), path.join(elsewhere, '.bin', 'c4tap'));
      const r = spawnSync(path.join(elsewhere, '.bin', 'c4tap'), ORG, { env: data.env, cwd: elsewhere, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('created organisation');
    });

    it("npm run c4tap -- works from a sub-directory, reading paths relative to it and the config file's own directory", function () {
      const sub = mkdtempSync(path.join(REPO, '.tmp-cli-'));
      try {
        writeFileSync(path.join(sub, 'c4tap.json'), JSON.stringify({ dataDir: 'data' }));
        const env = { ...data.env, C4TAP_DATA_DIR: '', npm_config_loglevel: 'silent' };
        const r = spawnSync('npm', ['run', '--silent', 'c4tap', '--', '--config', 'c4tap.json', 'config', 'print'], {
          env,
          cwd: sub,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(r.status, r.stderr).to.equal(0);
        expect(JSON.parse(r.stdout).dataDir).to.equal(path.join(sub, 'data'));
      } finally {
        rmSync(sub, { recursive: true, force: true });
      }
    });

    it('--version prints the version', function () {
      const r = runCli(['--version'], data.env);
      expect(r.status).to.equal(0);
      expect(r.stdout.trim()).to.match(/^c4tap \d+\.\d+\.\d+$/);
    });
  });

  describe('answers each newcomer mistake with one line naming the setting', function () {
    it('a mistyped C4TAP_ environment variable', function () {
      const r = runCli(['org', 'list'], { ...data.env, C4TAP_SMTP_PROT: '2600' });
      expect(r.status).to.equal(2);
      expect(lines(r.stderr)).to.deep.equal([
        'error [CONFIG_INVALID]: invalid configuration: C4TAP_SMTP_PROT (environment): unknown setting, did you mean C4TAP_SMTP_PORT?',
      ]);
    });

    it('a bad value in the config file, blamed on the file and not on an environment variable', function () {
      const file = path.join(elsewhere, 'c4tap.json');
      writeFileSync(file, JSON.stringify({ http: { port: 'eighty' }, smtp: { maxMesageBytes: 1 } }));
      const r = runCli(['--config', file, 'org', 'list'], { ...data.env, C4TAP_HTTP_PORT: '' });
      expect(r.status).to.equal(2);
      expect(lines(r.stderr)).to.have.length(1);
      expect(r.stderr).to.contain(`http.port (config file ${file}): Invalid input: expected number`);
      expect(r.stderr).to.contain(`smtp.maxMesageBytes (config file ${file}): unknown setting, did you mean smtp.maxMessageBytes?`);
      expect(r.stderr).not.to.contain('C4TAP_HTTP_PORT');
    });

    for (const listener of ['http', 'smtp'] as const) {
      it(`a busy ${listener.toUpperCase()} port (no crash on an unhandled 'error' event)`, async function () {
        const held = await holdPort();
        try {
          const env = { ...data.env, [`C4TAP_${listener.toUpperCase()}_PORT`]: String(held.port) };
          const s = startServe(env, ['--roles', listener === 'http' ? 'api' : 'smtp']);
          expect(await s.exited()).to.equal(2);
          expect(lines(s.errors())).to.deep.equal([
            `error [CONFIG_INVALID]: cannot listen on 127.0.0.1:${held.port} for ${listener.toUpperCase()}: address already in use ` +
              `(another process listens there: stop it or choose another port); ${listener}.port (environment C4TAP_${listener.toUpperCase()}_PORT)`,
          ]);
        } finally {
          held.close();
        }
      });
    }

    it('an import file that does not exist', function () {
      expect(runCli(ORG, data.env).status).to.equal(0);
      expect(
        runCli(['principal', 'add', '--org', 'Kanto Power', '--name', 'kp', '--email', 'csirt@kanto-power.example', '--roles', 'submitter'], data.env).status,
      ).to.equal(0);
      const r = runCli(['import', '--principal', 'kp', 'old-reports/missing.eml'], data.env, { cwd: elsewhere });
      expect(r.status).to.equal(2);
      expect(lines(r.stderr)).to.deep.equal([
        `error [VALIDATION_FAILED]: nothing imported: no such file or directory: ${path.join(elsewhere, 'old-reports/missing.eml')}`,
      ]);
    });

    it('a data directory the user cannot write', function () {
      // root writes anywhere: the command then runs as nobody on a directory nobody may only read.
      const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      chmodSync(path.dirname(data.dir), 0o755);
      if (asOther.uid !== undefined) chownSync(data.dir, asOther.uid, asOther.gid);
      chmodSync(data.dir, 0o500);
      const r = runCli(['org', 'list'], { ...data.env, HOME: elsewhere }, asOther);
      chmodSync(data.dir, 0o700);
      expect(r.status).to.equal(2);
      expect(lines(r.stderr)).to.have.length(1);
      expect(r.stderr).to.match(new RegExp(`data directory ${data.dir} is not writable by user \\S+ \\(EACCES\\): dataDir \\(environment C4TAP_DATA_DIR\\)`));
    });
  });

  it('admin commands log human lines on stderr, never JSON lines, even at log level info', function () {
    const r = runCli(['retention', 'run', '--dry-run'], { ...data.env, C4TAP_LOG_LEVEL: 'info' });
    expect(r.status, r.stderr).to.equal(0);
    expect(lines(r.stderr)).to.include('info: retention planned (retention.planned)');
    expect(lines(r.stderr).filter((l) => l.trimStart().startsWith('{'))).to.deep.equal([]);
  });
});
