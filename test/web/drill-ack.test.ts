// The public drill acknowledgement page over real HTTP: a GET (or a mail scanner's prefetch)
// records nothing, the POST records once, and an unknown link changes nothing.
import { expect } from 'chai';
import { listOutbox } from '../../core/mailer.ts';
import { outboxDir } from '../../bin/context.ts';
import { startDrill } from '../../sharing/drills/index.ts';
import { DRILL_BASE, startDrillEnv, type DrillEnv } from '../sharing/helpers/drill-env.ts';

describe('drill acknowledgement page', function () {
  this.timeout(30_000);
  let env: DrillEnv;
  let link: string;

  before(async function () {
    env = await startDrillEnv();
    const org = await env.addOrg('Water Example', 'ja', [{ name: 'Clark', email: 'clark@water.example' }]);
    await (
      await startDrill(env.drillDeps(), { actor: 'cli:test', title: 'Link drill', orgIds: [org.id] })
    ).sending;
    const mail = listOutbox(outboxDir(env.dir))[0]!.raw.toString('utf8');
    link = new RegExp(`${env.origin}/drill/ack/[0-9a-f]{32}`).exec(mail)![0];
  });
  after(() => env?.close());

  const notice = async () => (await env.ctx.store.listDrillNotices((await env.ctx.store.listDrills(1))[0]!.id))[0]!;
  const acks = async () => (await env.ctx.store.listAudit(0, 1000)).filter((e) => e.action === 'drill.acknowledged');

  it('shows the confirm page in the organisation’s language on GET and HEAD without recording anything', async function () {
    const page = await fetch(link);
    expect(page.status).to.equal(200);
    expect(page.headers.get('cache-control')).to.equal('no-store');
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    const text = await page.text();
    expect(text).to.include('<html lang="ja">').and.include('Clark').and.include('<form method="post"');
    expect(await (await fetch(`${link}?lang=en`)).text()).to.include('I received this notice');
    expect((await fetch(link, { method: 'HEAD' })).status).to.equal(200);
    expect((await notice()).ackAt).to.equal(null);
    expect(await acks()).to.deep.equal([]);
  });

  it('answers 404 to an unknown or malformed link and records nothing', async function () {
    for (const bad of [`${env.origin}/drill/ack/${'f'.repeat(32)}`, `${env.origin}/drill/ack/not-a-token`]) {
      const get = await fetch(bad);
      expect(get.status, bad).to.equal(404);
      expect(await get.text()).to.include('無効なリンク');
      expect((await fetch(bad, { method: 'POST' })).status, bad).to.equal(404);
    }
    expect(await acks()).to.deep.equal([]);
  });

  it('records the acknowledgement on POST once, and says so again with the first time', async function () {
    env.advance(3 * 60_000);
    const first = await fetch(link, { method: 'POST' });
    expect(first.status).to.equal(200);
    expect(await first.text())
      .to.include('受信確認を')
      .and.include('2025/01/06 09:03:00');
    env.advance(60_000);
    const again = await fetch(link, { method: 'POST' });
    expect(await again.text())
      .to.include('受信確認済み')
      .and.include('2025/01/06 09:03:00');
    expect(await notice()).to.include({ ackAt: new Date(DRILL_BASE + 3 * 60_000).toISOString(), ackVia: 'link' });
    expect((await acks()).map((e) => e.data.first)).to.deep.equal([true, false]);
    const page = await (await fetch(link)).text();
    expect(page).to.include('受信確認済み').and.not.include('<form method="post"');
  });
});
