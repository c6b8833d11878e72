// Drills in the console over HTTP: the secretariat starts one with the form (CSRF-checked), follows
// who acknowledged and how fast on the drill page, and downloads the CSV report; others may not.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { outboxDir } from '../../bin/context.ts';
import { acknowledgeDrill, drillTokenKey } from '../../core/drills.ts';
import { listOutbox } from '../../core/mailer.ts';
import type { Drill } from '../../core/store/port.ts';
import { staffSuite } from './helpers/console-env.ts';

describe('console drills', function () {
  this.timeout(60_000);
  const f = staffSuite();

  const s = () => f.secretariat.client;

  /** Waits until the drill's notices were all sent (sending runs after the console answered). */
  async function sentNotices(drill: Drill) {
    for (let i = 0; i < 200; i++) {
      const notices = await f.env.ctx.store.listDrillNotices(drill.id);
      if (notices.every((n) => n.sentAt !== null || n.lastError !== null)) return notices;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('drill notices not sent in time');
  }

  it('keeps analysts out of the drill pages', async function () {
    expect((await f.analyst.client.get('/console/admin/drills')).status).to.equal(403);
    await f.analyst.client.get('/console/queue');
    expect((await f.analyst.client.post('/console/admin/drills', { title: 'x' })).status).to.equal(403);
    expect(await f.env.ctx.store.listDrills(10)).to.deep.equal([]);
  });

  it('refuses to start a drill without the form’s CSRF token', async function () {
    await s().get('/console/admin/drills');
    const forged = await s().request('POST', '/console/admin/drills', { title: 'forged' });
    expect(forged.status).to.equal(403);
    expect(await f.env.ctx.store.listDrills(10)).to.deep.equal([]);
  });

  it('starts a drill for the chosen organisation, shows who acknowledged and how fast, and exports the CSV report', async function () {
    const list = await s().get('/console/admin/drills');
    expect(list.text).to.include('data-testid="drill-start"').and.include(f.env.participantOrg.name);
    const started = await s().post('/console/admin/drills', { title: 'Console drill', orgIds: f.env.participantOrg.id });
    expect(started.status).to.equal(303);
    const [drill] = await f.env.ctx.store.listDrills(1);
    expect(started.location).to.equal(`/console/admin/drills/${drill!.id}?notice=notice.drillStarted`);
    expect(drill).to.include({ title: 'Console drill', startedBy: (await f.env.ctx.store.getPrincipalByName('secretary'))!.id });
    const notices = await sentNotices(drill!);
    expect(notices.map((n) => [n.orgName, n.address, n.sentAt])).to.deep.equal([[f.env.participantOrg.name, 'soc@rail.example', f.env.now().toISOString()]]);

    // The notice in the outbox carries the link; acknowledging through it 90 seconds later.
    const mail = listOutbox(outboxDir(f.env.config.dataDir))
      .map((m) => m.raw.toString('utf8'))
      .find((t) => t.includes('soc@rail.example'))!;
    const token = /\/drill\/ack\/([0-9a-f]{32})/.exec(mail)![1]!;
    f.env.advance(90_000);
    await acknowledgeDrill(
      { store: f.env.ctx.store, audit: f.env.ctx.audit, clock: f.env.now, tokenKey: drillTokenKey(f.env.ctx.secrets) },
      token,
      'link',
      'system',
    );

    const page = await s().get(`/console/admin/drills/${drill!.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('1 of 1 acknowledged; 0 missing; 0 not sent.');
    const row = /<tr data-notice="[^"]+" data-status="acknowledged">([\s\S]*?)<\/tr>/.exec(page.text)?.[1] ?? '';
    expect(row).to.include('soc@rail.example').and.include('<td>1.5</td>').and.include('link');

    const csv = await s().get(`/console/admin/drills/${drill!.id}/report.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).to.include(`drill-${drill!.id}.csv`);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.organisation, r.contact, r.status, r.minutes, r.via])).to.deep.equal([
      [f.env.participantOrg.name, 'SOC', 'acknowledged', '1.5', 'link'],
    ]);

    const listed = await s().get('/console/admin/drills');
    expect(listed.text).to.include(`data-drill="${drill!.id}"`).and.include('Console drill');
    const audit = (await f.env.ctx.store.listAudit(0, 10_000)).filter((e) => e.action === 'drill.started');
    expect(audit.map((e) => [e.actor, e.target])).to.deep.equal([[drill!.startedBy, drill!.id]]);
  });

  it('offers to send the unsent notices again, and sends them with a new link', async function () {
    const at = f.env.now().toISOString();
    const drill: Drill = { id: 'drill_unsent', title: 'Relay was down', startedBy: 'cli:secretary', startedAt: at };
    await f.env.ctx.store.createDrill(drill, [
      {
        id: 'dn_unsent',
        orgId: f.env.participantOrg.id,
        orgName: f.env.participantOrg.name,
        language: 'en',
        contactName: 'Night desk',
        address: 'night@rail.example',
        tokenHash: 'lost-with-the-relay',
        lastError: null,
      },
    ]);
    await f.env.ctx.store.markDrillNoticeSent('dn_unsent', { error: 'relay unreachable' });
    const page = await s().get(`/console/admin/drills/${drill.id}`);
    expect(page.text).to.include('data-testid="drill-resend"');
    const resent = await s().post(`/console/admin/drills/${drill.id}/resend`, {});
    expect(resent.status).to.equal(303);
    expect(resent.location).to.equal(`/console/admin/drills/${drill.id}?notice=notice.drillResent`);
    let notice = (await f.env.ctx.store.listDrillNotices(drill.id))[0];
    for (let i = 0; i < 200 && !notice?.sentAt; i++) {
      await new Promise((r) => setTimeout(r, 10));
      notice = (await f.env.ctx.store.listDrillNotices(drill.id))[0];
    }
    expect(notice).to.include({ sentAt: f.env.now().toISOString(), lastError: null });
    expect(notice!.tokenHash).to.not.equal('lost-with-the-relay');
    const mail = listOutbox(outboxDir(f.env.config.dataDir))
      .map((m) => m.raw.toString('utf8'))
      .find((t) => t.includes('night@rail.example'));
    expect(mail).to.match(/\/drill\/ack\/[0-9a-f]{32}/);
    expect((await s().get(`/console/admin/drills/${drill.id}`)).text).to.not.include('data-testid="drill-resend"');
  });

  it('answers an unknown organisation with the form again and starts nothing', async function () {
    const before = (await f.env.ctx.store.listDrills(100)).length;
    await s().get('/console/admin/drills');
    const refused = await s().post('/console/admin/drills', { title: 'Bad', orgIds: 'org_nope' });
    expect(refused.status).to.equal(400);
    expect(refused.text).to.include('org_nope');
    expect((await f.env.ctx.store.listDrills(100)).length).to.equal(before);
  });
});
