// Contract: sample records, reference paging for retention, purge tombstones.
import { expect } from 'chai';
import type { Sample } from '../../core/types.ts';
import type { DirectoryStore, SampleStore, SubmissionStore } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, hex, sampleInput, seedSubmission, seedSubmitter } from './store-fixtures.ts';

function byRef(a: Sample, b: Sample): number {
  const ka = `${a.sha256}\u0000${a.submissionId}`;
  const kb = `${b.sha256}\u0000${b.submissionId}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function sampleContract(store: StoreRef<DirectoryStore & SubmissionStore & SampleStore>): void {
  describe('samples', function () {
    let s1: string;
    let s2: string;
    beforeEach(async function () {
      const who = await seedSubmitter(store());
      s1 = await seedSubmission(store(), who, 's1');
      s2 = await seedSubmission(store(), who, 's2');
    });

    it('stores sample records unpurged and lists them per submission', async function () {
      const raw = await store().putSample(sampleInput(s1, hex(1), { role: 'raw', declaredName: null }));
      await store().putSample(sampleInput(s1, hex(2)));
      await store().putSample(sampleInput(s2, hex(3)));
      expect(raw).to.deep.equal({ ...sampleInput(s1, hex(1), { role: 'raw', declaredName: null }), purgedAt: null });
      const listed = await store().listSamples(s1);
      expect(listed.map((s) => s.sha256)).to.have.members([hex(1), hex(2)]);
      expect(listed.find((s) => s.sha256 === hex(1))).to.deep.equal(raw);
    });

    it('keeps one record per blob and submission when a sample is put again', async function () {
      await store().putSample(sampleInput(s1, hex(1)));
      await store().putSample(sampleInput(s1, hex(1), { detectedType: 'application/x-ole-storage' }));
      const listed = await store().listSamples(s1);
      expect(listed).to.have.length(1);
      expect(listed[0]!.detectedType).to.equal('application/x-ole-storage');
    });

    it('pages sample references by (sha256, submissionId) without gaps', async function () {
      const all: Sample[] = [];
      for (let i = 0; i < 12; i++) {
        all.push(await store().putSample(sampleInput(i % 2 ? s1 : s2, hex(100 - (i >> 1)), { storedAt: at(100 + i) })));
      }
      const seen: Sample[] = [];
      let after: { sha256: string; submissionId: string } | null = null;
      for (;;) {
        const page = await store().listSampleRefs({ unpurgedOnly: false, after, limit: 5 });
        if (page.length === 0) break;
        expect(page.length).to.be.at.most(5);
        seen.push(...page);
        const last = page[page.length - 1]!;
        after = { sha256: last.sha256, submissionId: last.submissionId };
      }
      expect(seen).to.deep.equal([...all].sort(byRef));
    });

    it('selects references stored before a time', async function () {
      await store().putSample(sampleInput(s1, hex(1), { storedAt: at(100) }));
      await store().putSample(sampleInput(s1, hex(2), { storedAt: at(200) }));
      await store().putSample(sampleInput(s2, hex(3), { storedAt: at(300) }));
      const refs = await store().listSampleRefs({ unpurgedOnly: true, storedBefore: at(300), limit: 10 });
      expect(refs.map((s) => s.sha256)).to.deep.equal([hex(1), hex(2)]);
    });

    it('marks only the named references purged when retention names them, leaving one recorded since live', async function () {
      await store().putSample(sampleInput(s1, hex(7)));
      await store().putSample(sampleInput(s2, hex(7)));
      expect(await store().markBlobPurged(hex(7), at(900), [s1])).to.equal(1);
      expect((await store().listSamples(s1))[0]!.purgedAt).to.equal(at(900));
      expect((await store().listSamples(s2))[0]!.purgedAt).to.equal(null);
    });

    it('marks every reference to a purged blob as a tombstone that keeps its hashes', async function () {
      await store().putSample(sampleInput(s1, hex(7)));
      await store().putSample(sampleInput(s2, hex(7), { role: 'member' }));
      await store().putSample(sampleInput(s2, hex(8)));
      expect(await store().markBlobPurged(hex(7), at(900))).to.equal(2);
      expect(await store().markBlobPurged(hex(7), at(950)), 'already purged').to.equal(0);

      const tombstones = [...(await store().listSamples(s1)), ...(await store().listSamples(s2))].filter((s) => s.sha256 === hex(7));
      expect(tombstones).to.have.length(2);
      for (const t of tombstones) {
        expect(t.purgedAt).to.equal(at(900));
        expect(t).to.include({ sha1: hex(7).slice(0, 40), md5: hex(7).slice(0, 32), size: 2048 });
      }
      const live = await store().listSampleRefs({ unpurgedOnly: true, limit: 10 });
      expect(live.map((s) => s.sha256)).to.deep.equal([hex(8)]);
      expect(await store().listSampleRefs({ unpurgedOnly: false, limit: 10 })).to.have.length(3);
    });
  });
}
