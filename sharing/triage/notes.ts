// Analysts' internal notes on a submission: plain text, at most NOTE_MAX_CHARS characters, listed
// newest first with author and time. Internal to the staff (the secretariat and analysts, the RED
// audience of every submission): the submitting organisation's own principals, who may read their
// submission, do not read its notes, and nothing publishes, exports or mails them (the publication
// log, STIX/TAXII, MISP, CSV and digests are built from indicators, never from notes). Adding a
// note is audited with its id, length and SHA-256 (the text stays in the store only); reading the
// notes of a submission with a RED kind is a RED read, audited by the surface that shows them.
import { createHash } from 'node:crypto';
import { newId } from '../../core/ids.ts';
import type { Submission, SubmissionNote } from '../../core/types.ts';
import { accessRefusal, loadFor, type Actor } from './access.ts';
import type { WorkDeps } from './deps.ts';
import { ok, refuse, type Outcome } from './refusals.ts';

/** The longest note, in characters (code points) after line endings are normalised. */
export const NOTE_MAX_CHARS = 2000;

/** C0 controls other than tab and line feed, DEL, and C1 controls: not text an analyst types. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

export type NoteTextOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly detail: string };

/** The note as stored: CRLF and CR become LF, surrounding blank space goes; empty, too long or control characters are refused. */
export function noteText(input: string): NoteTextOutcome {
  const text = input.replace(/\r\n?/g, '\n').trim();
  if (text === '') return { ok: false, detail: 'a note needs some text' };
  const length = [...text].length;
  if (length > NOTE_MAX_CHARS) return { ok: false, detail: `a note has at most ${NOTE_MAX_CHARS} characters (this one has ${length})` };
  if (CONTROL.test(text)) return { ok: false, detail: 'a note is plain text: control characters are refused' };
  return { ok: true, text };
}

/** Adds a note to the submission (staff only). */
export async function addNote(deps: WorkDeps, actor: Actor, submissionId: string, input: string): Promise<Outcome<SubmissionNote>> {
  const sub = await loadFor(deps, actor, submissionId);
  const denied = accessRefusal(actor, sub, 'staff');
  if (denied) return refuse(denied);
  const checked = noteText(input);
  if (!checked.ok) return refuse({ reason: 'invalid-input', field: 'text', detail: checked.detail });
  const note = await deps.store.addSubmissionNote({
    id: newId('note'),
    submissionId: sub.id,
    authorId: actor.principal.id,
    createdAt: deps.clock().toISOString(),
    text: checked.text,
  });
  await deps.audit({
    actor: actor.principal.id,
    action: 'submission.note-added',
    target: sub.id,
    data: { noteId: note.id, length: [...note.text].length, sha256: createHash('sha256').update(note.text).digest('hex') },
  });
  return ok(note);
}

export interface SubmissionNotes {
  readonly submission: Submission;
  /** Newest first. */
  readonly notes: readonly SubmissionNote[];
  /** Some kind of the submission is RED: showing these notes is a RED read (the surface audits it). */
  readonly red: boolean;
}

/** The submission's notes for the staff; NOT_FOUND for those who may not read the submission, forbidden for its own organisation. */
export async function listNotes(deps: Pick<WorkDeps, 'store'>, actor: Actor, submissionId: string): Promise<Outcome<SubmissionNotes>> {
  const sub = await loadFor(deps, actor, submissionId);
  const denied = accessRefusal(actor, sub, 'staff');
  if (denied) return refuse(denied);
  return ok({ submission: sub, notes: await deps.store.listSubmissionNotes(sub.id), red: Object.values(sub.classes).includes('RED') });
}
