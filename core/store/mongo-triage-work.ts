// Assignment and internal notes in MongoDB (TriageWorkStore). The assignee is a field of the
// submission document, changed by one findOneAndUpdate whose filter names the expected assignee:
// single-document atomicity makes it a compare-and-set, so of two analysts taking the same
// submission exactly one matches. Notes are documents of their own collection, keyed by id.
import type { Db, Filter } from 'mongodb';
import { C4Error } from '../errors.ts';
import type { SubmissionNote } from '../types.ts';
import { isDuplicateKey, type MongoMethods } from './mongo-db.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { docToSubmission, type SubmissionDoc } from './mongo-submissions.ts';

export type NoteDoc = Omit<SubmissionNote, 'id'> & { _id: string };

export function submissionNoteToDoc({ id, ...rest }: SubmissionNote): NoteDoc {
  return { _id: id, ...rest };
}

function docToNote(d: NoteDoc): SubmissionNote {
  return { id: d._id, submissionId: d.submissionId, authorId: d.authorId, createdAt: d.createdAt, text: d.text };
}

type TriageWorkMethods = Pick<MongoMethods, 'assignSubmission' | 'addSubmissionNote' | 'listSubmissionNotes'>;

export function mongoTriageWork(db: Db): TriageWorkMethods {
  const submissions = db.collection<SubmissionDoc>(COLLECTIONS.submissions);
  const notes = db.collection<NoteDoc>(COLLECTIONS.submissionNotes);
  return {
    async assignSubmission(id, expected, next) {
      // `assignee: null` also matches documents written before the field existed.
      const holder: Filter<SubmissionDoc> = expected === null ? { assignee: null } : { 'assignee.principalId': expected };
      const updated = await submissions.findOneAndUpdate({ $and: [{ _id: id }, holder] }, { $set: { assignee: next } }, { returnDocument: 'after' });
      if (updated) return { submission: docToSubmission(updated), changed: true };
      const current = await submissions.findOne({ _id: id });
      return current ? { submission: docToSubmission(current), changed: false } : null;
    },
    async addSubmissionNote(note) {
      // No foreign keys here: the submission is checked, as SQLite's reference does.
      if (!(await submissions.findOne({ _id: note.submissionId }, { projection: { _id: 1 } }))) {
        throw new C4Error('NOT_FOUND', `addSubmissionNote: no submission ${note.submissionId}`, { operation: 'addSubmissionNote' });
      }
      try {
        await notes.insertOne(submissionNoteToDoc(note));
      } catch (err) {
        if (isDuplicateKey(err)) throw new C4Error('CONFLICT', `addSubmissionNote: note ${note.id} exists`, { operation: 'addSubmissionNote' });
        throw err;
      }
      return note;
    },
    async listSubmissionNotes(submissionId) {
      const docs = await notes.find({ submissionId }).sort({ createdAt: -1, _id: -1 }).toArray();
      return docs.map(docToNote);
    },
  };
}
