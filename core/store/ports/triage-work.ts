// Role port: who works on a submission and the analysts' internal notes on it
// (sharing/triage/assignment.ts, sharing/triage/notes.ts). Contract suite:
// test/contracts/store-triage-work.contract.ts.
import type { Submission, SubmissionAssignment, SubmissionNote } from '../../types.ts';

/** What `assignSubmission` did: the submission as it is now, and whether this call changed it. */
export interface AssignOutcome {
  readonly submission: Submission;
  /** false when the assignee was not `expected` (someone else took or released it first): nothing was written. */
  readonly changed: boolean;
}

export interface TriageWorkStore {
  /**
   * Sets (or, with null, clears) the submission's assignee only when its current assignee is the
   * principal `expected` (null: nobody) — a compare-and-set, so of two analysts taking the same
   * submission at once exactly one succeeds and the other sees who did. Leaves updatedAt alone
   * (the queue's time to publish). Null when the submission is unknown.
   */
  assignSubmission(id: string, expected: string | null, next: SubmissionAssignment | null): Promise<AssignOutcome | null>;
  /** Appends a note; a note id used before is CONFLICT, a note on an unknown submission NOT_FOUND. */
  addSubmissionNote(note: SubmissionNote): Promise<SubmissionNote>;
  /** The submission's notes, newest first (createdAt desc, id desc). */
  listSubmissionNotes(submissionId: string): Promise<readonly SubmissionNote[]>;
}
