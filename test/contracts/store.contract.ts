// The store contract: every adapter of core/store/port.ts passes this suite unchanged. It is
// written only against the Store interface (and core/audit.ts, which uses it), so the MongoDB
// adapter runs it as it is: `storeContract('mongodb', openMongoForTest)`.
import { expect } from 'chai';
import { createAuditAppender } from '../../core/audit.ts';
import type { Store } from '../../core/store/port.ts';
import { auditContract } from './store-audit.contract.ts';
import { clusterContract } from './store-clusters.contract.ts';
import { consoleContract } from './store-console.contract.ts';
import { digestContract } from './store-digests.contract.ts';
import { directoryContract } from './store-directory.contract.ts';
import { drillContract } from './store-drills.contract.ts';
import { exportContract } from './store-export.contract.ts';
import { falsePositiveContract } from './store-false-positives.contract.ts';
import { indicatorContract } from './store-indicators.contract.ts';
import { jobContract } from './store-jobs.contract.ts';
import { publicationContract } from './store-publications.contract.ts';
import { sampleContract } from './store-samples.contract.ts';
import { sharingContract } from './store-sharing.contract.ts';
import { submissionContract } from './store-submissions.contract.ts';
import { triageWorkContract } from './store-triage-work.contract.ts';
import { at, principalInput, sampleInput, seedSubmission, seedSubmitter } from './store-fixtures.ts';

export interface OpenedStore {
  readonly store: Store;
  /** Closes the store and removes whatever the test created (temp dir, database). */
  readonly cleanup: () => Promise<void>;
}

/** Gives each test the store opened for it, typed as the roles the suite uses (its own and those it seeds with). */
export type StoreRef<Roles = Store> = () => Roles;

export function storeContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store contract: ${name}`, function () {
    let opened: OpenedStore | null = null;

    beforeEach(async function () {
      opened = await open();
    });

    afterEach(async function () {
      const current = opened;
      opened = null;
      await current?.cleanup();
    });

    const store: StoreRef = () => {
      if (!opened) throw new Error('store used outside a test');
      return opened.store;
    };

    directoryContract(store);
    submissionContract(store);
    sampleContract(store);
    indicatorContract(store);
    publicationContract(store);
    sharingContract(store);
    jobContract(store);
    auditContract(store);
    clusterContract(store);
    consoleContract(store);
    digestContract(store);
    exportContract(store);
    drillContract(store);
    falsePositiveContract(store);
    triageWorkContract(store);

    it('counts every kind of record', async function () {
      const who = await seedSubmitter(store());
      await store().createPrincipal(principalInput('p2', who.org.id), at(0));
      const s1 = await seedSubmission(store(), who, 's1');
      await seedSubmission(store(), who, 's2');
      await store().putSample(sampleInput(s1, 'c'.repeat(64)));
      await store().upsertIndicators(s1, who.org.id, at(1), [{ type: 'url', value: 'https://evil.example/x', kind: 'network', class: 'AMBER' }]);
      await store().appendPublications(
        [{ idempotencyKey: 'k', action: 'publish', indicatorId: 'i', submissionId: s1, kind: 'network', class: 'AMBER' }],
        at(2),
      );
      await createAuditAppender(store(), () => new Date(at(3)), Buffer.alloc(32))({ actor: 'system', action: 'test' });
      const contact = { orgId: who.org.id, orgName: who.org.name, language: 'ja' as const, address: 'soc@org1.example', lastError: null };
      await store().createDrill({ id: 'd1', title: 'Drill', startedBy: 'cli:root', startedAt: at(4) }, [
        { ...contact, id: 'n1', contactName: 'SOC', tokenHash: 'h1' },
        { ...contact, id: 'n2', contactName: 'CSIRT', tokenHash: 'h2' },
      ]);
      const digest = {
        principalId: who.principal.id,
        attachments: 'none',
        zipPasswordSealed: null,
        smimeCertificate: null,
        amber: false,
        disabled: false,
        cursorSeq: 0,
        createdAt: at(5),
      } as const;
      await store().createDigestSubscription({ ...digest, id: 'ds1', schedule: 'daily' });
      await store().recordDigestDelivery({ id: 'dd1', subscriptionId: 'ds1', fromSeq: 0, toSeq: 1, messageId: '<d@x>', sentAt: at(6), via: 'relay' });
      await store().markFalsePositive({
        indicatorId: 'i',
        type: 'url',
        value: 'https://evil.example/x',
        markedBy: who.principal.id,
        markedAt: at(7),
        reason: 'test',
      });
      await store().addSubmissionNote({ id: 'note1', submissionId: s1, authorId: who.principal.id, createdAt: at(8), text: 'internal' });
      expect(await store().counts()).to.deep.equal({
        organisations: 1,
        principals: 2,
        submissions: 2,
        samples: 1,
        indicators: 1,
        indicatorSources: 1,
        publications: 1,
        jobs: 2,
        auditEvents: 1,
        drills: 1,
        drillNotices: 2,
        digestSubscriptions: 1,
        digestDeliveries: 1,
        falsePositives: 1,
        submissionNotes: 1,
      });
    });
  });
}
