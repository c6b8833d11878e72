// Contract: clustering features of submissions (mass mailing vs targeted, analysis/correlate).
import { expect } from 'chai';
import type { ClusterFeature } from '../../core/types.ts';
import type { ClusterStore, DirectoryStore, SubmissionStore } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, seedSubmission, seedSubmitter } from './store-fixtures.ts';

const ip: ClusterFeature = { type: 'sender-ip', value: '192.0.2.45' };
const host: ClusterFeature = { type: 'url-host', value: 'lure-portal.example' };
const template: ClusterFeature = { type: 'subject-template', value: 'your mailbox is full #' };

export function clusterContract(store: StoreRef<DirectoryStore & SubmissionStore & ClusterStore>): void {
  describe('clustering features', function () {
    let s1: string;
    let s2: string;
    let s3: string;
    beforeEach(async function () {
      const org1 = await seedSubmitter(store(), 'org1');
      const org2 = await seedSubmitter(store(), 'org2');
      s1 = await seedSubmission(store(), org1, 's1');
      s2 = await seedSubmission(store(), org2, 's2');
      s3 = await seedSubmission(store(), org2, 's3');
    });

    it('finds the submissions that share a feature, with their organisation and time, newest first', async function () {
      await store().putClusterFeatures(s1, 'org1', at(100), [ip, host]);
      await store().putClusterFeatures(s2, 'org2', at(200), [ip]);
      await store().putClusterFeatures(s3, 'org2', at(300), [template]);
      const found = await store().findClusterFeatures({ features: [ip, template], limitPerFeature: 10 });
      expect(found).to.deep.equal([
        { submissionId: s2, orgId: 'org2', type: 'sender-ip', value: '192.0.2.45', seenAt: at(200) },
        { submissionId: s1, orgId: 'org1', type: 'sender-ip', value: '192.0.2.45', seenAt: at(100) },
        { submissionId: s3, orgId: 'org2', type: 'subject-template', value: 'your mailbox is full #', seenAt: at(300) },
      ]);
    });

    it('leaves out the asking submission, older rows and rows past the limit', async function () {
      await store().putClusterFeatures(s1, 'org1', at(100), [ip]);
      await store().putClusterFeatures(s2, 'org2', at(200), [ip]);
      await store().putClusterFeatures(s3, 'org2', at(300), [ip]);
      const others = await store().findClusterFeatures({ features: [ip], excludeSubmissionId: s3, limitPerFeature: 10 });
      expect(others.map((f) => f.submissionId)).to.deep.equal([s2, s1]);
      const recent = await store().findClusterFeatures({ features: [ip], seenFrom: at(200), limitPerFeature: 10 });
      expect(recent.map((f) => f.submissionId)).to.deep.equal([s3, s2]);
      const limited = await store().findClusterFeatures({ features: [ip], limitPerFeature: 1 });
      expect(limited.map((f) => f.submissionId)).to.deep.equal([s3]);
    });

    it('keeps each feature its own newest rows when another feature has many more', async function () {
      await store().putClusterFeatures(s1, 'org1', at(100), [host]);
      await store().putClusterFeatures(s2, 'org2', at(200), [ip]);
      await store().putClusterFeatures(s3, 'org2', at(300), [ip]);
      const found = await store().findClusterFeatures({ features: [ip, host, ip], limitPerFeature: 1 });
      expect(found.map((f) => [f.submissionId, f.type])).to.deep.equal([
        [s3, 'sender-ip'],
        [s1, 'url-host'],
      ]);
      const two = await store().findClusterFeatures({ features: [host, ip], limitPerFeature: 2 });
      expect(two.map((f) => [f.submissionId, f.type])).to.deep.equal([
        [s1, 'url-host'],
        [s3, 'sender-ip'],
        [s2, 'sender-ip'],
      ]);
    });

    it("replaces a submission's features when they are put again", async function () {
      await store().putClusterFeatures(s1, 'org1', at(100), [ip, host]);
      await store().putClusterFeatures(s1, 'org1', at(150), [host, host]);
      expect(await store().findClusterFeatures({ features: [ip], limitPerFeature: 10 })).to.deep.equal([]);
      const hosts = await store().findClusterFeatures({ features: [host], limitPerFeature: 10 });
      expect(hosts).to.deep.equal([{ submissionId: s1, orgId: 'org1', type: 'url-host', value: 'lure-portal.example', seenAt: at(150) }]);
    });

    it('lists only the features two or more submissions share in the window, newest first, bounded', async function () {
      const s4 = await seedSubmission(store(), await seedSubmitter(store(), 'org3'), 's4');
      const lone: ClusterFeature = { type: 'url-host', value: 'only-once.example' };
      const kanji: ClusterFeature = { type: 'subject-template', value: '【重要】請求書 #' };
      await store().putClusterFeatures(s1, 'org1', at(100), [ip, host, kanji]);
      await store().putClusterFeatures(s2, 'org2', at(200), [ip, lone, kanji]);
      await store().putClusterFeatures(s3, 'org2', at(300), [host]);
      await store().putClusterFeatures(s4, 'org3', at(50), [template, ip]);
      const types = ['sender-ip', 'url-host', 'subject-template'] as const;
      const shared = await store().listSharedClusterFeatures({ seenFrom: at(100), types, limit: 100 });
      expect(shared.map((f) => [f.submissionId, f.type, f.value])).to.deep.equal([
        [s3, 'url-host', 'lure-portal.example'],
        [s2, 'sender-ip', '192.0.2.45'],
        [s2, 'subject-template', '【重要】請求書 #'],
        [s1, 'sender-ip', '192.0.2.45'],
        [s1, 'subject-template', '【重要】請求書 #'],
        [s1, 'url-host', 'lure-portal.example'],
      ]);
      // s4's sender IP is older than the window: it neither appears nor counts.
      const hostsOnly = await store().listSharedClusterFeatures({ seenFrom: at(0), types: ['url-host'], limit: 100 });
      expect(hostsOnly.map((f) => f.submissionId)).to.deep.equal([s3, s1]);
      const withOld = await store().listSharedClusterFeatures({ seenFrom: at(0), types: ['sender-ip'], limit: 100 });
      expect(withOld.map((f) => f.submissionId)).to.deep.equal([s2, s1, s4]);
      const bounded = await store().listSharedClusterFeatures({ seenFrom: at(0), types, limit: 2 });
      expect(bounded.map((f) => f.submissionId)).to.deep.equal([s3, s2]);
    });

    it('refuses features of a submission that does not exist', async function () {
      const err = await store()
        .putClusterFeatures('missing', 'org1', at(100), [ip])
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).to.have.property('code', 'NOT_FOUND');
    });
  });
}
