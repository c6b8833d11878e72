// The administration commands as an operator uses them: they print what they did, fail with a
// clear message and a non-zero exit, and `audit verify` catches tampering with the database.
import { expect } from 'chai';
import Database from 'better-sqlite3';
import path from 'node:path';
import { runCli, tempDataDir, type TempDataDir } from '../helpers/cli.ts';

const ORG = [
  'org',
  'add',
  '--name',
  'Tokai Rail',
  '--tier',
  'participant',
  '--sector',
  'rail',
  '--domain',
  'TOKAI-RAIL.example.',
  '--network',
  '203.0.113.0/24',
  '--contact',
  'SOC;email=soc@tokai-rail.example;phone=+81-52-000-0000',
  '--rules-accepted',
];

describe('c4tap administration commands', function () {
  this.timeout(120_000);
  let data: TempDataDir;
  beforeEach(() => (data = tempDataDir()));
  afterEach(() => data.remove());
  const cli = (...args: string[]) => runCli(args, data.env);

  it('registers an organisation with normalised domains and lists it', function () {
    const added = cli(...ORG);
    expect(added.status, added.stderr).to.equal(0);
    expect(added.stdout).to.match(/created organisation org_\S+ "Tokai Rail" \(participant, rail\)/);
    const list = cli('org', 'list', '--json');
    const orgs = JSON.parse(list.stdout);
    expect(orgs[0]).to.deep.include({ name: 'Tokai Rail', domains: ['tokai-rail.example'], networks: ['203.0.113.0/24'] });
  });

  it('refuses a point of contact with a single contact means, exiting 2 with the reason', function () {
    const r = cli('org', 'add', '--name', 'X', '--tier', 'observer', '--sector', 'gas', '--contact', 'Solo;email=solo@x.example');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('at least two contact means');
    expect(JSON.parse(cli('org', 'list', '--json').stdout)).to.deep.equal([]);
  });

  it('creates a submitter with SMTP credentials shown once, disables it, and issues and revokes tokens', function () {
    cli(...ORG);
    const p = cli('principal', 'add', '--org', 'Tokai Rail', '--name', 'TR-SOC', '--email', 'soc@tokai-rail.example', '--roles', 'submitter,reader');
    expect(p.status, p.stderr).to.equal(0);
    expect(p.stdout).to.match(/SMTP submission credentials \(shown once\): user tr-soc, password \S{20,}/);
    const t = cli('token', 'issue', '--principal', 'tr-soc', '--ttl', '7d');
    expect(t.status, t.stderr).to.equal(0);
    const jti = /issued token (\S+)/.exec(t.stdout)![1]!;
    expect(cli('token', 'list').stdout).to.match(new RegExp(`${jti}.*active`));
    expect(cli('token', 'revoke', jti).stdout).to.contain('revoked');
    expect(cli('token', 'list').stdout).to.match(new RegExp(`${jti}.*revoked`));
    expect(cli('principal', 'disable', 'tr-soc').stdout).to.contain('now disabled');
    expect(cli('principal', 'list').stdout).to.match(/tr-soc .*disabled/);
    const missing = cli('principal', 'disable', 'nobody');
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.contain('no principal named "nobody"');
  });

  it('audit verify passes on an untouched log and exits non-zero after an event is edited', function () {
    cli(...ORG);
    cli('principal', 'add', '--org', 'Tokai Rail', '--name', 'tr-soc', '--email', 'soc@tokai-rail.example', '--roles', 'reader');
    const ok = cli('audit', 'verify');
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/audit log intact: 2 events/);

    const db = new Database(path.join(data.dir, 'c4tap.db'));
    db.prepare("UPDATE audit_events SET data = replace(data, 'Tokai', 'Other') WHERE seq = 1").run();
    db.close();
    const edited = cli('audit', 'verify');
    expect(edited.status).to.equal(1);
    expect(edited.stdout).to.match(/BROKEN[\s\S]*hash-mismatch: event 1/);
  });

  it('audit verify finds a removed last event', function () {
    cli(...ORG);
    cli('principal', 'add', '--org', 'Tokai Rail', '--name', 'tr-soc', '--email', 'soc@tokai-rail.example', '--roles', 'reader');
    const db = new Database(path.join(data.dir, 'c4tap.db'));
    db.prepare('DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)').run();
    db.close();
    const r = cli('audit', 'verify');
    expect(r.status).to.equal(1);
    expect(r.stdout).to.contain('head-mismatch');
  });

  it('prints help for every command', function () {
    for (const args of [
      ['--help'],
      ['org', '--help'],
      ['principal', 'add', '--help'],
      ['token', 'issue', '--help'],
      ['audit', 'verify', '--help'],
      ['retention', 'run', '--help'],
      ['keys', 'rotate', '--help'],
    ]) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).to.equal(0);
      expect(r.stdout).to.contain('Usage: c4tap');
    }
  });
});
