// Contract: reading every record back (c4tap migrate): indicators in id order, clustering features
// of a submission.
import { expect } from 'chai';
import type { Indicator } from '../../core/types.ts';
import type { StoreRef } from './store.contract.ts';
import { at, seedSubmission, seedSubmitter } from './store-fixtures.ts';

export function exportContract(store: StoreRef): void {
  describe('export reads', function () {
    it('lists every indicator in id order, page by page, also one whose sources were all removed', async function () {
      const who = await seedSubmitter(store());
      const s1 = await seedSubmission(store(), who, 's1');
      const created = await store().upsertIndicators(
        s1,
        who.org.id,
        at(100),
        Array.from({ length: 7 }, (_, i) => ({ type: 'domain-name' as const, value: `evil${i}.example`, kind: 'network' as const, class: 'AMBER' as const })),
      );
      expect(await store().removeIndicatorSource(created[3]!.id, s1)).to.equal(true);
      const seen: Indicator[] = [];
      let after: string | null = null;
      for (;;) {
        const page: readonly Indicator[] = await store().listIndicators(after, 3);
        if (page.length === 0) break;
        expect(page.length).to.be.at.most(3);
        seen.push(...page);
        after = page[page.length - 1]!.id;
      }
      expect(seen).to.deep.equal([...created].sort((a, b) => (a.id < b.id ? -1 : 1)));
    });

    it('lists the clustering features of one submission', async function () {
      const who = await seedSubmitter(store());
      const s1 = await seedSubmission(store(), who, 's1');
      const s2 = await seedSubmission(store(), who, 's2');
      await store().putClusterFeatures(s1, who.org.id, at(100), [
        { type: 'url-host', value: 'lure.example' },
        { type: 'sender-ip', value: '192.0.2.45' },
      ]);
      await store().putClusterFeatures(s2, who.org.id, at(200), [{ type: 'sender-ip', value: '192.0.2.45' }]);
      expect(await store().listClusterFeatures(s1)).to.deep.equal([
        { submissionId: s1, orgId: who.org.id, type: 'sender-ip', value: '192.0.2.45', seenAt: at(100) },
        { submissionId: s1, orgId: who.org.id, type: 'url-host', value: 'lure.example', seenAt: at(100) },
      ]);
      expect(await store().listClusterFeatures('unknown')).to.deep.equal([]);
    });
  });
}
