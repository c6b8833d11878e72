// The deployment examples in deploy/ are kept true: each systemd unit starts a real `c4tap`
// command with real roles as the same user, with the hardening the README promises, writing only
// to the data directory its environment file names; that environment file is a valid config; the
// nginx example proxies exactly the paths the exchange serves, keeps the console off the public
// side and sets X-Forwarded-For itself. `systemd-analyze verify` checks the units too where it runs.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigDetailed } from '../../core/config.ts';
import { ROLES } from '../../bin/commands/serve.ts';
import { API_MOUNT } from '../../sharing/api/router.ts';
import { TAXII_MOUNT } from '../../sharing/taxii/router.ts';
import { PUBLIC_MOUNT } from '../../sharing/public/router.ts';
import { DIGEST_FILES_MOUNT } from '../../sharing/digests/recipient.ts';
import { DRILL_ACK_PATH } from '../../sharing/drills/start.ts';
import { CONSOLE_PATH } from '../../web/console/index.ts';
import { REPO, runCli } from '../helpers/cli.ts';

const DEPLOY = path.join(REPO, 'deploy');
const INSTALL = '/opt/c4tap';
const UNITS = ['c4tap-serve.service', 'c4tap-worker.service', 'c4tap-worker@.service'];

type Unit = Record<string, Record<string, string[]>>;

/** systemd's unit syntax: [Section] headers, Key=Value lines (a key may repeat), # and ; comments. */
function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section: Record<string, string[]> | null = null;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = unit[header[1]!] = {};
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`line ${i + 1}: not a Key=Value line inside a section: ${raw}`);
    (section[kv[1]!] ??= []).push(kv[2]!);
  }
  return unit;
}

function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('#'))
      .map((l) => {
        const m = /^([A-Z0-9_]+)=(.*)$/.exec(l.trim());
        if (!m) throw new Error(`not NAME=value: ${l}`);
        return [m[1]!, m[2]!];
      }),
  );
}

const unitText = (name: string) => readFileSync(path.join(DEPLOY, 'systemd', name), 'utf8');
const one = (u: Unit, section: string, key: string) => {
  const v = u[section]?.[key];
  expect(v, `${section}.${key}`).to.have.length(1);
  return v![0]!;
};

