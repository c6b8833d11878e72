// Assignment and internal notes in SQLite (TriageWorkStore). The assignee is three columns of the
// submission row, changed by one UPDATE whose WHERE names the expected assignee (compare-and-set:
// the writer commits one statement at a time, so of two takes exactly one matches); notes are rows
// of submission_notes.
import type { SubmissionNote } from '../types.ts';
import { inWriteTransaction, type Db, type SyncStore } from './sqlite-db.ts';
import { rowToSubmission, type SubmissionRow } from './sqlite-submissions.ts';

interface NoteRow {
  id: string;
  submission_id: string;
  author_id: string;
  created_at: string;
  text: string;
}

function rowToNote(r: NoteRow): SubmissionNote {
  return { id: r.id, submissionId: r.submission_id, authorId: r.author_id, createdAt: r.created_at, text: r.text };
}

type TriageWorkMethods = Pick<SyncStore, 'assignSubmission' | 'addSubmissionNote' | 'listSubmissionNotes'>;

export function sqliteTriageWork(db: Db): TriageWorkMethods {
  const byId = db.prepare<[string], SubmissionRow>('SELECT * FROM submissions WHERE id = ?');
  const assign = db.prepare<{ id: string; expected: string | null; assignee: string | null; at: string | null; by: string | null }>(`
    UPDATE submissions SET assignee = @assignee, assigned_at = @at, assigned_by = @by
     WHERE id = @id AND assignee IS @expected`);
  const insertNote = db.prepare<NoteRow, NoteRow>(`
    INSERT INTO submission_notes (id, submission_id, author_id, created_at, text)
    VALUES (@id, @submission_id, @author_id, @created_at, @text) RETURNING *`);
  const notes = db.prepare<[string], NoteRow>('SELECT * FROM submission_notes WHERE submission_id = ? ORDER BY created_at DESC, id DESC');

  return {
    assignSubmission(id, expected, next) {
      return inWriteTransaction(db, () => {
        const { changes } = assign.run({ id, expected, assignee: next?.principalId ?? null, at: next?.assignedAt ?? null, by: next?.assignedBy ?? null });
        const row = byId.get(id);
        return row ? { submission: rowToSubmission(row), changed: changes === 1 } : null;
      });
    },
    addSubmissionNote(n) {
      return rowToNote(insertNote.get({ id: n.id, submission_id: n.submissionId, author_id: n.authorId, created_at: n.createdAt, text: n.text })!);
    },
    listSubmissionNotes: (submissionId) => notes.all(submissionId).map(rowToNote),
  };
}
