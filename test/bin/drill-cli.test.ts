// `c4tap drill start|list|report` as an operator uses them, with the outbox as the mailer.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import path from 'node:path';
import { listOutbox } from '../../core/mailer.ts';
import { runCli, startServe, tempDataDir, type ServeProcess, type TempDataDir } from '../helpers/cli.ts';
import { swaks, requireSwaks } from '../ingest/helpers/swaks.ts';

const org = (name: string, ...contacts: string[]) => [
  'org',
  'add',
  '--name',
  name,
  '--tier',
  'participant',
  '--sector',
  'gas',
  '--language',
  'en',
  ...contacts.flatMap((c) => ['--contact', c]),
  '--rules-accepted',
];

describe('c4tap drill', function () {
  before(function () {
    requireSwaks(this);
  });
  this.timeout(120_000);
  let data: TempDataDir;
  let served: ServeProcess | null = null;
  beforeEach(() => (data = tempDataDir({ C4TAP_SMTP_MIN_FREE_BYTES: '0', C4TAP_SMTP_GREETING_DELAY_MS: '0' })));
  afterEach(() => {
    if (served && served.child.exitCode === null && served.child.signalCode === null) served.child.kill('SIGKILL');
    served = null;
    data.remove();
  });
  const cli = (...args: string[]) => runCli(args, data.env);

  it('starts a drill for the organisations named, lists it and reports every notice, as a table and as CSV', function () {
    expect(cli(...org('Gas Example', 'Aoki;email=aoki@gas.example;phone=+81-3-0000-0001', 'Baba;phone=+81-3-0000-0002;fax=+81-3-0000-0003')).status).to.equal(
      0,
    );
    expect(cli(...org('Rail Example', 'SOC;email=soc@rail.example;phone=+81-3-0000-0004')).status).to.equal(0);

    const started = cli('drill', 'start', '--title', 'CLI drill', '--org', 'Gas Example');
    expect(started.status, started.stderr).to.equal(0);
    const id = /started drill (drill_\S+) "CLI drill": 2 notice\(s\)/.exec(started.stdout)?.[1];
    expect(id, started.stdout).to.be.a('string');
    expect(started.stdout).to.include('sent 1, failed 0, without an e-mail address 1');
    const mails = listOutbox(path.join(data.dir, 'outbox')).map((m) => m.raw.toString('utf8'));
    expect(mails).to.have.length(1);
    expect(mails[0])
      .to.match(/^To: aoki@gas\.example/m)
      .and.match(/^Reply-To: drill\+[0-9a-f]{32}@c4tap\.example/m);

    const list = cli('drill', 'list');
    expect(list.stdout).to.match(new RegExp(`${id} .*CLI drill +2 +0 +1 +1`));

    const report = cli('drill', 'report', id!);
    expect(report.status, report.stderr).to.equal(0);
    expect(report.stdout).to.include('0 of 2 acknowledged, 1 missing, 1 not sent');
    expect(report.stdout)
      .to.match(/Aoki +aoki@gas\.example +missing/)
      .and.match(/Baba +not-sent .*no e-mail address/);

    const csv = cli('drill', 'report', id!, '--csv');
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.contact, r.status])).to.deep.equal([
      ['Aoki', 'missing'],
      ['Baba', 'not-sent'],
    ]);

    const audit = cli('audit', 'list', '--limit', '100');
    expect(audit.stdout).to.match(new RegExp(`drill\\.started +${id}`));
  });

  it('takes acknowledgements at a running `c4tap serve`: the link page on HTTP and a reply on SMTP', async function () {
    cli(...org('Gas Example', 'Aoki;email=aoki@gas.example;phone=+81-3-0000-0001', 'Baba;email=baba@gas.example;phone=+81-3-0000-0002'));
    served = startServe(data.env, ['--roles', 'smtp,web']);
    const [, url] = await served.waitFor(/HTTP\s+(http:\/\/\S+)/);
    const [, smtpPort] = await served.waitFor(/SMTP\s+127\.0\.0\.1:(\d+)/);
    const started = runCli(['drill', 'start', '--title', 'Served drill', '--org', 'Gas Example'], { ...data.env, C4TAP_EXCHANGE_BASE_URL: url! });
    expect(started.status, started.stderr).to.equal(0);
    const id = /started drill (drill_\S+)/.exec(started.stdout)![1]!;
    const mails = listOutbox(path.join(data.dir, 'outbox')).map((m) => m.raw.toString('utf8'));
    const toAoki = mails.find((m) => /^To: aoki@/m.test(m))!;
    const toBaba = mails.find((m) => /^To: baba@/m.test(m))!;

    const link = new RegExp(`${url}/drill/ack/[0-9a-f]{32}`).exec(toAoki)![0];
    expect((await fetch(link)).status).to.equal(200);
    expect((await fetch(link, { method: 'POST' })).status).to.equal(200);
    const reply = await swaks({ port: Number(smtpPort), from: 'baba@gas.example', to: /^Reply-To: (\S+)/m.exec(toBaba)![1]! });
    expect(reply.lastReply, reply.transcript).to.match(/^250 Drill acknowledgement recorded/);

    const rows = parse(cli('drill', 'report', id, '--csv').stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.contact, r.status, r.via])).to.deep.equal([
      ['Aoki', 'acknowledged', 'link'],
      ['Baba', 'acknowledged', 'reply'],
    ]);
  });

  it('refuses an unknown drill or organisation with a clear message and exit code 2', function () {
    const drill = cli('drill', 'report', 'drill_nope');
    expect(drill.status).to.equal(2);
    expect(drill.stderr).to.include('no drill "drill_nope"');
    const orgMissing = cli('drill', 'start', '--org', 'Nowhere');
    expect(orgMissing.status).to.equal(2);
    expect(orgMissing.stderr).to.include('no organisation "Nowhere"');
  });
});
