// `c4tap doctor` as an operator runs it after a change: a stopped clamd, an expired certificate and
// a secrets file other users can read are each reported as a failure with the fix, exit 1.
import { expect } from 'chai';
import { chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';
import { runCli, tempDataDir, type CliResult, type TempDataDir } from '../helpers/cli.ts';

/** A port nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('c4tap doctor', function () {
  this.timeout(120_000);
  let data: TempDataDir;
  let report: CliResult;
  let clamdPort: number;
  before(async () => {
    data = tempDataDir();
    const day = 24 * 3600 * 1000;
    const pems = await generate([{ name: 'commonName', value: 'mx.c4tap.example' }], {
      keyType: 'ec',
      curve: 'P-256',
      notBeforeDate: new Date(Date.now() - 30 * day),
      notAfterDate: new Date(Date.now() - day),
    } as Parameters<typeof generate>[1]);
    const cert = path.join(data.dir, 'expired-cert.pem');
    const key = path.join(data.dir, 'expired-key.pem');
    writeFileSync(cert, pems.cert);
    writeFileSync(key, pems.private, { mode: 0o600 });
    chmodSync(path.join(data.dir, 'secrets.json'), 0o644);
    clamdPort = await closedPort();
    report = runCli(['doctor'], {
      ...data.env,
      C4TAP_SMTP_TLS_CERT_FILE: cert,
      C4TAP_SMTP_TLS_KEY_FILE: key,
      C4TAP_CLAMD_HOST: '127.0.0.1',
      C4TAP_CLAMD_PORT: String(clamdPort),
    });
  });
  after(() => data.remove());

  it('exits 1 and counts the failures', function () {
    expect(report.status, report.stderr).to.equal(1);
    expect(report.stdout).to.contain('3 check(s) failed');
  });

  it('reports a stopped clamd as a failure, naming where it looked and how to fix it', function () {
    expect(report.stdout).to.match(
      new RegExp(`^FAIL +clamd +127\\.0\\.0\\.1:${clamdPort}: .*ECONNREFUSED.* — fix: start clamd .*clamd\\.host \\(environment C4TAP_CLAMD_HOST\\)`, 'm'),
    );
  });

  it('reports an expired TLS certificate as a failure', function () {
    expect(report.stdout).to.match(/^FAIL +TLS certificate +\S+expired-cert\.pem expired on \d{4}-/m);
  });

  it('reports a secrets file other users can read as a failure with the chmod to run', function () {
    const secrets = path.join(data.dir, 'secrets.json');
    expect(report.stdout).to.contain(`FAIL  file mode         ${secrets} is mode 0644: other users can read it — fix: chmod 600 ${secrets}`);
  });

  it('reports what is fine as ok (disk, the outbox instead of a relay)', function () {
    expect(report.stdout).to.match(/^ok +disk +\d+ MiB free/m);
    expect(report.stdout).to.match(/^ok +mail relay +none/m);
  });
});
