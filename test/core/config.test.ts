import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INSTALL_DIR, loadConfig, redactConfig } from '../../core/config.ts';
import { isC4Error } from '../../core/errors.ts';

function failure(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('configuration', function () {
  it('defaults to the embedded set-up on loopback: ./var, SMTP 2525, HTTP 8080, SQLite', function () {
    const cfg = loadConfig({ env: {} });
    expect(cfg.dataDir).to.equal(path.resolve('var'));
    expect(cfg.smtp).to.include({ host: '127.0.0.1', port: 2525, maxMessageBytes: 25 * 1024 * 1024 });
    expect(cfg.http).to.include({ host: '127.0.0.1', port: 8080 });
    expect(cfg.store.backend).to.equal('sqlite');
    expect(cfg.sharing.minOrgsPerSector).to.equal(3);
  });

  it('takes environment overrides over the file, converting numbers and booleans', function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'c4cfg-'));
    try {
      const file = path.join(dir, 'c.json');
      writeFileSync(file, JSON.stringify({ smtp: { port: 2600, maxRecipients: 3 }, dataDir: '/srv/c4' }));
      const cfg = loadConfig({ file, env: { C4TAP_SMTP_PORT: '2700', C4TAP_SMTP_ALLOW_INSECURE_AUTH_ON_LOOPBACK: 'true' } });
      expect(cfg.smtp.port).to.equal(2700);
      expect(cfg.smtp.maxRecipients).to.equal(3);
      expect(cfg.smtp.allowInsecureAuthOnLoopback).to.equal(true);
      expect(cfg.dataDir).to.equal('/srv/c4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails start-up naming every bad key, what was expected and its environment variable', function () {
    const err = failure(() => loadConfig({ env: { C4TAP_SMTP_PORT: 'twenty-five', C4TAP_LOG_LEVEL: 'loud', C4TAP_HTTP_PORT: '70000' } }));
    expect(isC4Error(err, 'CONFIG_INVALID')).to.equal(true);
    expect(err.message).to.match(/smtp\.port \(environment C4TAP_SMTP_PORT\): .*number/);
    expect(err.message).to.match(/log\.level \(environment C4TAP_LOG_LEVEL\): .*"info"/);
    expect(err.message).to.match(/http\.port \(environment C4TAP_HTTP_PORT\): .*65535/);
    expect(err.message).not.to.contain('\n');
  });

  describe('names the place a bad setting came from', function () {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'c4cfg-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const fileWith = (content: unknown) => {
      const file = path.join(dir, 'c4tap.json');
      writeFileSync(file, JSON.stringify(content));
      return file;
    };

    it('blames a bad value in the config file on the file, not on an environment variable', function () {
      const file = fileWith({ smtp: { port: 'twenty-five' } });
      const err = failure(() => loadConfig({ file, env: {} }));
      expect(err.message).to.contain(`smtp.port (config file ${file})`);
      expect(err.message).not.to.contain('C4TAP_SMTP_PORT');
    });

    it('refuses an unknown key of the config file with the closest real one', function () {
      const file = fileWith({ smtp: { prot: 2600 }, dataDri: '/srv/c4' });
      const err = failure(() => loadConfig({ file, env: {} }));
      expect(isC4Error(err, 'CONFIG_INVALID')).to.equal(true);
      expect(err.message).to.contain(`smtp.prot (config file ${file}): unknown setting, did you mean smtp.port?`);
      expect(err.message).to.contain('dataDri (config file');
      expect(err.message).to.contain('did you mean dataDir?');
    });

    it('refuses a mistyped C4TAP_ environment variable with the closest real one', function () {
      const err = failure(() => loadConfig({ env: { C4TAP_DATADIR: '/srv/c4' } }));
      expect(err.message).to.contain('C4TAP_DATADIR (environment): unknown setting, did you mean C4TAP_DATA_DIR?');
    });

    it('leaves the C4TAP_ names that are not settings alone (config file path, test tools)', function () {
      expect(() => loadConfig({ env: { C4TAP_CONFIG: '', C4TAP_TEST_CLAMD_SOCKET: '/x', C4TAP_DEBUG: '1' } })).not.to.throw();
    });

    it('reads relative paths of a config file against its directory, of the environment against the working directory', function () {
      const file = fileWith({ dataDir: 'data', smtp: { tlsCertFile: 'tls/cert.pem', tlsKeyFile: '/etc/key.pem' } });
      const cfg = loadConfig({ file, env: { C4TAP_POLICIES_DIR: 'pol' }, cwd: '/somewhere' });
      expect(cfg.dataDir).to.equal(path.join(dir, 'data'));
      expect(cfg.smtp.tlsCertFile).to.equal(path.join(dir, 'tls/cert.pem'));
      expect(cfg.smtp.tlsKeyFile).to.equal('/etc/key.pem');
      expect(cfg.policiesDir).to.equal('/somewhere/pol');
    });

    it('puts the default data and policies directories in the installation, whatever the working directory', function () {
      const cfg = loadConfig({ env: {}, cwd: os.tmpdir() });
      expect(cfg.dataDir).to.equal(path.join(INSTALL_DIR, 'var'));
      expect(cfg.policiesDir).to.equal(path.join(INSTALL_DIR, 'policies'));
    });

    it('names a config file that does not exist and how it was chosen', function () {
      const err = failure(() => loadConfig({ env: { C4TAP_CONFIG: path.join(dir, 'nope.json') } }));
      expect(err.message).to.equal(`config file ${path.join(dir, 'nope.json')} (environment C4TAP_CONFIG): no such file`);
    });
  });

  it('refuses a config file that is not JSON, naming the file', function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'c4cfg-'));
    try {
      const file = path.join(dir, 'bad.json');
      writeFileSync(file, '{ smtp: ');
      const err = failure(() => loadConfig({ file, env: {} }));
      expect(isC4Error(err, 'CONFIG_INVALID')).to.equal(true);
      expect(err.message).to.contain(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('requires a URI when the MongoDB backend is chosen, and MONGODB_URI selects it', function () {
    expect(failure(() => loadConfig({ env: { C4TAP_STORE_BACKEND: 'mongodb' } })).message).to.match(/store\.mongodbUri/);
    const cfg = loadConfig({ env: { MONGODB_URI: 'mongodb://127.0.0.1:27017/c4' } });
    expect(cfg.store).to.include({ backend: 'mongodb', mongodbUri: 'mongodb://127.0.0.1:27017/c4' });
  });

  it('is frozen once loaded', function () {
    const cfg = loadConfig({ env: {} });
    expect(Object.isFrozen(cfg)).to.equal(true);
    expect(Object.isFrozen(cfg.smtp)).to.equal(true);
  });

  it('redacts secrets when printed', function () {
    const cfg = loadConfig({ env: { MONGODB_URI: 'mongodb://u:pw@db/c4', C4TAP_MAIL_RELAY_PASSWORD: 'hunter2' } });
    const text = JSON.stringify(redactConfig(cfg));
    expect(text).not.to.contain('hunter2');
    expect(text).not.to.contain('pw@db');
  });
});
