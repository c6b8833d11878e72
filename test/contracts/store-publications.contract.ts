// Contract: the publication log (strictly increasing seq, idempotency, incremental reads).
import { expect } from 'chai';
import type { NewPublication, PublicationLogStore, StoreHandle } from '../../core/store/port.ts';
import { CLASSES, type PublicationEntry } from '../../core/types.ts';
import type { StoreRef } from './store.contract.ts';
import { at } from './store-fixtures.ts';

function entry(n: number, overrides: Partial<NewPublication> = {}): NewPublication {
  return {
    idempotencyKey: `pub-${n}`,
    action: 'publish',
    indicatorId: `ind_${n % 5}`,
    submissionId: `sub_${n % 3}`,
    kind: 'network',
    class: CLASSES[n % CLASSES.length]!,
    ...overrides,
  };
}

export function publicationContract(store: StoreRef<PublicationLogStore & StoreHandle>): void {
  describe('publication log', function () {
    it('assigns strictly increasing seq across many appends, also concurrent ones', async function () {
      const sequential: PublicationEntry[] = [];
      for (let n = 0; n < 20; n++) sequential.push(...(await store().appendPublications([entry(n)], at(n))));
      const batch = await store().appendPublications([entry(20), entry(21), entry(22)], at(30));
      const concurrent = (await Promise.all(Array.from({ length: 15 }, (_, i) => store().appendPublications([entry(30 + i)], at(40))))).flat();

      const seqs = [...sequential, ...batch].map((e) => e.seq);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]!, `entry ${i}`).to.be.greaterThan(seqs[i - 1]!);
      const allSeqs = [...seqs, ...concurrent.map((e) => e.seq)];
      expect(new Set(allSeqs).size, 'no seq used twice').to.equal(allSeqs.length);
      expect(Math.min(...concurrent.map((e) => e.seq))).to.be.greaterThan(Math.max(...seqs));
      expect(await store().lastPublicationSeq()).to.equal(Math.max(...allSeqs));
      expect(batch[1]).to.deep.include({ ...entry(21), publishedAt: at(30) });
    });

    it('answers 0 as the last seq of an empty log', async function () {
      expect(await store().lastPublicationSeq()).to.equal(0);
    });

    it('returns the existing entry for a repeated idempotency key', async function () {
      const [first] = await store().appendPublications([entry(1)], at(1));
      const again = await store().appendPublications([entry(2), entry(1, { class: 'WHITE' }), entry(2)], at(2));
      expect(again[1]).to.deep.equal(first);
      expect(again[2]).to.deep.equal(again[0]);
      expect(again[0]!.seq).to.be.greaterThan(first!.seq);
      expect((await store().counts()).publications).to.equal(2);
    });

    it('reads entries after a seq, by class and by indicator, in seq order', async function () {
      const all = await store().appendPublications(
        Array.from({ length: 25 }, (_, n) => entry(n)),
        at(5),
      );
      const after = all[9]!.seq;

      const tail = await store().listPublications({ afterSeq: after, limit: 100 });
      expect(tail).to.deep.equal(all.slice(10));

      const limited = await store().listPublications({ afterSeq: 0, limit: 4 });
      expect(limited).to.deep.equal(all.slice(0, 4));

      const greenWhite = await store().listPublications({ afterSeq: after, limit: 100, classes: ['GREEN', 'WHITE'] });
      expect(greenWhite).to.deep.equal(all.slice(10).filter((e) => e.class === 'GREEN' || e.class === 'WHITE'));

      const byIndicator = await store().listPublications({ afterSeq: 0, limit: 100, indicatorIds: ['ind_1', 'ind_3'], classes: ['RED', 'AMBER'] });
      expect(byIndicator).to.deep.equal(all.filter((e) => ['ind_1', 'ind_3'].includes(e.indicatorId) && ['RED', 'AMBER'].includes(e.class)));
      expect(byIndicator.length).to.be.greaterThan(0);
    });
  });
}
