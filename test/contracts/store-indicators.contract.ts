// Contract: indicators and their per-submission sources.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type { DirectoryStore, IndicatorInput, IndicatorStore, StoreHandle, SubmissionStore } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, seedSubmission, seedSubmitter } from './store-fixtures.ts';

const domain: IndicatorInput = { type: 'domain-name', value: 'evil.example', kind: 'network', class: 'AMBER', context: { from: 'body' } };
const sender: IndicatorInput = { type: 'email-addr', value: 'ceo@evil.example', kind: 'mail', class: 'RED' };
const hash: IndicatorInput = { type: 'file-sha256', value: 'b'.repeat(64), kind: 'file', class: 'GREEN' };

export function indicatorContract(store: StoreRef<DirectoryStore & SubmissionStore & IndicatorStore & StoreHandle>): void {
  describe('indicators', function () {
    let s1: string;
    let s2: string;
    beforeEach(async function () {
      const org1 = await seedSubmitter(store(), 'org1');
      const org2 = await seedSubmitter(store(), 'org2');
      s1 = await seedSubmission(store(), org1, 's1');
      s2 = await seedSubmission(store(), org2, 's2');
    });

    it('derives the indicator id from type and value', async function () {
      const [ind] = await store().upsertIndicators(s1, 'org1', at(100), [domain]);
      expect(ind).to.deep.equal({ id: indicatorId('domain-name', 'evil.example'), type: 'domain-name', value: 'evil.example', createdAt: at(100) });
    });

    it('makes one indicator with two sources when two submissions share it', async function () {
      const [a] = await store().upsertIndicators(s1, 'org1', at(100), [domain, sender]);
      const [b] = await store().upsertIndicators(s2, 'org2', at(200), [{ ...domain, class: 'WHITE', kind: 'network' }, hash]);
      expect(b).to.deep.equal(a);
      const found = await store().getIndicator(a!.id);
      expect(found?.indicator).to.deep.equal(a);
      expect(found?.sources).to.have.deep.members([
        {
          indicatorId: a!.id,
          submissionId: s1,
          orgId: 'org1',
          kind: 'network',
          class: 'AMBER',
          seenAt: at(100),
          falsePositive: false,
          context: { from: 'body' },
        },
        {
          indicatorId: a!.id,
          submissionId: s2,
          orgId: 'org2',
          kind: 'network',
          class: 'WHITE',
          seenAt: at(200),
          falsePositive: false,
          context: { from: 'body' },
        },
      ]);
      expect((await store().counts()).indicators).to.equal(3);
      expect((await store().counts()).indicatorSources).to.equal(4);
    });

    it('updates the source of a re-upserted indicator instead of adding one', async function () {
      await store().upsertIndicators(s1, 'org1', at(100), [domain]);
      await store().upsertIndicators(s1, 'org1', at(300), [{ ...domain, class: 'RED', kind: 'mail', context: { from: 'subject' } }]);
      const found = await store().getIndicator(indicatorId(domain.type, domain.value));
      expect(found?.sources).to.have.length(1);
      expect(found?.sources[0]).to.include({ class: 'RED', kind: 'mail' });
      expect(found?.sources[0]?.context).to.deep.equal({ from: 'subject' });
    });

    it('lists the indicators of a submission with all their sources', async function () {
      await store().upsertIndicators(s1, 'org1', at(100), [domain, sender]);
      await store().upsertIndicators(s2, 'org2', at(200), [domain, hash]);
      const listed = await store().listIndicatorsForSubmission(s1);
      expect(listed.map((i) => i.indicator.value)).to.have.members(['evil.example', 'ceo@evil.example']);
      const shared = listed.find((i) => i.indicator.value === 'evil.example');
      expect(shared?.sources.map((s) => s.submissionId)).to.have.members([s1, s2]);
      expect(await store().listIndicatorsForSubmission('unknown')).to.deep.equal([]);
    });

    it('marks one source false positive and leaves the others', async function () {
      const [ind] = await store().upsertIndicators(s1, 'org1', at(100), [domain]);
      await store().upsertIndicators(s2, 'org2', at(200), [domain]);
      expect(await store().setSourceFalsePositive(ind!.id, s1, true)).to.equal(true);
      const sources = (await store().getIndicator(ind!.id))!.sources;
      expect(sources.find((s) => s.submissionId === s1)?.falsePositive).to.equal(true);
      expect(sources.find((s) => s.submissionId === s2)?.falsePositive).to.equal(false);
      expect(await store().setSourceFalsePositive(ind!.id, s1, false)).to.equal(true);
      expect((await store().getIndicator(ind!.id))!.sources.every((s) => !s.falsePositive)).to.equal(true);
      expect(await store().setSourceFalsePositive(ind!.id, 'unknown', true)).to.equal(false);
    });

    it('removes one source and keeps the others', async function () {
      const [ind] = await store().upsertIndicators(s1, 'org1', at(100), [domain]);
      await store().upsertIndicators(s2, 'org2', at(200), [domain]);
      expect(await store().removeIndicatorSource(ind!.id, s1)).to.equal(true);
      expect(await store().removeIndicatorSource(ind!.id, s1), 'already removed').to.equal(false);
      expect((await store().getIndicator(ind!.id))!.sources.map((s) => s.submissionId)).to.deep.equal([s2]);
      expect(await store().listIndicatorsForSubmission(s1)).to.deep.equal([]);
    });

    it('answers null for an unknown indicator', async function () {
      expect(await store().getIndicator(indicatorId('url', 'https://nowhere.example/'))).to.equal(null);
    });
  });
}
