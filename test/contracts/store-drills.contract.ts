// Contract: drills (情報連絡訓練) and their notices; acknowledgements by token hash, first one kept.
import { expect } from 'chai';
import type { Drill, DrillStore, NewDrillNotice } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, rejection } from './store-fixtures.ts';

function drill(id: string, startedAt = at(0), overrides: Partial<Drill> = {}): Drill {
  return { id, title: `Drill ${id}`, startedBy: 'sec-1', startedAt, ...overrides };
}

function notice(id: string, overrides: Partial<NewDrillNotice> = {}): NewDrillNotice {
  return {
    id,
    orgId: 'org1',
    orgName: 'Organisation org1',
    language: 'ja',
    contactName: `Contact ${id}`,
    address: `${id}@org1.example`,
    tokenHash: `hash-${id}`,
    lastError: null,
    ...overrides,
  };
}

export function drillContract(store: StoreRef<DrillStore>): void {
  describe('drills', function () {
    it('creates a drill with its notices, unsent and unacknowledged, read back ordered by organisation and contact', async function () {
      await store().createDrill(drill('d1'), [
        notice('n1', { orgName: 'Rail', contactName: 'SOC' }),
        notice('n2', { orgName: 'Gas', contactName: 'CSIRT', language: 'en' }),
        notice('n3', { orgName: 'Gas', contactName: 'Abe', address: '', lastError: 'no e-mail address' }),
      ]);
      expect(await store().getDrill('d1')).to.deep.equal(drill('d1'));
      const notices = await store().listDrillNotices('d1');
      expect(notices.map((n) => n.id)).to.deep.equal(['n3', 'n2', 'n1']);
      expect(notices[1]).to.deep.equal({
        id: 'n2',
        drillId: 'd1',
        orgId: 'org1',
        orgName: 'Gas',
        language: 'en',
        contactName: 'CSIRT',
        address: 'n2@org1.example',
        tokenHash: 'hash-n2',
        sentAt: null,
        ackAt: null,
        ackVia: null,
        lastError: null,
      });
      expect(notices[0]!.lastError).to.equal('no e-mail address');
      expect(await store().getDrill('missing')).to.equal(null);
      expect(await store().listDrillNotices('missing')).to.deep.equal([]);
    });

    it('lists drills newest first, up to the limit', async function () {
      await store().createDrill(drill('d1', at(10)), [notice('a')]);
      await store().createDrill(drill('d2', at(30)), [notice('b')]);
      await store().createDrill(drill('d3', at(20)), [notice('c')]);
      expect((await store().listDrills(10)).map((d) => d.id)).to.deep.equal(['d2', 'd3', 'd1']);
      expect((await store().listDrills(1)).map((d) => d.id)).to.deep.equal(['d2']);
    });

    it('lists every drill in id order, page by page (export)', async function () {
      await store().createDrill(drill('d2', at(10)), [notice('a')]);
      await store().createDrill(drill('d3', at(5)), [notice('b')]);
      await store().createDrill(drill('d1', at(30)), [notice('c')]);
      const pages: Drill[][] = [];
      for (let after: string | null = null; ;) {
        const page: readonly Drill[] = await store().listDrillsAfter(after, 2);
        if (page.length === 0) break;
        pages.push([...page]);
        after = page[page.length - 1]!.id;
      }
      expect(pages).to.deep.equal([[drill('d1', at(30)), drill('d2', at(10))], [drill('d3', at(5))]]);
    });

    it('refuses a drill whose token hash is already taken, leaving nothing of it behind', async function () {
      await store().createDrill(drill('d1'), [notice('n1')]);
      const err = await rejection(store().createDrill(drill('d2'), [notice('n2'), notice('n3', { tokenHash: 'hash-n1' })]));
      expect(err).to.have.property('code', 'CONFLICT');
      expect(await store().getDrill('d2')).to.equal(null);
      expect(await store().listDrillNotices('d2')).to.deep.equal([]);
      expect(await store().getDrillNoticeByTokenHash('hash-n2')).to.equal(null);
      expect((await store().getDrillNoticeByTokenHash('hash-n1'))?.drillId).to.equal('d1');
    });

    it('refuses a second drill with the same id, keeping the first one and its notices as they were', async function () {
      await store().createDrill(drill('d1'), [notice('n1')]);
      const err = await rejection(store().createDrill(drill('d1', at(5), { title: 'again' }), [notice('n2')]));
      expect(err).to.have.property('code', 'CONFLICT');
      expect(await store().getDrill('d1')).to.deep.equal(drill('d1'));
      expect((await store().listDrillNotices('d1')).map((n) => n.id)).to.deep.equal(['n1']);
      expect(await store().getDrillNoticeByTokenHash('hash-n2')).to.equal(null);
    });

    it('records a sent time, or the error of a failed attempt, per notice', async function () {
      await store().createDrill(drill('d1'), [notice('n1'), notice('n2')]);
      const failed = await store().markDrillNoticeSent('n1', { error: 'relay refused: 550' });
      expect(failed).to.include({ sentAt: null, lastError: 'relay refused: 550' });
      const retried = await store().markDrillNoticeSent('n1', { sentAt: at(5) });
      expect(retried).to.include({ sentAt: at(5), lastError: null });
      expect(await store().markDrillNoticeSent('unknown', { sentAt: at(5) })).to.equal(null);
      const [n1, n2] = await store().listDrillNotices('d1');
      expect(n1).to.include({ sentAt: at(5), lastError: null });
      expect(n2).to.include({ sentAt: null, lastError: null });
    });

    it('gives an unsent notice a new token hash for sending it again, but never a sent or acknowledged one', async function () {
      await store().createDrill(drill('d1'), [notice('n1'), notice('n2'), notice('n3')]);
      await store().markDrillNoticeSent('n1', { error: 'relay refused: 550' });
      await store().markDrillNoticeSent('n2', { sentAt: at(5) });
      await store().acknowledgeDrillNotice('hash-n3', at(6), 'link');
      expect(await store().reissueDrillNotice('n1', 'hash-n1-again')).to.include({ id: 'n1', tokenHash: 'hash-n1-again', sentAt: null });
      expect(await store().getDrillNoticeByTokenHash('hash-n1')).to.equal(null);
      expect(await store().getDrillNoticeByTokenHash('hash-n1-again')).to.include({ id: 'n1' });
      expect(await store().reissueDrillNotice('n2', 'hash-n2-again')).to.equal(null);
      expect(await store().reissueDrillNotice('n3', 'hash-n3-again')).to.equal(null);
      expect(await store().reissueDrillNotice('unknown', 'hash-x')).to.equal(null);
      expect(await store().getDrillNoticeByTokenHash('hash-n2')).to.include({ id: 'n2' });
    });

    it('records the first acknowledgement and keeps its time and way when acknowledged again', async function () {
      await store().createDrill(drill('d1'), [notice('n1'), notice('n2')]);
      const first = await store().acknowledgeDrillNotice('hash-n1', at(120), 'reply');
      expect(first?.first).to.equal(true);
      expect(first?.notice).to.include({ id: 'n1', ackAt: at(120), ackVia: 'reply' });
      const again = await store().acknowledgeDrillNotice('hash-n1', at(300), 'link');
      expect(again?.first).to.equal(false);
      expect(again?.notice).to.include({ id: 'n1', ackAt: at(120), ackVia: 'reply' });
      expect(await store().getDrillNoticeByTokenHash('hash-n1')).to.include({ ackAt: at(120), ackVia: 'reply' });
      expect(await store().getDrillNoticeByTokenHash('hash-n2')).to.include({ ackAt: null, ackVia: null });
    });

    it('changes nothing for an unknown token hash', async function () {
      await store().createDrill(drill('d1'), [notice('n1')]);
      expect(await store().acknowledgeDrillNotice('hash-unknown', at(120), 'link')).to.equal(null);
      expect(await store().getDrillNoticeByTokenHash('hash-unknown')).to.equal(null);
      expect((await store().listDrillNotices('d1')).map((n) => n.ackAt)).to.deep.equal([null]);
    });

    it('acknowledges a notice once when two acknowledgements race', async function () {
      await store().createDrill(drill('d1'), [notice('n1')]);
      const results = await Promise.all([
        store().acknowledgeDrillNotice('hash-n1', at(100), 'reply'),
        store().acknowledgeDrillNotice('hash-n1', at(101), 'link'),
        store().acknowledgeDrillNotice('hash-n1', at(102), 'reply'),
      ]);
      expect(results.filter((r) => r?.first)).to.have.length(1);
      const kept = (await store().getDrillNoticeByTokenHash('hash-n1'))!;
      expect(results.every((r) => r?.notice.ackAt === kept.ackAt && r.notice.ackVia === kept.ackVia)).to.equal(true);
    });
  });
}