describe('deploy/ examples: systemd units, environment file, nginx', function () {
  this.timeout(120_000);
  const env = parseEnvFile(readFileSync(path.join(DEPLOY, 'c4tap.env.example'), 'utf8'));
  const units = Object.fromEntries(UNITS.map((n) => [n, parseUnit(unitText(n))]));

  it('starts an existing c4tap command with valid roles in every unit', function () {
    const commands: string[] = [];
    for (const [name, u] of Object.entries(units)) {
      const [exe, ...args] = one(u, 'Service', 'ExecStart').split(/\s+/);
      expect(exe, name).to.equal(`${INSTALL}/bin/c4tap`);
      accessSync(path.join(REPO, 'bin', 'c4tap'), constants.X_OK);
      expect(one(u, 'Service', 'WorkingDirectory'), name).to.equal(INSTALL);
      const help = runCli([args[0]!, '--help'], process.env);
      expect(help.status, `${name}: c4tap ${args[0]} --help: ${help.stderr}`).to.equal(0);
      const roles = args.indexOf('--roles');
      if (roles >= 0) for (const r of args[roles + 1]!.split(',')) expect(ROLES, `${name} role ${r}`).to.include(r);
      commands.push(args.join(' '));
    }
    // Every role runs somewhere, the worker role (digests, retention) in exactly one unit.
    expect(commands).to.deep.equal(['serve --roles smtp,web,api', 'serve --roles worker', 'worker']);
  });

  it('runs every unit as the same unprivileged user, hardened, writing only to the data directory the environment file names', function () {
    for (const [name, u] of Object.entries(units)) {
      const s = u['Service']!;
      expect(one(u, 'Service', 'User'), name).to.equal('c4tap');
      expect(one(u, 'Service', 'Group'), name).to.equal('c4tap');
      expect(one(u, 'Service', 'EnvironmentFile'), name).to.equal('/etc/c4tap/c4tap.env');
      expect(one(u, 'Service', 'ReadWritePaths'), name).to.equal(env.C4TAP_DATA_DIR);
      expect(`/var/lib/${one(u, 'Service', 'StateDirectory')}`, name).to.equal(env.C4TAP_DATA_DIR);
      expect(one(u, 'Service', 'StateDirectoryMode'), name).to.equal('0700');
      expect(one(u, 'Service', 'UMask'), name).to.equal('0077');
      for (const [key, value] of [
        ['NoNewPrivileges', 'yes'],
        ['ProtectSystem', 'strict'],
        ['PrivateTmp', 'yes'],
        ['ProtectHome', 'yes'],
        ['Restart', 'on-failure'],
      ]) {
        expect(one(u, 'Service', key!), `${name} ${key}`).to.equal(value);
      }
      expect(s['MemoryDenyWriteExecute'], `${name}: Node's JIT needs W+X memory`).to.equal(undefined);
      expect(one(u, 'Install', 'WantedBy'), name).to.equal('multi-user.target');
    }
    // Only the unit with the SMTP listener may bind a port below 1024.
    expect(one(units['c4tap-serve.service']!, 'Service', 'AmbientCapabilities')).to.equal('CAP_NET_BIND_SERVICE');
    expect(Number(env.C4TAP_SMTP_PORT)).to.be.below(1024);
    for (const n of ['c4tap-worker.service', 'c4tap-worker@.service']) expect(one(units[n]!, 'Service', 'CapabilityBoundingSet'), n).to.equal('');
  });

  it('ships an environment file the exchange accepts: every name a real setting, HTTP on loopback behind the proxy', function () {
    const { C4TAP_CONFIG: _file, ...rest } = env;
    const loaded = loadConfigDetailed({ env: rest, cwd: os.tmpdir() });
    expect(loaded.config.dataDir).to.equal(env.C4TAP_DATA_DIR);
    expect(loaded.config.http.host).to.equal('127.0.0.1');
    expect(loaded.config.http.trustProxy).to.equal(true);
    expect(loaded.config.smtp.port).to.equal(25);
  });

  it('passes systemd-analyze verify', function () {
    if (spawnSync('systemd-analyze', ['--version']).status !== 0) {
      process.stderr.write('      skipped: systemd-analyze is not installed (apt-get install systemd); the parser checks above still ran\n');
      this.skip();
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'c4tap-units-'));
    try {
      const envFile = path.join(dir, 'c4tap.env');
      writeFileSync(envFile, readFileSync(path.join(DEPLOY, 'c4tap.env.example')));
      // Installed as deploy/README.md says: the installation's path in place of /opt/c4tap.
      const files = UNITS.map((n) => n.replace('@.', '@1.')).map((n, i) => {
        const file = path.join(dir, n);
        writeFileSync(file, unitText(UNITS[i]!).replaceAll(`${INSTALL}/bin/`, `${REPO}/bin/`).replace('/etc/c4tap/c4tap.env', envFile));
        return file;
      });
      const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8', timeout: 60_000 });
      const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /c4tap/.test(l));
      expect(r.status, problems.join('\n')).to.equal(0);
      expect(problems, 'no complaint about our units').to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('proxies exactly the public paths the exchange serves, keeps the console internal and sets X-Forwarded-For itself', function () {
    const conf = readFileSync(path.join(DEPLOY, 'nginx', 'c4tap.conf'), 'utf8').replace(/#.*$/gm, '');
    expect(conf.split('{').length, 'balanced braces').to.equal(conf.split('}').length);
    const servers = conf.split(/^server\s*\{/m).slice(1);
    const [publicServer, redirect, internal] = servers as [string, string, string];
    expect(conf).to.match(new RegExp(`server ${env.C4TAP_HTTP_HOST}:${env.C4TAP_HTTP_PORT};`));
    expect(publicServer).to.match(/listen 443 ssl;/);
    expect(redirect).to.match(/return 301 https:/);
    const proxied = [...publicServer.matchAll(/location (\S+)\s*\{ proxy_pass http:\/\/c4tap; \}/g)].map((m) => m[1]!);
    expect(proxied.sort()).to.deep.equal([API_MOUNT, TAXII_MOUNT, PUBLIC_MOUNT, DIGEST_FILES_MOUNT, DRILL_ACK_PATH].map((p) => `${p}/`).sort());
    expect(publicServer).to.match(new RegExp(`location ${CONSOLE_PATH}\\s*\\{ return 404; \\}`));
    expect(internal).to.match(new RegExp(`location ${CONSOLE_PATH}/\\s*\\{ proxy_pass http://c4tap; \\}`));
    expect(internal).to.match(/deny all;/);
    for (const s of [publicServer, internal]) {
      expect(s).to.contain('proxy_set_header X-Forwarded-For $remote_addr;');
      expect(s).to.not.contain('$proxy_add_x_forwarded_for');
    }
  });
});
