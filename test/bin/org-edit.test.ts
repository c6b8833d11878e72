// `c4tap org edit|disable|remove` as an operator uses them against a real data directory: every
// change is checked by the registration rules (a point of contact keeps two contact means), refused
// with one line and exit 2, and audited with before and after; an organisation that has sent
// anything is kept for provenance and deactivated instead of removed.
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempDataDir, type TempDataDir } from '../helpers/cli.ts';
import { buildForward } from '../ingest/helpers/forwards.ts';

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
  'tokai-rail.example',
  '--network',
  '203.0.113.0/24',
  '--contact',
  'SOC;email=soc@tokai-rail.example;phone=+81-52-000-0000',
  '--rules-accepted',
];

interface OrgJson {
  id: string;
  name: string;
  sector: string;
  language: string;
  domains: string[];
  networks: string[];
  contacts: { name: string; means: { kind: string; value: string }[] }[];
}

describe('c4tap org edit, disable and remove', function () {
  this.timeout(180_000);
  let data: TempDataDir;
  beforeEach(() => (data = tempDataDir()));
  afterEach(() => data.remove());
  const cli = (...args: string[]) => runCli(args, data.env);
  const orgs = (): OrgJson[] => JSON.parse(cli('org', 'list', '--json').stdout);
  /** The audit events with this action, read from the database the CLI wrote. */
  const auditEvents = (action: string) => {
    const db = new Database(path.join(data.dir, 'c4tap.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT data FROM audit_events WHERE action = ? ORDER BY seq').all(action) as { data: string }[];
      return rows.map((r) => ({ data: JSON.parse(r.data) as Record<string, unknown> }));
    } finally {
      db.close();
    }
  };

  it('changes name, sector, domains, networks, language and contacts, and the audit log holds before and after', function () {
    expect(cli(...ORG).status).to.equal(0);
    const r = cli(
      'org',
      'edit',
      'Tokai Rail',
      '--name',
      'Tokai Railway',
      '--sector',
      'railway',
      '--add-domain',
      'TR-Group.example.',
      '--remove-domain',
      'tokai-rail.example',
      '--add-network',
      '2001:db8::/32',
      '--language',
      'en',
      '--add-contact',
      'CSIRT;email=csirt@tr-group.example;mobile=+81-90-0000-0000',
      '--set-contact',
      'SOC;email=soc@tr-group.example;phone=+81-52-111-1111;fax=+81-52-111-1112',
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/updated organisation org_\S+ "Tokai Railway"/);
    const [org] = orgs();
    expect(org).to.deep.include({
      name: 'Tokai Railway',
      sector: 'railway',
      language: 'en',
      domains: ['tr-group.example'],
      networks: ['203.0.113.0/24', '2001:db8::/32'],
    });
    expect(org!.contacts).to.deep.equal([
      {
        name: 'SOC',
        means: [
          { kind: 'email', value: 'soc@tr-group.example' },
          { kind: 'phone', value: '+81-52-111-1111' },
          { kind: 'fax', value: '+81-52-111-1112' },
        ],
      },
      {
        name: 'CSIRT',
        means: [
          { kind: 'email', value: 'csirt@tr-group.example' },
          { kind: 'mobile', value: '+81-90-0000-0000' },
        ],
      },
    ]);

    const removed = cli('org', 'edit', org!.id, '--remove-contact', 'soc');
    expect(removed.status, removed.stderr).to.equal(0);
    expect(orgs()[0]!.contacts.map((c) => c.name)).to.deep.equal(['CSIRT']);

    const db = runCli(['audit', 'verify'], data.env);
    expect(db.status, db.stdout).to.equal(0);
    const updates = auditEvents('organisation.updated');
    expect(updates).to.have.length(2);
    expect(updates[0]!.data).to.deep.include({
      before: {
        name: 'Tokai Rail',
        sector: 'rail',
        language: 'ja',
        domains: ['tokai-rail.example'],
        networks: ['203.0.113.0/24'],
        contacts: [
          {
            name: 'SOC',
            means: [
              { kind: 'email', value: 'soc@tokai-rail.example' },
              { kind: 'phone', value: '+81-52-000-0000' },
            ],
          },
        ],
      },
    });
    expect((updates[0]!.data.after as { name: string }).name).to.equal('Tokai Railway');
    expect((updates[1]!.data.after as { contacts: { name: string }[] }).contacts.map((c) => c.name)).to.deep.equal(['CSIRT']);
  });

  it('refuses a contact left with one contact means, the last contact, an unknown contact and a bad domain, in one line with exit 2, changing nothing', function () {
    expect(cli(...ORG).status).to.equal(0);
    const before = orgs();
    const cases: [string[], RegExp, number][] = [
      [['--set-contact', 'SOC;email=soc@tokai-rail.example'], /at least two contact means/, 2],
      [['--add-contact', 'Night desk;phone=+81-52-000-0001'], /at least two contact means/, 2],
      [['--remove-contact', 'SOC'], /at least one point of contact/, 2],
      [['--remove-contact', 'Nobody'], /no point of contact named "Nobody"/, 1],
      [['--add-contact', 'soc;email=a@tokai-rail.example;phone=+81-52-000-0009'], /already exists/, 1],
      [['--add-domain', 'not a domain!'], /not a domain name: not a domain!/, 2],
      [['--set-contact', 'SOC;email=soc@tokai-rail.example;carrier-pigeon=yes'], /means\.1\.kind/, 2],
    ];
    for (const [args, message, status] of cases) {
      const r = cli('org', 'edit', 'Tokai Rail', ...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(status);
      expect(r.stderr, args.join(' ')).to.match(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
    }
    expect(cli('org', 'edit', 'Tokai Rail').stderr).to.contain('nothing to change');
    expect(orgs()).to.deep.equal(before);
  });

  it('refuses to remove an organisation with submissions and principals; disable turns off its principals and revokes their tokens', async function () {
    expect(cli(...ORG).status).to.equal(0);
    expect(
      cli('principal', 'add', '--org', 'Tokai Rail', '--name', 'tr-soc', '--email', 'soc@tokai-rail.example', '--roles', 'submitter,reader').status,
    ).to.equal(0);
    const t = cli('token', 'issue', '--principal', 'tr-soc');
    const jti = /issued token (\S+)/.exec(t.stdout)![1]!;
    const file = path.join(data.dir, '..', 'report.eml');
    writeFileSync(file, (await buildForward({ originalMessageId: '<keep@attacker.example>', originalSubject: 'Invoice' })).forward);
    const imported = cli('import', '--principal', 'tr-soc', '--no-progress', file);
    expect(imported.status, imported.stderr).to.equal(0);

    const refused = cli('org', 'remove', 'Tokai Rail');
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.match(
      /^error \[CONFLICT\]: organisation "Tokai Rail" has submissions and is kept for provenance; deactivate it instead \(c4tap org disable "Tokai Rail"\)\n$/,
    );
    expect(orgs()).to.have.length(1);

    const disabled = cli('org', 'disable', 'Tokai Rail');
    expect(disabled.status, disabled.stderr).to.equal(0);
    expect(disabled.stdout).to.contain('1 principal(s) disabled, 1 API token(s) revoked');
    expect(cli('principal', 'list').stdout).to.match(/tr-soc .*disabled/);
    expect(cli('token', 'list').stdout).to.match(new RegExp(`${jti}.*revoked`));
  });

  it('removes an organisation registered by mistake, audited, and says so for an unknown one', function () {
    expect(cli(...ORG).status).to.equal(0);
    expect(
      cli('org', 'add', '--name', 'Typo Gas', '--tier', 'observer', '--sector', 'gas', '--contact', 'Desk;email=desk@gas.example;phone=+81-3-0000-0000').status,
    ).to.equal(0);
    const r = cli('org', 'remove', 'Typo Gas');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/removed organisation org_\S+ "Typo Gas"/);
    expect(orgs().map((o) => o.name)).to.deep.equal(['Tokai Rail']);
    expect(cli('audit', 'verify').status).to.equal(0);
    expect(auditEvents('organisation.removed').map((e) => (e.data.before as { name: string }).name)).to.deep.equal(['Typo Gas']);
    const missing = cli('org', 'remove', 'Typo Gas');
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.contain('no organisation "Typo Gas"');
  });
});
