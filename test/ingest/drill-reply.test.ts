// Drill replies at the SMTP ingest server: the one kind of mail taken without AUTH, and only for a
// drill reply address with a known token. Everything else still needs AUTH; nothing of a reply is
// stored and no submission is created.
import { expect } from 'chai';
import { listOutbox } from '../../core/mailer.ts';
import { outboxDir } from '../../bin/context.ts';
import { drillRecipient, isAutomaticReply } from '../../ingest/drill-reply.ts';
import { startDrill } from '../../sharing/drills/index.ts';
import { DRILL_BASE, startDrillEnv, type DrillEnv } from '../sharing/helpers/drill-env.ts';
import { DROP, SENDER } from './helpers/smtp-env.ts';
import { SmtpTalk } from './helpers/smtp-talk.ts';
import { expectNothingStored } from './helpers/stored.ts';
import { swaks, requireSwaks } from './helpers/swaks.ts';

const MINUTE = 60_000;
const UNKNOWN = `drill+${'0'.repeat(32)}@c4tap.example`;

describe('SMTP ingest: drill replies', function () {
  before(function () {
    requireSwaks(this);
  });
  this.timeout(30_000);
  let env: DrillEnv;
  let replyTo: Record<string, string>;

  async function start(smtp: Record<string, number> = {}): Promise<void> {
    env = await startDrillEnv(smtp);
    const org = await env.addOrg('Gas Example', 'ja', [
      { name: 'Aoki', email: 'aoki@gas.example' },
      { name: 'Baba', email: 'baba@gas.example' },
    ]);
    const started = await startDrill(env.drillDeps(), { actor: 'cli:test', orgIds: [org.id] });
    await started.sending;
    replyTo = {};
    for (const m of listOutbox(outboxDir(env.dir))) {
      const text = m.raw.toString('latin1');
      replyTo[/^To: (\S+)/m.exec(text)![1]!] = /^Reply-To: (drill\+[0-9a-f]{32}@c4tap\.example)/m.exec(text)![1]!;
    }
  }
  afterEach(() => env?.close());

  const ackOf = async (address: string) => {
    const drill = (await env.ctx.store.listDrills(1))[0]!;
    return (await env.ctx.store.listDrillNotices(drill.id)).find((n) => n.address === address)!;
  };
  const reasons = () => env.logs.filter((l) => l.event === 'smtp.rejected').map((l) => l.reason);

  it('still refuses an unauthenticated message to the drop address with 530, storing nothing', async function () {
    await start();
    const run = await swaks({ port: env.smtpPort, from: SENDER, to: DROP });
    expect(run.lastReply, run.transcript).to.match(/^530 /);
    const tagged = await swaks({ port: env.smtpPort, from: SENDER, to: 'amber@c4tap.example', tls: true });
    expect(tagged.lastReply, tagged.transcript).to.match(/^530 /);
    const elsewhere = await swaks({ port: env.smtpPort, from: SENDER, to: 'someone@relay-victim.example' });
    expect(elsewhere.lastReply, elsewhere.transcript).to.match(/^530 /);
    expect(reasons()).to.deep.equal(['not-authenticated', 'not-authenticated', 'not-authenticated']);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('answers 550 at RCPT TO to an unknown or malformed drill token and records nothing', async function () {
    await start();
    const talk = await SmtpTalk.connect(env.smtpPort);
    await talk.read();
    await talk.command('EHLO mx.gas.example');
    expect((await talk.command('MAIL FROM:<aoki@gas.example>'))?.code).to.equal(250);
    expect((await talk.command(`RCPT TO:<${UNKNOWN}>`))?.code).to.equal(550);
    expect((await talk.command('RCPT TO:<drill+not-a-token@c4tap.example>'))?.code).to.equal(550);
    expect((await talk.command('DATA'))?.code).to.equal(503);
    talk.destroy();
    expect(reasons()).to.deep.equal(['drill-token-unknown', 'drill-token-malformed']);
    expect((await ackOf('aoki@gas.example')).ackAt).to.equal(null);
  });

  it('records a reply without AUTH, and keeps the first time when the contact replies again', async function () {
    await start();
    env.advance(5 * MINUTE);
    const first = await swaks({ port: env.smtpPort, from: 'aoki@gas.example', to: replyTo['aoki@gas.example']!.toUpperCase() });
    expect(first.lastReply, first.transcript).to.equal('250 Drill acknowledgement recorded, thank you');
    env.advance(4 * MINUTE);
    const again = await swaks({ port: env.smtpPort, from: 'aoki@gas.example', to: replyTo['aoki@gas.example']!, tls: true });
    expect(again.lastReply).to.equal('250 Drill acknowledgement recorded, thank you');
    expect(await ackOf('aoki@gas.example')).to.include({ ackAt: new Date(DRILL_BASE + 5 * MINUTE).toISOString(), ackVia: 'reply' });
    expect((await ackOf('baba@gas.example')).ackAt).to.equal(null);
    const audited = (await env.ctx.store.listAudit(0, 100)).filter((e) => e.action === 'drill.acknowledged');
    expect(audited.map((e) => [e.actor, e.data.first])).to.deep.equal([
      ['system', true],
      ['system', false],
    ]);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('does not count an automatic reply (Auto-Submitted, null sender) as an acknowledgement', async function () {
    await start();
    const vacation = await swaks({
      port: env.smtpPort,
      from: 'aoki@gas.example',
      to: replyTo['aoki@gas.example']!,
      extra: ['--header', 'Auto-Submitted: auto-replied'],
    });
    expect(vacation.lastReply, vacation.transcript).to.match(/^250 Automatic reply received/);
    const bounce = await swaks({ port: env.smtpPort, from: '<>', to: replyTo['aoki@gas.example']! });
    expect(bounce.lastReply, bounce.transcript).to.match(/^250 Automatic reply received/);
    expect((await ackOf('aoki@gas.example')).ackAt).to.equal(null);
  });

  it('answers 552 to a drill reply over maxDrillReplyBytes and records nothing', async function () {
    await start({ maxDrillReplyBytes: 4096 });
    const run = await swaks({ port: env.smtpPort, from: 'aoki@gas.example', to: replyTo['aoki@gas.example']!, extra: ['--body', 'x'.repeat(8000)] });
    expect(run.lastReply, run.transcript).to.match(/^552 /);
    expect((await ackOf('aoki@gas.example')).ackAt).to.equal(null);
  });

  it('records a drill reply sent by an authenticated submitter, creating no submission', async function () {
    await start();
    const { principal, secret } = env.submitter;
    const run = await swaks({
      port: env.smtpPort,
      from: SENDER,
      to: replyTo['baba@gas.example']!,
      tls: true,
      auth: { user: principal.name, password: secret },
    });
    expect(run.lastReply, run.transcript).to.equal('250 Drill acknowledgement recorded, thank you');
    expect(await ackOf('baba@gas.example')).to.include({ ackVia: 'reply' });
    const audited = (await env.ctx.store.listAudit(0, 100)).filter((e) => e.action === 'drill.acknowledged');
    expect(audited.map((e) => e.actor)).to.deep.equal([principal.id]);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('answers 452 to a recipient that would mix a drill reply and a report in one transaction', async function () {
    await start();
    const talk = await SmtpTalk.connect(env.smtpPort);
    await talk.secureHello();
    expect((await talk.authPlain(env.submitter.principal.name, env.submitter.secret))?.code).to.equal(235);
    expect((await talk.command(`MAIL FROM:<${SENDER}>`))?.code).to.equal(250);
    expect((await talk.command(`RCPT TO:<${DROP}>`))?.code).to.equal(250);
    expect((await talk.command(`RCPT TO:<${replyTo['aoki@gas.example']}>`))?.code).to.equal(452);
    expect((await talk.command('RSET'))?.code).to.equal(250);
    expect((await talk.command(`MAIL FROM:<${SENDER}>`))?.code).to.equal(250);
    expect((await talk.command(`RCPT TO:<${replyTo['aoki@gas.example']}>`))?.code).to.equal(250);
    expect((await talk.command(`RCPT TO:<${DROP}>`))?.code).to.equal(452);
    talk.destroy();
    expect(reasons()).to.deep.equal(['mixed-drill-reply', 'mixed-drill-reply']);
  });

  it('recognises drill reply addresses only at the drop address domain, with a token we could have issued', function () {
    const token = 'ab'.repeat(16);
    expect(drillRecipient(`drill+${token}@c4tap.example`, DROP)).to.deep.equal({ kind: 'token', token });
    expect(drillRecipient(`DRILL+${token.toUpperCase()}@C4TAP.example`, DROP)).to.deep.equal({ kind: 'token', token });
    expect(drillRecipient(`drill+${token}@elsewhere.example`, DROP)).to.deep.equal({ kind: 'not-drill' });
    expect(drillRecipient('drill+abc@c4tap.example', DROP)).to.deep.equal({ kind: 'malformed' });
    expect(drillRecipient('report+amber@c4tap.example', DROP)).to.deep.equal({ kind: 'not-drill' });
  });

  it('tells automatic replies from a person’s by the header only', function () {
    const head = (lines: string) => Buffer.from(`${lines}\r\nSubject: Re: drill\r\n\r\nAuto-Submitted: auto-replied in the body counts for nothing\r\n`);
    expect(isAutomaticReply(head('From: a@b.example'), 'a@b.example')).to.equal(false);
    expect(isAutomaticReply(head('Auto-Submitted: no'), 'a@b.example')).to.equal(false);
    expect(isAutomaticReply(head('Auto-Submitted:\r\n auto-replied'), 'a@b.example')).to.equal(true);
    expect(isAutomaticReply(head('Precedence: bulk'), 'a@b.example')).to.equal(true);
    expect(isAutomaticReply(head('X-Autoreply: yes'), 'a@b.example')).to.equal(true);
    expect(isAutomaticReply(head('Content-Type: multipart/report; report-type=delivery-status'), 'a@b.example')).to.equal(true);
    expect(isAutomaticReply(head('From: a@b.example'), '')).to.equal(true);
  });
});
