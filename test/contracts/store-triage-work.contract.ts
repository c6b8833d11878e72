// Contract: who works on a submission (a compare-and-set assignee) and the analysts' internal notes
// (TriageWorkStore). Both adapters pass it unchanged.
import { expect } from 'chai';
import { isC4Error } from '../../core/errors.ts';
import type { SubmissionAssignment, SubmissionNote } from '../../core/types.ts';
import type { ConsoleStore, DirectoryStore, StoreHandle, SubmissionStore, TriageWorkStore } from '../../core/store/port.ts';
import type { StoreRef } from './store.contract.ts';
import { at, seedSubmission, seedSubmitter } from './store-fixtures.ts';

const mine = (principalId: string, seconds: number, by = principalId): SubmissionAssignment => ({ principalId, assignedAt: at(seconds), assignedBy: by });

function note(id: string, submissionId: string, seconds: number, text = `note ${id}`): SubmissionNote {
  return { id, submissionId, authorId: 'analyst1', createdAt: at(seconds), text };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return isC4Error(err) ? err.code : String(err);
  }
}

export function triageWorkContract(store: StoreRef<DirectoryStore & SubmissionStore & ConsoleStore & TriageWorkStore & StoreHandle>): void {
  describe('assignment and internal notes', function () {
    it('a new submission is unassigned; taking it records who, when and by whom, and reads back', async function () {
      const who = await seedSubmitter(store());
      const id = await seedSubmission(store(), who, 's1');
      expect((await store().getSubmission(id))!.assignee).to.equal(null);
      const before = (await store().getSubmission(id))!;
      const r = await store().assignSubmission(id, null, mine('analyst1', 100));
      expect(r!.changed).to.equal(true);
      expect(r!.submission.assignee).to.deep.equal(mine('analyst1', 100));
      expect((await store().getSubmission(id))!.assignee).to.deep.equal(mine('analyst1', 100));
      // The queue's time to publish reads updatedAt: an assignment does not move it.
      expect((await store().getSubmission(id))!.updatedAt).to.equal(before.updatedAt);
    });

    it('refuses to overwrite: a take expecting nobody fails once someone holds it, and says who', async function () {
      const who = await seedSubmitter(store());
      const id = await seedSubmission(store(), who, 's1');
      await store().assignSubmission(id, null, mine('analyst1', 100));
      const second = await store().assignSubmission(id, null, mine('analyst2', 101));
      expect(second!.changed).to.equal(false);
      expect(second!.submission.assignee).to.deep.equal(mine('analyst1', 100));
      // Handing over and releasing name the current holder.
      expect((await store().assignSubmission(id, 'analyst2', null))!.changed).to.equal(false);
      expect((await store().assignSubmission(id, 'analyst1', mine('analyst2', 102, 'analyst1')))!.submission.assignee).to.deep.equal(
        mine('analyst2', 102, 'analyst1'),
      );
      const released = await store().assignSubmission(id, 'analyst2', null);
      expect(released!.changed).to.equal(true);
      expect(released!.submission.assignee).to.equal(null);
    });

    it('of two analysts taking the same submission at once, exactly one gets it', async function () {
      const who = await seedSubmitter(store());
      const id = await seedSubmission(store(), who, 's1');
      const results = await Promise.all(['analyst1', 'analyst2', 'analyst3'].map((p, i) => store().assignSubmission(id, null, mine(p, 100 + i))));
      expect(results.filter((r) => r!.changed)).to.have.length(1);
      const winner = results.find((r) => r!.changed)!.submission.assignee;
      expect((await store().getSubmission(id))!.assignee).to.deep.equal(winner);
    });

    it('answers null for an unknown submission', async function () {
      expect(await store().assignSubmission('nope', null, mine('analyst1', 1))).to.equal(null);
    });

    it('finds the submissions of one assignee, and those of nobody, in the queue search and its counts', async function () {
      const who = await seedSubmitter(store());
      const [a, b, c] = [await seedSubmission(store(), who, 's1'), await seedSubmission(store(), who, 's2'), await seedSubmission(store(), who, 's3')];
      await store().assignSubmission(a, null, mine('analyst1', 100));
      await store().assignSubmission(b, null, mine('analyst2', 100));
      const ids = async (assignee: string | null) => (await store().searchSubmissions({ assignee }, { limit: 10 })).items.map((s) => s.id);
      expect(await ids('analyst1')).to.deep.equal([a]);
      expect(await ids('analyst2')).to.deep.equal([b]);
      expect(await ids(null)).to.deep.equal([c]);
      expect((await store().countSubmissionSearch({ assignee: null }))['received']).to.equal(1);
      expect((await store().countSubmissionSearch({ assignee: 'analyst1' }))['received']).to.equal(1);
      expect((await store().searchSubmissions({}, { limit: 10 })).items).to.have.length(3);
    });

    it('lists a submission’s notes newest first, text as written, and no other submission’s', async function () {
      const who = await seedSubmitter(store());
      const s1 = await seedSubmission(store(), who, 's1');
      const s2 = await seedSubmission(store(), who, 's2');
      const text = '差出人は過去の <script>alert(1)</script> キャンペーンと同じ\n2行目 & "quotes"';
      expect(await store().addSubmissionNote(note('n1', s1, 10, text))).to.deep.equal(note('n1', s1, 10, text));
      await store().addSubmissionNote(note('n3', s1, 30));
      await store().addSubmissionNote(note('n2', s1, 20));
      await store().addSubmissionNote(note('n4', s2, 40));
      expect(await store().listSubmissionNotes(s1)).to.deep.equal([note('n3', s1, 30), note('n2', s1, 20), note('n1', s1, 10, text)]);
      expect(await store().listSubmissionNotes('none')).to.deep.equal([]);
      expect((await store().counts()).submissionNotes).to.equal(4);
    });

    it('refuses a note id used before (CONFLICT) and a note on an unknown submission (NOT_FOUND)', async function () {
      const who = await seedSubmitter(store());
      const s1 = await seedSubmission(store(), who, 's1');
      await store().addSubmissionNote(note('n1', s1, 10));
      expect(await codeOf(store().addSubmissionNote(note('n1', s1, 11, 'other')))).to.equal('CONFLICT');
      expect(await codeOf(store().addSubmissionNote(note('n2', 'unknown', 11)))).to.equal('NOT_FOUND');
      expect(await store().listSubmissionNotes(s1)).to.deep.equal([note('n1', s1, 10)]);
    });
  });
}
