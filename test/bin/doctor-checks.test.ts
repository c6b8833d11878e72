// The doctor's checks of what the analysis and the store rely on, as an operator meets them: a YARA
// rule file that does not compile, a warning-lists folder left empty, a database written by a newer
// program, and a clock minutes off the relay's are each a failure naming the file or the peer and
// the fix; the installation's own policies pass.
import { expect } from 'chai';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import Database from 'better-sqlite3';
import { REPO, runCli, tempDataDir, type CliResult, type TempDataDir } from '../helpers/cli.ts';

/**
 * An SMTP relay whose greeting carries a date (as Exim's and Sendmail's do), `offsetMs` off our
 * clock. It runs in its own process: runCli blocks this one while the doctor talks to it.
 */
async function relayWithClock(offsetMs: number): Promise<{ port: number; close(): void }> {
  const code = `
    const server = require('node:net').createServer((socket) => {
      const date = new Date(Date.now() + ${offsetMs}).toUTCString().replace('GMT', '+0000');
      socket.on('error', () => undefined);
      socket.end('220 relay.c4tap.example ESMTP Exim 4.96 ' + date + '\\r\\n');
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { port: Number(line.toString().trim()), close: () => child.kill() };
}

describe('c4tap doctor: rules, warning lists, schema version, time skew', function () {
  this.timeout(120_000);
  let data: TempDataDir;
  let policies: string;

  beforeEach(() => {
    data = tempDataDir();
    policies = path.join(data.dir, '..', 'policies');
    cpSync(path.join(REPO, 'policies'), policies, { recursive: true });
  });
  afterEach(() => data.remove());

  const doctor = (env: NodeJS.ProcessEnv = {}): CliResult => runCli(['doctor'], { ...data.env, C4TAP_POLICIES_DIR: policies, ...env });

  it("passes the installation's own rules and warning lists", function () {
    const r = doctor();
    expect(r.stdout).to.match(/^ok +YARA rules +(\d+) of \1 rule files in \S+ compile$/m);
    expect(r.stdout).to.match(/^ok +warning lists +\d+ lists \(\d+ MISP\), \d+ entries in /m);
  });

  it('fails a rule file that does not compile, naming it, and still counts the others', function () {
    writeFileSync(path.join(policies, 'yara', 'broken.yar'), 'rule broken { condition: no_such_identifier }\n');
    const r = doctor();
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/^FAIL +YARA rules +\S+\/yara\/broken\.yar does not compile: .+ — fix: correct the rule/m);
    expect(r.stdout).to.match(/^ok +YARA rules +(\d+) of (\d+) rule files/m);
    expect(r.stdout).to.contain('1 check(s) failed');
  });

  it('fails an empty warning-lists folder: nothing benign would be held back', function () {
    rmSync(path.join(policies, 'warninglists'), { recursive: true });
    mkdirSync(path.join(policies, 'warninglists'));
    const r = doctor();
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(
      /^FAIL +warning lists +no warning list entries in \S+warninglists: .* — fix: copy the installation's policies\/warninglists there$/m,
    );
  });

  it('fails a database written by a newer program and warns before the next serve migrates an older one', function () {
    const file = path.join(data.dir, 'c4tap.db');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    const newer = doctor();
    expect(newer.status).to.equal(1);
    expect(newer.stdout).to.match(/^FAIL +schema version +\S+c4tap\.db at version 999, newer than this program's \d+ — fix: upgrade C4TAP/m);

    const old = new Database(file);
    old.pragma('user_version = 1');
    old.close();
    expect(doctor().stdout).to.match(
      /^warn +schema version +\S+c4tap\.db at version 1, this program's is \d+: the next serve migrates it — fix: take a backup first/m,
    );
  });

  it("fails a clock ten minutes off the relay's, and passes one that agrees", async function () {
    const off = await relayWithClock(-10 * 60_000);
    const good = await relayWithClock(0);
    try {
      const skewed = doctor({ C4TAP_MAIL_RELAY_HOST: '127.0.0.1', C4TAP_MAIL_RELAY_PORT: String(off.port) });
      expect(skewed.status).to.equal(1);
      expect(skewed.stdout).to.match(
        /^FAIL +time skew +ahead of the relay 127\.0\.0\.1 \(its greeting's date\) by (59\d|60\d) s — fix: synchronise the clock/m,
      );
      const agreed = doctor({ C4TAP_MAIL_RELAY_HOST: '127.0.0.1', C4TAP_MAIL_RELAY_PORT: String(good.port) });
      expect(agreed.stdout).to.match(/^ok +time skew +(ahead of|behind) the relay 127\.0\.0\.1 \(its greeting's date\) by \d s$/m);
    } finally {
      off.close();
      good.close();
    }
  });
});
