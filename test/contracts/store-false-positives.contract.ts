// Contract: exchange-level false positives (FalsePositiveStore), one entry per indicator.
import { expect } from 'chai';
import type { FalsePositiveEntry } from '../../core/types.ts';
import type { FalsePositiveStore, StoreHandle } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at } from './store-fixtures.ts';

function entry(indicatorId: string, overrides: Partial<FalsePositiveEntry> = {}): FalsePositiveEntry {
  return {
    indicatorId,
    type: 'domain-name',
    value: `${indicatorId}.example`,
    markedBy: 'analyst1',
    markedAt: at(10),
    reason: 'vendor update server',
    ...overrides,
  };
}

export function falsePositiveContract(store: StoreRef<FalsePositiveStore & StoreHandle>): void {
  describe('exchange-level false positives', function () {
    it('records an entry and reads it back with who, when and why', async function () {
      const marked = await store().markFalsePositive(entry('ind_a'));
      expect(marked).to.deep.equal({ entry: entry('ind_a'), created: true });
      expect(await store().getFalsePositive('ind_a')).to.deep.equal(entry('ind_a'));
      expect(await store().getFalsePositive('ind_b')).to.equal(null);
    });

    it('keeps the first entry when an indicator is marked again', async function () {
      await store().markFalsePositive(entry('ind_a'));
      const again = await store().markFalsePositive(entry('ind_a', { markedBy: 'analyst2', markedAt: at(20), reason: 'other' }));
      expect(again).to.deep.equal({ entry: entry('ind_a'), created: false });
      expect(await store().getFalsePositive('ind_a')).to.deep.equal(entry('ind_a'));
    });

    it('keeps one entry when two marks race', async function () {
      const results = await Promise.all([store().markFalsePositive(entry('ind_a')), store().markFalsePositive(entry('ind_a', { markedBy: 'analyst2' }))]);
      expect(results.filter((r) => r.created)).to.have.length(1);
      const winner = results.find((r) => r.created)!.entry;
      expect(results.map((r) => r.entry)).to.deep.equal([winner, winner]);
      expect((await store().counts()).falsePositives).to.equal(1);
    });

    it('removes an entry on unmark and returns it once', async function () {
      await store().markFalsePositive(entry('ind_a'));
      expect(await store().unmarkFalsePositive('ind_a')).to.deep.equal(entry('ind_a'));
      expect(await store().unmarkFalsePositive('ind_a')).to.equal(null);
      expect(await store().getFalsePositive('ind_a')).to.equal(null);
      // Marked again after an unmark: a new entry.
      expect((await store().markFalsePositive(entry('ind_a', { reason: 'again' }))).created).to.equal(true);
    });

    it('says which of a batch of indicators are marked', async function () {
      await store().markFalsePositive(entry('ind_c'));
      await store().markFalsePositive(entry('ind_a'));
      expect(await store().markedFalsePositives(['ind_a', 'ind_b', 'ind_c', 'ind_a'])).to.have.members(['ind_a', 'ind_c']);
      expect(await store().markedFalsePositives([])).to.deep.equal([]);
    });

    it('lists entries in indicator id order, page by page', async function () {
      for (const id of ['ind_c', 'ind_a', 'ind_b']) await store().markFalsePositive(entry(id));
      const first = await store().listFalsePositives(null, 2);
      expect(first.map((e) => e.indicatorId)).to.deep.equal(['ind_a', 'ind_b']);
      expect(first[0]).to.deep.equal(entry('ind_a'));
      expect((await store().listFalsePositives('ind_b', 2)).map((e) => e.indicatorId)).to.deep.equal(['ind_c']);
      expect(await store().listFalsePositives('ind_c', 2)).to.deep.equal([]);
    });
  });
}
