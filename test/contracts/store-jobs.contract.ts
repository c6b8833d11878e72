// Contract: analysis jobs under leases.
import { expect } from 'chai';
import type { Job } from '../../core/types.ts';
import type { DirectoryStore, JobStore, SubmissionStore } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, jobInput, seedSubmission, seedSubmitter, type Submitter } from './store-fixtures.ts';

export function jobContract(store: StoreRef<DirectoryStore & SubmissionStore & JobStore>): void {
  describe('jobs', function () {
    let who: Submitter;
    beforeEach(async function () {
      who = await seedSubmitter(store());
    });

    it('claims a due job: running, leased to the worker, one more attempt', async function () {
      await seedSubmission(store(), who, 's1', { receivedAt: at(60) });
      const job = await store().claimJob({ workerId: 'w1', now: at(61), leaseUntil: at(181) });
      expect(job).to.include({ id: 'job-s1', submissionId: 's1', status: 'running', leaseOwner: 'w1', leaseUntil: at(181), attempts: 1 });
      expect(await store().getJob('job-s1')).to.deep.equal(job);
      expect(await store().claimJob({ workerId: 'w2', now: at(62), leaseUntil: at(182) }), 'nothing else is due').to.equal(null);
      expect(await store().countJobs('running')).to.equal(1);
    });

    it('does not claim a job before its runAfter time, nor of another type', async function () {
      await seedSubmission(store(), who, 's1', { receivedAt: at(60) });
      expect(await store().claimJob({ workerId: 'w1', now: at(59), leaseUntil: at(180) })).to.equal(null);
      expect(await store().claimJob({ workerId: 'w1', now: at(61), leaseUntil: at(180), types: [] })).to.equal(null);
      expect(await store().claimJob({ workerId: 'w1', now: at(60), leaseUntil: at(180), types: ['analyse'] })).to.not.equal(null);
    });

    it('never hands one job to two workers under concurrent claims', async function () {
      for (let i = 0; i < 8; i++) await seedSubmission(store(), who, `s${i}`, { receivedAt: at(i) });
      const claims = await Promise.all(Array.from({ length: 24 }, (_, i) => store().claimJob({ workerId: `w${i}`, now: at(100), leaseUntil: at(400) })));
      const claimed = claims.filter((j): j is Job => j !== null);
      expect(claimed).to.have.length(8);
      expect(new Set(claimed.map((j) => j.id)).size).to.equal(8);
      for (const job of claimed) expect((await store().getJob(job.id))?.leaseOwner).to.equal(job.leaseOwner);
    });

    it('re-claims a job whose lease expired; the worker who lost it can no longer complete it', async function () {
      await seedSubmission(store(), who, 's1', { receivedAt: at(0) });
      const first = await store().claimJob({ workerId: 'slow', now: at(10), leaseUntil: at(70) });
      expect(await store().claimJob({ workerId: 'fast', now: at(69), leaseUntil: at(130) }), 'lease still held').to.equal(null);
      const second = await store().claimJob({ workerId: 'fast', now: at(71), leaseUntil: at(131) });
      expect(second).to.include({ id: first!.id, leaseOwner: 'fast', attempts: 2 });
      expect(await store().completeJob(first!.id, 'slow', at(72))).to.equal(false);
      expect(await store().renewLease(first!.id, 'slow', at(200))).to.equal(false);
      expect(await store().failJob(first!.id, 'slow', { error: 'late', retryAt: null, now: at(72) })).to.equal(false);
      expect(await store().completeJob(first!.id, 'fast', at(73))).to.equal(true);
      expect((await store().getJob(first!.id))?.status).to.equal('done');
      expect(await store().completeJob(first!.id, 'fast', at(74)), 'already done').to.equal(false);
    });

    it('renews a lease for its holder, which keeps others from claiming', async function () {
      await seedSubmission(store(), who, 's1', { receivedAt: at(0) });
      const job = await store().claimJob({ workerId: 'w1', now: at(10), leaseUntil: at(70) });
      expect(await store().renewLease(job!.id, 'w2', at(300))).to.equal(false);
      expect(await store().renewLease(job!.id, 'w1', at(300))).to.equal(true);
      expect((await store().getJob(job!.id))?.leaseUntil).to.equal(at(300));
      expect(await store().claimJob({ workerId: 'w2', now: at(200), leaseUntil: at(400) })).to.equal(null);
    });

    it('puts a failed job back for a retry, then marks it failed for good', async function () {
      await seedSubmission(store(), who, 's1', { receivedAt: at(0) });
      const job = await store().claimJob({ workerId: 'w1', now: at(10), leaseUntil: at(70) });
      expect(await store().failJob(job!.id, 'w1', { error: 'clamd timeout', retryAt: at(100), now: at(20) })).to.equal(true);
      expect(await store().getJob(job!.id)).to.include({ status: 'pending', runAfter: at(100), lastError: 'clamd timeout', leaseOwner: null });
      expect(await store().claimJob({ workerId: 'w1', now: at(99), leaseUntil: at(160) }), 'not before retryAt').to.equal(null);

      const retry = await store().claimJob({ workerId: 'w2', now: at(100), leaseUntil: at(160) });
      expect(retry).to.include({ id: job!.id, attempts: 2 });
      expect(await store().failJob(job!.id, 'w2', { error: 'parse error', retryAt: null, now: at(110) })).to.equal(true);
      expect(await store().getJob(job!.id)).to.include({ status: 'failed', lastError: 'parse error' });
      expect(await store().claimJob({ workerId: 'w3', now: at(10_000), leaseUntil: at(10_060) })).to.equal(null);
      expect(await store().countJobs('failed')).to.equal(1);
    });

    it('requeues a finished job so it runs again', async function () {
      await seedSubmission(store(), who, 's1', { receivedAt: at(0) });
      const job = await store().claimJob({ workerId: 'w1', now: at(10), leaseUntil: at(70) });
      await store().completeJob(job!.id, 'w1', at(20));
      const requeued = await store().requeueJob(jobInput('other-id', 's1', at(500)), at(30));
      expect(requeued).to.include({ id: job!.id, status: 'pending', leaseOwner: null });
      expect(await store().countJobs('done')).to.equal(0);
      expect((await store().claimJob({ workerId: 'w2', now: at(31), leaseUntil: at(90) }))?.id).to.equal(job!.id);
    });
  });
}
