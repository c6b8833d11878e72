// The drill round trip: notices go out through a real relay (SMTP sink), two points of contact
// reply by mail to the real SMTP ingest server (nodemailer over STARTTLS, swaks in plaintext, as
// their own mail servers would, without AUTH), one confirms by the link over real HTTP (GET shows
// the page, POST records), and the CSV report shows the three acknowledgements with their times and
// ways, and the contacts still missing.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import nodemailer from 'nodemailer';
import { createMailer } from '../../core/mailer.ts';
import { outboxDir } from '../../bin/context.ts';
import type { Organisation } from '../../core/types.ts';
import { drillReport, drillReportCsv, resendDrill, startDrill } from '../../sharing/drills/index.ts';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../helpers/smtp-sink.ts';
import { expectNothingStored } from '../ingest/helpers/stored.ts';
import { swaks, requireSwaks } from '../ingest/helpers/swaks.ts';
import { DRILL_BASE, startDrillEnv, type DrillEnv } from './helpers/drill-env.ts';

const MINUTE = 60_000;

function replyToOf(m: SinkMessage): string {
  const address = m.parsed.replyTo?.value[0]?.address;
  if (!address) throw new Error('notice without Reply-To');
  return address;
}

describe('drill round trip: notices by relay, acknowledgements by reply and by link, CSV report', function () {
  before(function () {
    requireSwaks(this);
  });
  this.timeout(60_000);
  let env: DrillEnv;
  let sink: SmtpSink;
  let gas: Organisation;
  let water: Organisation;
  let city: Organisation;

  before(async function () {
    env = await startDrillEnv();
    sink = await startSmtpSink();
    gas = await env.addOrg('Tokyo Gas Example', 'ja', [
      { name: 'Aoki', email: 'aoki@gas.example' },
      { name: 'Baba', email: 'baba@gas.example' },
    ]);
    water = await env.addOrg('Water Works Example', 'en', [{ name: 'Clark', email: 'clark@water.example' }]);
    city = await env.addOrg('City Example', 'ja', [{ name: 'Doi', email: 'doi@city.example' }, { name: 'Endo' }]);
  });
  after(async function () {
    await sink?.close();
    await env?.close();
  });

  it('records two replies and one link acknowledgement with their times, and reports the missing contacts', async function () {
    const mailer = createMailer(sink.mailerSettings(outboxDir(env.dir)));
    const started = await startDrill(env.drillDeps(mailer), { actor: 'cli:secretary', title: 'Q1 drill', orgIds: [gas.id, water.id, city.id] });
    expect(started.notices).to.equal(5);
    expect(await started.sending).to.deep.equal({ sent: 4, failed: 0, withoutAddress: 1 });

    // Four notices through the relay; none to Example Rail, which was not chosen.
    const mails = await sink.waitFor(4);
    const byTo = new Map(mails.map((m) => [m.to[0]!, m]));
    expect([...byTo.keys()].sort()).to.deep.equal(['aoki@gas.example', 'baba@gas.example', 'clark@water.example', 'doi@city.example']);
    const aoki = byTo.get('aoki@gas.example')!;
    const clark = byTo.get('clark@water.example')!;
    const doi = byTo.get('doi@city.example')!;
    expect(aoki.parsed.subject).to.equal('[C4TAP] 情報連絡訓練 / Communication drill: Q1 drill');
    expect(clark.parsed.subject).to.equal('[C4TAP] Communication drill / 情報連絡訓練: Q1 drill');
    expect(aoki.parsed.text!.indexOf('Aoki 様')).to.be.lessThan(aoki.parsed.text!.indexOf('Dear Aoki'));
    expect(replyToOf(aoki)).to.match(/^drill\+[0-9a-f]{32}@c4tap\.example$/);
    expect(new Set(mails.map(replyToOf)).size, 'one token per notice').to.equal(4);

    // 7 minutes later Aoki's mail server delivers a reply over STARTTLS, without AUTH.
    env.advance(7 * MINUTE);
    const mta = nodemailer.createTransport({
      host: '127.0.0.1',
      port: env.smtpPort,
      secure: false,
      name: 'mx.gas.example',
      tls: { ca: [env.tls.cert], servername: 'localhost' },
    });
    const info = await mta.sendMail({
      from: 'Aoki <aoki@gas.example>',
      to: replyToOf(aoki),
      subject: `Re: ${aoki.parsed.subject}`,
      inReplyTo: aoki.parsed.messageId,
      text: `受信しました。\n\n> ${aoki.parsed.text!.split('\n')[0]}`,
    });
    mta.close();
    expect(info.response).to.match(/^250 .*Drill acknowledgement recorded/);

    // 12 minutes after the start Clark's server replies in plaintext (swaks, no TLS, no AUTH).
    env.advance(5 * MINUTE);
    const run = await swaks({
      port: env.smtpPort,
      from: 'clark@water.example',
      to: replyToOf(clark),
      extra: ['--header', 'Subject: Re: drill', '--body', 'Received, thanks.'],
    });
    expect(run.lastReply, run.transcript).to.match(/^250 .*Drill acknowledgement recorded/);

    // 30 minutes after the start Doi opens the link: the page alone records nothing, the button does.
    env.advance(18 * MINUTE);
    const link = new RegExp(`${env.origin}/drill/ack/[0-9a-f]{32}`).exec(doi.parsed.text!)?.[0];
    expect(link, 'link in the notice').to.be.a('string');
    const page = await fetch(link!);
    expect(page.status).to.equal(200);
    expect(await page.text())
      .to.include('受信を確認しました')
      .and.include('City Example')
      .and.include('Q1 drill');
    const before = await env.ctx.store.listDrillNotices(started.drill.id);
    expect(
      before
        .filter((n) => n.ackAt !== null)
        .map((n) => n.contactName)
        .sort(),
    ).to.deep.equal(['Aoki', 'Clark']);
    const posted = await fetch(link!, { method: 'POST' });
    expect(posted.status).to.equal(200);
    expect(await posted.text()).to.include('data-testid="ack-done"');

    // The report: three acknowledgements with time and way, Baba missing, Endo never reachable.
    const csv = drillReportCsv(drillReport(started.drill, await env.ctx.store.listDrillNotices(started.drill.id)));
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    const at = (minutes: number) => new Date(DRILL_BASE + minutes * MINUTE).toISOString();
    const pick = (r: Record<string, string>) => ({
      organisation: r.organisation,
      contact: r.contact,
      status: r.status,
      sent_at: r.sent_at,
      acknowledged_at: r.acknowledged_at,
      minutes: r.minutes,
      via: r.via,
      error: r.error,
    });
    expect(rows.map(pick)).to.deep.equal([
      {
        organisation: 'City Example',
        contact: 'Doi',
        status: 'acknowledged',
        sent_at: at(0),
        acknowledged_at: at(30),
        minutes: '30.0',
        via: 'link',
        error: '',
      },
      { organisation: 'City Example', contact: 'Endo', status: 'not-sent', sent_at: '', acknowledged_at: '', minutes: '', via: '', error: 'no e-mail address' },
      {
        organisation: 'Tokyo Gas Example',
        contact: 'Aoki',
        status: 'acknowledged',
        sent_at: at(0),
        acknowledged_at: at(7),
        minutes: '7.0',
        via: 'reply',
        error: '',
      },
      { organisation: 'Tokyo Gas Example', contact: 'Baba', status: 'missing', sent_at: at(0), acknowledged_at: '', minutes: '', via: '', error: '' },
      {
        organisation: 'Water Works Example',
        contact: 'Clark',
        status: 'acknowledged',
        sent_at: at(0),
        acknowledged_at: at(12),
        minutes: '12.0',
        via: 'reply',
        error: '',
      },
    ]);
    expect(rows.every((r) => r.drill_id === started.drill.id && r.drill_title === 'Q1 drill')).to.equal(true);

    // Audited: the start and each acknowledgement; the replies created no submission and stored nothing.
    const audit = await env.ctx.store.listAudit(0, 1000);
    expect(audit.filter((e) => e.action === 'drill.started').map((e) => e.target)).to.deep.equal([started.drill.id]);
    expect(audit.filter((e) => e.action === 'drill.acknowledged').map((e) => e.data.via)).to.deep.equal(['reply', 'reply', 'link']);
    await expectNothingStored(env.ctx.store, env.ctx.vault);
  });

  it('records the relay’s refusal on the notice and reports it as not sent, the others sent', async function () {
    const refusing = await startSmtpSink({ refuse: ['baba@gas.example'] });
    try {
      const started = await startDrill(env.drillDeps(createMailer(refusing.mailerSettings(outboxDir(env.dir)))), { actor: 'cli:secretary', orgIds: [gas.id] });
      expect(await started.sending).to.deep.equal({ sent: 1, failed: 1, withoutAddress: 0 });
      const report = drillReport(started.drill, await env.ctx.store.listDrillNotices(started.drill.id));
      expect(report.rows.map((r) => [r.contact, r.status])).to.deep.equal([
        ['Aoki', 'missing'],
        ['Baba', 'not-sent'],
      ]);
      expect(report.rows[1]!.error).to.match(/550/);
      expect(refusing.messages.map((m) => m.to)).to.deep.equal([['aoki@gas.example']]);

      // Once the relay takes it, resending reaches Baba with a new token, and its link acknowledges.
      const accepting = await startSmtpSink();
      try {
        const resent = await resendDrill(env.drillDeps(createMailer(accepting.mailerSettings(outboxDir(env.dir)))), started.drill.id, 'cli:secretary');
        expect(resent).to.deep.equal({ sent: 1, failed: 0, withoutAddress: 0 });
        const [baba] = await accepting.waitFor(1);
        expect(baba!.to).to.deep.equal(['baba@gas.example']);
        const link = new RegExp(`${env.origin}/drill/ack/[0-9a-f]{32}`).exec(baba!.parsed.text!)?.[0];
        expect((await fetch(link!, { method: 'POST' })).status).to.equal(200);
        const after = drillReport(started.drill, await env.ctx.store.listDrillNotices(started.drill.id));
        expect(after.rows.map((r) => [r.contact, r.status, r.via])).to.deep.equal([
          ['Aoki', 'missing', null],
          ['Baba', 'acknowledged', 'link'],
        ]);
        // Nothing is left to resend: Aoki's notice was sent, Baba's acknowledged.
        expect(await resendDrill(env.drillDeps(createMailer(accepting.mailerSettings(outboxDir(env.dir)))), started.drill.id, 'cli:secretary')).to.include({
          sent: 0,
          failed: 0,
        });
        expect(accepting.messages).to.have.length(1);
        const audit = await env.ctx.store.listAudit(0, 1000);
        expect(audit.filter((e) => e.action === 'drill.resent' && e.target === started.drill.id)).to.have.length(2);
      } finally {
        await accepting.close();
      }
    } finally {
      await refusing.close();
    }
  });
});
