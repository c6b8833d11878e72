// Contract: sharing reads (indicators in batches, latest publication per source, the publication
// log filtered for a viewer) and sightings.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type {
  DirectoryStore,
  FeedViewStore,
  IndicatorInput,
  IndicatorStore,
  NewPublication,
  PublicationLogStore,
  SharingReadStore,
  SubmissionStore,
} from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, seedSubmission, seedSubmitter } from './store-fixtures.ts';

const url: IndicatorInput = { type: 'url', value: 'https://evil.example/a', kind: 'network', class: 'AMBER' };
const hash: IndicatorInput = { type: 'file-sha256', value: 'c'.repeat(64), kind: 'file', class: 'RED' };
const urlId = indicatorId(url.type, url.value);
const hashId = indicatorId(hash.type, hash.value);

function pub(key: string, indicator: string, submissionId: string, overrides: Partial<NewPublication> = {}): NewPublication {
  return { idempotencyKey: key, action: 'publish', indicatorId: indicator, submissionId, kind: 'network', class: 'AMBER', ...overrides };
}

export function sharingContract(
  store: StoreRef<DirectoryStore & SubmissionStore & IndicatorStore & PublicationLogStore & SharingReadStore & FeedViewStore>,
): void {
  describe('sharing reads and sightings', function () {
    let s1: string;
    let s2: string;
    beforeEach(async function () {
      const org1 = await seedSubmitter(store(), 'org1');
      const org2 = await seedSubmitter(store(), 'org2');
      s1 = await seedSubmission(store(), org1, 's1');
      s2 = await seedSubmission(store(), org2, 's2');
      await store().upsertIndicators(s1, 'org1', at(100), [url, hash]);
      await store().upsertIndicators(s2, 'org2', at(200), [{ ...url, class: 'GREEN' }]);
    });

    it('reads several indicators at once with all their sources, skipping unknown ids', async function () {
      const found = await store().getIndicators([urlId, 'ind_unknown', hashId]);
      expect(found.map((f) => f.indicator.id)).to.have.members([urlId, hashId]);
      const u = found.find((f) => f.indicator.id === urlId)!;
      expect(u.sources.map((s) => [s.submissionId, s.class])).to.have.deep.members([
        [s1, 'AMBER'],
        [s2, 'GREEN'],
      ]);
      expect(u).to.deep.equal(await store().getIndicator(urlId));
      expect(await store().getIndicators([])).to.deep.equal([]);
    });

    it('gives the latest log entry of each indicator source', async function () {
      await store().appendPublications(
        [
          pub('a', urlId, s1),
          pub('b', urlId, s2, { class: 'GREEN' }),
          pub('c', urlId, s1, { action: 'retract' }),
          pub('d', hashId, s1, { kind: 'file', class: 'RED' }),
        ],
        at(300),
      );
      const latest = await store().latestPublications([urlId]);
      expect(latest.map((e) => [e.submissionId, e.idempotencyKey, e.action])).to.have.deep.members([
        [s1, 'c', 'retract'],
        [s2, 'b', 'publish'],
      ]);
      expect(await store().latestPublications([])).to.deep.equal([]);
    });

    it('reads the log for a viewer: classes, own organisation, types and time, in seq order', async function () {
      const entries = await store().appendPublications(
        [pub('1', urlId, s1), pub('2', hashId, s1, { kind: 'file', class: 'RED' }), pub('3', urlId, s2, { class: 'GREEN' })],
        at(300),
      );
      const [later] = await store().appendPublications([pub('4', hashId, s2, { kind: 'file', class: 'WHITE' })], at(400));
      const seqs = (q: Parameters<ReturnType<StoreRef>['listPublicationFeed']>[0]) =>
        store()
          .listPublicationFeed(q)
          .then((l) => l.map((e) => e.idempotencyKey));

      expect(await seqs({ afterSeq: 0, limit: 10, classes: ['AMBER', 'GREEN', 'WHITE'] })).to.deep.equal(['1', '3', '4']);
      expect(await seqs({ afterSeq: 0, limit: 10, classes: ['GREEN', 'WHITE'], ownOrg: { orgId: 'org1', classes: ['RED', 'AMBER'] } })).to.deep.equal([
        '1',
        '2',
        '3',
        '4',
      ]);
      expect(await seqs({ afterSeq: 0, limit: 10, classes: ['GREEN', 'WHITE'], ownOrg: { orgId: 'org2', classes: ['RED'] } })).to.deep.equal(['3', '4']);
      expect(await seqs({ afterSeq: 0, limit: 10, classes: ['RED', 'AMBER', 'GREEN', 'WHITE'], types: ['file-sha256'] })).to.deep.equal(['2', '4']);
      expect(await seqs({ afterSeq: 0, limit: 10, classes: ['RED', 'AMBER', 'GREEN', 'WHITE'], publishedAfter: at(300) })).to.deep.equal(['4']);
      expect(await seqs({ afterSeq: entries[0]!.seq, limit: 2, classes: ['RED', 'AMBER', 'GREEN', 'WHITE'] })).to.deep.equal(['2', '3']);
      expect(later!.seq).to.be.greaterThan(entries[2]!.seq);
      expect(await seqs({ afterSeq: 0, limit: 10, classes: [] })).to.deep.equal([]);
    });

    it('reads a feed page at once: the entries, and on the newest entry of each indicator its published sources with their decision and its sightings', async function () {
      await store().appendPublications(
        [pub('a', urlId, s1), pub('d', hashId, s1, { kind: 'file', class: 'RED' }), pub('c', urlId, s1, { action: 'retract' })],
        at(300),
      );
      const seen = await store().addSighting({ indicatorId: urlId, orgId: 'org2', class: 'AMBER', count: 2, seenAt: at(310), idempotencyKey: null }, at(320));
      const query = { afterSeq: 0, limit: 10, classes: ['AMBER', 'GREEN', 'WHITE'] as const, ownOrg: { orgId: 'org1', classes: ['RED' as const] } };
      const page = await store().listFeedPage(query);
      expect(page.map((p) => p.entry)).to.deep.equal(await store().listPublicationFeed(query));
      expect(page.map((p) => [p.entry.idempotencyKey, p.current?.indicator.id ?? null])).to.deep.equal([
        ['a', null],
        ['d', hashId],
        ['c', urlId],
      ]);
      const [hashSource] = (await store().getIndicator(hashId))!.sources;
      expect(page[1]!.current).to.deep.equal({
        indicator: (await store().getIndicator(hashId))!.indicator,
        sources: [{ source: hashSource, latest: { action: 'publish', class: 'RED' } }],
        sightings: [],
      });
      // s2's source of the URL has no log entry yet: it is not among the published ones.
      const [urlS1] = (await store().getIndicator(urlId))!.sources;
      expect(page[2]!.current?.sources).to.deep.equal([{ source: urlS1, latest: { action: 'retract', class: 'AMBER' } }]);
      expect(page[2]!.current?.sightings).to.deep.equal([seen.sighting]);

      // Publishing s2 (and seeing s1 again, narrowed) shows on the next read, sources in seen_at order.
      await store().appendPublications([pub('e', urlId, s2, { class: 'GREEN' })], at(400));
      await store().upsertIndicators(s1, 'org1', at(100), [{ ...url, class: 'RED' }]);
      const next = await store().listFeedPage({ ...query, afterSeq: page[2]!.entry.seq });
      expect(next.map((p) => p.entry.idempotencyKey)).to.deep.equal(['e']);
      expect(next[0]!.current?.sources.map((p) => [p.source.submissionId, p.source.class, p.latest.action, p.latest.class])).to.deep.equal([
        [s1, 'RED', 'retract', 'AMBER'],
        [s2, 'GREEN', 'publish', 'GREEN'],
      ]);
      expect(await store().listFeedPage({ ...query, types: ['domain-name'] })).to.deep.equal([]);
    });

    it('gives a JSON feed page the newest entry of each indicator, from stored views only while the indicator and the key are unchanged', async function () {
      await store().appendPublications([pub('a', urlId, s1), pub('d', hashId, s1, { kind: 'file', class: 'RED' }), pub('b', urlId, s1)], at(300));
      const query = { afterSeq: 0, limit: 10, classes: ['AMBER', 'GREEN', 'WHITE'] as const, audience: 'participant' as const, viewsKey: 'k1' };
      const page = await store().listFeedPage(query);
      const first = await store().listFeedJson(query);
      // Nothing stored yet: the RED entry is not in the page, the earlier URL entry shows nothing, the newest is computed from what listFeedPage reads.
      expect(first.map((e) => [e.seq, e.kind])).to.deep.equal([
        [page[0]!.entry.seq, 'none'],
        [page[1]!.entry.seq, 'compute'],
      ]);
      expect(first[1]).to.deep.include({ entry: page[1] });

      const bases = await store().getFeedBases([urlId, 'ind_unknown']);
      expect(bases.every((b) => b.indicatorId === urlId && JSON.stringify(b.current) === JSON.stringify(page[1]!.current))).to.equal(true);
      const views = (basis: string) => ({
        indicatorId: urlId,
        basis,
        viewsKey: 'k1',
        views: { staff: '{"id":"s"}', participant: '{"id":"p"}', observer: '', affiliate: '', public: '' },
        // The staff's view is built from a RED source, the participant's is not.
        red: ['staff' as const],
        orgs: ['org1'],
      });
      expect(await store().putFeedViews(bases.map((b) => views(b.basis)))).to.equal(bases.length);
      const stored = (await store().listFeedJson(query)).flatMap((e) => (e.kind === 'stored' ? [{ ...e, json: e.json.toString('utf8') }] : []));
      // An adapter may compute every item (MongoDB); one that stored them returns the text with the entry in front, as bytes.
      expect(stored).to.deep.equal(
        bases.length === 0
          ? []
          : [
              {
                seq: page[1]!.entry.seq,
                kind: 'stored',
                indicatorIds: [urlId],
                json: `{"seq":${page[1]!.entry.seq},"action":"publish","published_at":"${at(300)}","id":"p"}`,
                red: [],
              },
            ],
      );
      // The staff's stored item of the same indicator is named for the RED-read audit.
      const staffRed = (await store().listFeedJson({ ...query, classes: ['RED', 'AMBER', 'GREEN', 'WHITE'], audience: 'staff' })).flatMap((e) =>
        e.kind === 'stored' ? e.red : [],
      );
      expect(staffRed).to.deep.equal(bases.length === 0 ? [] : [urlId]);
      // The organisation among the sources computes its own; another key is not served.
      const own = await store().listFeedJson({ ...query, ownOrg: { orgId: 'org1', classes: ['RED'] } });
      expect(own.filter((e) => e.kind === 'stored')).to.deep.equal([]);
      expect(own.map((e) => e.kind)).to.deep.equal(['none', 'compute', 'compute']);
      expect((await store().listFeedJson({ ...query, viewsKey: 'k2' })).map((e) => e.kind)).to.deep.equal(['none', 'compute']);

      // A sighting changes the indicator: the stored views are not served, and views computed before it are refused.
      await store().addSighting({ indicatorId: urlId, orgId: 'org2', class: 'AMBER', count: 1, seenAt: at(400), idempotencyKey: null }, at(400));
      expect((await store().listFeedJson(query)).map((e) => e.kind)).to.deep.equal(['none', 'compute']);
      expect(await store().putFeedViews(bases.map((b) => views(b.basis)))).to.equal(0);
      expect(await store().putFeedViews([])).to.equal(0);
    });

    it('records sightings, once per idempotency key and organisation', async function () {
      const a = await store().addSighting({ indicatorId: urlId, orgId: 'org2', class: 'AMBER', count: 3, seenAt: at(500), idempotencyKey: 'k1' }, at(510));
      const again = await store().addSighting({ indicatorId: urlId, orgId: 'org2', class: 'GREEN', count: 9, seenAt: at(501), idempotencyKey: 'k1' }, at(520));
      const other = await store().addSighting({ indicatorId: urlId, orgId: 'org1', class: 'RED', count: 1, seenAt: at(502), idempotencyKey: 'k1' }, at(530));
      const keyless = await store().addSighting(
        { indicatorId: hashId, orgId: 'org2', class: 'AMBER', count: 1, seenAt: at(503), idempotencyKey: null },
        at(540),
      );
      const keyless2 = await store().addSighting(
        { indicatorId: hashId, orgId: 'org2', class: 'AMBER', count: 1, seenAt: at(503), idempotencyKey: null },
        at(540),
      );
      expect(a.created).to.equal(true);
      expect(a.sighting).to.deep.include({ indicatorId: urlId, orgId: 'org2', class: 'AMBER', count: 3, seenAt: at(500), reportedAt: at(510) });
      expect(again).to.deep.equal({ sighting: a.sighting, created: false });
      expect(other.created).to.equal(true);
      expect(keyless2.created).to.equal(true);
      expect(keyless2.sighting.id).to.not.equal(keyless.sighting.id);
      expect((await store().listSightings([urlId])).map((s) => s.id)).to.deep.equal([a.sighting.id, other.sighting.id]);
      expect(await store().listSightings([urlId, hashId])).to.have.length(4);
      expect(await store().listSightings([])).to.deep.equal([]);
    });
  });
}
