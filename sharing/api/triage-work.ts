// Who works on a submission and the analysts' notes, over the REST API, through the triage module
// (sharing/triage/assignment.ts, notes.ts) as the console does. Staff only (403 to anyone else who
// may read the submission, 404 to those who may not). Taking, handing over or releasing a
// submission another analyst holds answers 409 ALREADY_ASSIGNED; a note that is empty, too long or
// not plain text 400 VALIDATION_FAILED. Reading the notes of a submission with a RED kind is a RED
// read and audited.
import type { Router } from 'express';
import express from 'express';
import { z } from 'zod';
import type { SubmissionAssignment, SubmissionNote } from '../../core/types.ts';
import * as triage from '../triage/index.ts';
import { valueOrThrow } from '../triage/index.ts';
import { authOf } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { parseWith } from './params.ts';

const assigneeJson = (a: SubmissionAssignment | null) => (a ? { principal_id: a.principalId, assigned_at: a.assignedAt, assigned_by: a.assignedBy } : null);

const noteJson = (n: SubmissionNote) => ({ id: n.id, submission_id: n.submissionId, author_id: n.authorId, created_at: n.createdAt, text: n.text });

const assignmentJson = (c: triage.AssignmentChange) => ({ submission_id: c.submissionId, assignee: assigneeJson(c.assignee), changed: c.changed });

export function triageWorkRoutes(router: Router, deps: ApiDeps): void {
  // A note of NOTE_MAX_CHARS characters of four UTF-8 bytes each, escaped as JSON, fits.
  const body = express.json({ limit: '64kb' });
  const work: triage.WorkDeps = { store: deps.store, audit: deps.audit, clock: deps.clock };
  const id = (p: unknown) => String(p);

  router.post('/submissions/:id/assignment', body, async (req, res) => {
    const { viewer } = authOf(res);
    const b = parseWith(z.union([z.strictObject({ assignee: z.string().min(1).max(200).optional() }), z.undefined()]), req.body, 'body');
    res.json(assignmentJson(valueOrThrow(await triage.assign(work, viewer, id(req.params['id']), b?.assignee ?? viewer.principal.id))));
  });

  router.delete('/submissions/:id/assignment', async (req, res) => {
    const { viewer } = authOf(res);
    res.json(assignmentJson(valueOrThrow(await triage.unassign(work, viewer, id(req.params['id'])))));
  });

  router.get('/submissions/:id/notes', async (req, res) => {
    const { viewer } = authOf(res);
    parseWith(z.strictObject({}), req.query, 'query');
    const r = valueOrThrow(await triage.listNotes(work, viewer, id(req.params['id'])));
    if (r.red) await deps.audit({ actor: viewer.principal.id, action: 'red.read', target: r.submission.id, data: { surface: 'api.submission-notes' } });
    res.json({ items: r.notes.map(noteJson) });
  });

  router.post('/submissions/:id/notes', body, async (req, res) => {
    const { viewer } = authOf(res);
    const b = parseWith(z.strictObject({ text: z.string() }), req.body, 'body');
    res.status(201).json(noteJson(valueOrThrow(await triage.addNote(work, viewer, id(req.params['id']), b.text))));
  });
}
