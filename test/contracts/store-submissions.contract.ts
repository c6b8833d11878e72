// Contract: submissions and their job, dedup, filters, cursor paging and counts.
import { expect } from 'chai';
import { isC4Error } from '../../core/errors.ts';
import { SUBMISSION_STATUSES, type Submission, type SubmissionStatus } from '../../core/types.ts';
import type { DirectoryStore, JobStore, Page, SampleStore, SubmissionFilter, SubmissionStore } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import {
  at,
  classes,
  hex,
  jobInput,
  principalInput,
  rejection,
  sampleInput,
  seedSubmission,
  seedSubmitter,
  submissionInput,
  type Submitter,
} from './store-fixtures.ts';

/** Newest first, as the port orders: receivedAt desc, id desc. */
function newestFirst(a: Submission, b: Submission): number {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function submissionContract(store: StoreRef<DirectoryStore & SubmissionStore & SampleStore & JobStore>): void {
  describe('submissions', function () {
    let who: Submitter;
    beforeEach(async function () {
      who = await seedSubmitter(store());
    });

    it('creates a received submission together with its pending analysis job', async function () {
      const input = submissionInput('s1', who);
      const result = await store().createSubmission(input, jobInput('j1', 's1', at(61)));
      expect(result.created).to.equal(true);
      expect(result.submission).to.deep.equal({
        ...input,
        status: 'received',
        updatedAt: input.receivedAt,
        verdict: null,
        campaign: null,
        assignee: null,
      });
      expect(await store().getSubmission('s1')).to.deep.equal(result.submission);
      expect(result.job).to.include({ id: 'j1', type: 'analyse', submissionId: 's1', status: 'pending', attempts: 0, runAfter: at(61) });
      expect(await store().getJobForSubmission('s1', 'analyse')).to.deep.equal(result.job);
      expect(await store().getJob('j1')).to.deep.equal(result.job);
    });

    it('returns the first submission and its one job for a duplicate dedup key', async function () {
      const first = await store().createSubmission(submissionInput('s1', who, { dedupKey: 'k' }), jobInput('j1', 's1'));
      const again = await store().createSubmission(submissionInput('s2', who, { dedupKey: 'k', subject: 'other' }), jobInput('j2', 's2'));
      expect(again.created).to.equal(false);
      expect(again.submission).to.deep.equal(first.submission);
      expect(again.job.id).to.equal(first.job.id);
      expect(await store().getSubmission('s2')).to.equal(null);
      expect(await store().getJob('j2')).to.equal(null);
      expect(await store().countJobs('pending')).to.equal(1);
      expect(await store().findSubmissionByDedupKey(who.org.id, 'k')).to.deep.equal(first.submission);
      expect(await store().findSubmissionByDedupKey(who.org.id, 'other')).to.equal(null);
    });

    it('writes the first sample records with the submission, and attaches a duplicate delivery’s to the first submission', async function () {
      const { submissionId: _a, ...raw1 } = sampleInput('s1', hex(1), { role: 'raw' });
      const { submissionId: _b, ...orig } = sampleInput('s1', hex(2), { role: 'original' });
      await store().createSubmission(submissionInput('s1', who, { dedupKey: 'k' }), jobInput('j1', 's1'), [raw1, orig]);
      expect((await store().listSamples('s1')).map((x) => [x.sha256, x.role, x.submissionId])).to.have.deep.members([
        [hex(1), 'raw', 's1'],
        [hex(2), 'original', 's1'],
      ]);
      const { submissionId: _c, ...raw2 } = sampleInput('s2', hex(3), { role: 'raw' });
      const again = await store().createSubmission(submissionInput('s2', who, { dedupKey: 'k' }), jobInput('j2', 's2'), [raw2]);
      expect(again.created).to.equal(false);
      expect((await store().listSamples('s1')).map((x) => x.sha256)).to.have.members([hex(1), hex(2), hex(3)]);
      expect(await store().listSamples('s2')).to.deep.equal([]);
    });

    it('treats the same dedup key from another organisation as a new submission', async function () {
      const other = await seedSubmitter(store(), 'org2');
      await store().createSubmission(submissionInput('s1', who, { dedupKey: 'k' }), jobInput('j1', 's1'));
      const second = await store().createSubmission(submissionInput('s2', other, { dedupKey: 'k' }), jobInput('j2', 's2'));
      expect(second.created).to.equal(true);
      expect(second.submission.id).to.equal('s2');
    });

    it('reads several submissions by id in one call, leaving out unknown ids', async function () {
      const a = await seedSubmission(store(), who, 'many-a');
      const b = await seedSubmission(store(), who, 'many-b');
      await seedSubmission(store(), who, 'many-c');
      const got = await store().getSubmissions([b, 'sub_unknown', a]);
      expect(got.map((x) => x.id).sort()).to.deep.equal([a, b].sort());
      expect(got.find((x) => x.id === a)).to.deep.equal(await store().getSubmission(a));
      expect(await store().getSubmissions([])).to.deep.equal([]);
    });

    it('outlines several submissions with the verdict and cluster label analysis recorded, without their details', async function () {
      const a = await seedSubmission(store(), who, 'outline-a');
      const b = await seedSubmission(store(), who, 'outline-b');
      await store().updateSubmission(
        a,
        { status: 'awaiting-triage', detailsMerge: { analysis: { verdict: { verdict: 'malicious', reasons: ['x'] }, cluster: { label: 'mass' } } } },
        '2026-12-04T01:00:00.000Z',
      );
      // A value of the wrong type is reported as absent, not passed on.
      await store().updateSubmission(b, { detailsMerge: { analysis: { verdict: { verdict: 7 } } } }, '2026-12-04T01:00:00.000Z');
      const got = [...(await store().getSubmissionOutlines([b, 'sub_unknown', a]))].sort((x, y) => x.id.localeCompare(y.id));
      const [subA, subB] = [await store().getSubmission(a), await store().getSubmission(b)];
      const expected = [
        { id: a, orgId: subA!.orgId, status: 'awaiting-triage', receivedAt: subA!.receivedAt, analysisVerdict: 'malicious', clusterLabel: 'mass' },
        { id: b, orgId: subB!.orgId, status: subB!.status, receivedAt: subB!.receivedAt, analysisVerdict: null, clusterLabel: null },
      ].sort((x, y) => x.id.localeCompare(y.id));
      expect(got).to.deep.equal(expected);
      expect(await store().getSubmissionOutlines([])).to.deep.equal([]);
    });

    it('updates status, verdict and details and stamps updatedAt', async function () {
      const id = await seedSubmission(store(), who, 's1');
      const before = await store().getSubmission(id);
      const patch = { status: 'awaiting-triage' as const, verdict: 'malicious' as const, details: { yara: ['Emotet_dropper'] }, classes: classes('AMBER') };
      const after = await store().updateSubmission(id, patch, at(500));
      expect(after).to.deep.equal({ ...before, ...patch, updatedAt: at(500) });
      expect(await store().getSubmission(id)).to.deep.equal(after);
      expect(await store().updateSubmission('missing', patch, at(500))).to.equal(null);
    });

    it('merges details keys into what is stored, so writers of different keys keep each other’s writes', async function () {
      const id = await seedSubmission(store(), who, 's1');
      await store().updateSubmission(id, { details: { analysis: { files: 2 }, triage: { victimAck: false } } }, at(1));
      // Two writers that read the submission before either wrote: neither erases the other.
      await Promise.all([
        store().updateSubmission(id, { detailsMerge: { notifications: { analysed: { state: 'sent' } } } }, at(2)),
        store().updateSubmission(id, { detailsMerge: { triage: { victimAck: true } } }, at(2)),
      ]);
      await store().updateSubmission(id, { detailsMerge: { notifications: { 'published:2026-01-01T00:00:00.000Z': { state: 'failed' } } } }, at(3));
      expect((await store().getSubmission(id))!.details).to.deep.equal({
        analysis: { files: 2 },
        triage: { victimAck: true },
        notifications: { analysed: { state: 'sent' }, 'published:2026-01-01T00:00:00.000Z': { state: 'failed' } },
      });
      const replaced = await store().updateSubmission(id, { details: { fresh: 1 }, detailsMerge: { triage: ['x'] } }, at(4));
      expect(replaced!.details).to.deep.equal({ fresh: 1, triage: ['x'] });
      expect(await store().updateSubmission('missing', { detailsMerge: { a: 1 } }, at(5))).to.equal(null);
    });

    describe('listing', function () {
      let all: Submission[];

      beforeEach(async function () {
        const other = await seedSubmitter(store(), 'org2');
        const colleague = { org: who.org, principal: await store().createPrincipal(principalInput('org1-p2', who.org.id), at(0)) };
        const statuses: SubmissionStatus[] = ['received', 'analysing', 'awaiting-triage', 'published', 'rejected'];
        const submitters = [who, other, colleague];
        for (let i = 0; i < 15; i++) {
          const id = `f${String(i).padStart(2, '0')}`;
          await seedSubmission(store(), submitters[i % 3]!, id, {
            receivedAt: at(100 * Math.floor(i / 2)),
            classes: classes(i % 4 === 0 ? 'GREEN' : 'RED', { network: (['AMBER', 'WHITE', 'RED'] as const)[i % 3] }),
          });
          await store().updateSubmission(id, { status: statuses[i % statuses.length]! }, at(2000));
        }
        all = (await Promise.all(Array.from({ length: 15 }, (_, i) => store().getSubmission(`f${String(i).padStart(2, '0')}`)))).map((s) => s!);
      });

      const cases: [string, SubmissionFilter, (s: Submission) => boolean][] = [
        ['no filter', {}, () => true],
        ['status list', { status: ['published', 'rejected'] }, (s) => s.status === 'published' || s.status === 'rejected'],
        ['organisation', { orgId: 'org2' }, (s) => s.orgId === 'org2'],
        ['principal', { principalId: 'org1-p2' }, (s) => s.principalId === 'org1-p2'],
        ['time range', { receivedFrom: at(200), receivedBefore: at(500) }, (s) => s.receivedAt >= at(200) && s.receivedAt < at(500)],
        ['class of a kind', { classOf: { kind: 'network', classes: ['AMBER', 'WHITE'] } }, (s) => ['AMBER', 'WHITE'].includes(s.classes.network)],
        [
          'combined',
          { orgId: 'org1', classOf: { kind: 'file', classes: ['GREEN'] }, receivedFrom: at(0) },
          (s) => s.orgId === 'org1' && s.classes.file === 'GREEN',
        ],
      ];
      for (const [title, filter, predicate] of cases) {
        it(`filters by ${title}, newest first`, async function () {
          const expected = all
            .filter(predicate)
            .sort(newestFirst)
            .map((s) => s.id);
          const page = await store().listSubmissions(filter, { limit: 100 });
          expect(page.items.map((s) => s.id)).to.deep.equal(expected);
          expect(page.nextCursor).to.equal(null);
        });
      }

      it('pages a filtered list to the same result as one page', async function () {
        const filter: SubmissionFilter = { status: ['received', 'analysing', 'awaiting-triage'] };
        const expected = all
          .filter((s) => filter.status!.includes(s.status))
          .sort(newestFirst)
          .map((s) => s.id);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: Page<Submission> = await store().listSubmissions(filter, { limit: 2, cursor });
          seen.push(...page.items.map((s) => s.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).to.deep.equal(expected);
      });

      it('counts submissions by status, with every status present', async function () {
        const counts = await store().countSubmissionsByStatus();
        expect(Object.keys(counts)).to.have.members([...SUBMISSION_STATUSES]);
        for (const status of SUBMISSION_STATUSES) {
          expect(counts[status], status).to.equal(all.filter((s) => s.status === status).length);
        }
        const org2 = await store().countSubmissionsByStatus({ orgId: 'org2' });
        for (const status of SUBMISSION_STATUSES) {
          expect(org2[status], status).to.equal(all.filter((s) => s.status === status && s.orgId === 'org2').length);
        }
      });
    });

    it('pages newest first without skipping or repeating while submissions arrive between pages', async function () {
      const original: string[] = [];
      for (let i = 0; i < 30; i++) {
        const id = `p${String(i).padStart(2, '0')}`;
        original.push(await seedSubmission(store(), who, id, { receivedAt: at(1000 + 10 * Math.floor(i / 3)) }));
      }
      const seen: Submission[] = [];
      const newer: string[] = [];
      const older: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page<Submission> = await store().listSubmissions({}, { limit: 7, cursor });
        expect(page.items.length).to.be.at.most(7);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
        // Between pages: one submission newer than everything, one older than everything, and
        // one with the same receivedAt as the last item returned.
        newer.push(await seedSubmission(store(), who, `n${pages}`, { receivedAt: at(9000 + pages) }));
        older.push(await seedSubmission(store(), who, `o${pages}`, { receivedAt: at(10 + pages) }));
        const last = page.items[page.items.length - 1];
        if (last) await seedSubmission(store(), who, `${last.id}-tie`, { receivedAt: last.receivedAt });
      } while (cursor && pages < 50);

      const ids = seen.map((s) => s.id);
      expect(new Set(ids).size, 'no submission repeated').to.equal(ids.length);
      expect(ids).to.include.members(original);
      expect(
        ids.filter((id) => newer.includes(id)),
        'newer than the first page',
      ).to.deep.equal([]);
      expect(
        [...seen].sort(newestFirst).map((s) => s.id),
        'newest first',
      ).to.deep.equal(ids);
      expect(ids.filter((id) => older.includes(id)).length, 'older arrivals still come').to.be.greaterThan(0);
    });

    it('rejects a malformed cursor with VALIDATION_FAILED', async function () {
      const err = await rejection(store().listSubmissions({}, { limit: 5, cursor: 'not-a-cursor' }));
      expect(isC4Error(err, 'VALIDATION_FAILED'), String(err)).to.equal(true);
    });
  });
}
