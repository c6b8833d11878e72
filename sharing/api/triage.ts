// Triage over the REST API: every step the console offers, through the same module (sharing/triage):
// approve, reject, reopen, the victim check and its acknowledgement, class changes per kind
// (narrowing retracts at once), proposing a wider class and the submitting organisation's consent,
// the campaign label. Exchange-level false positives are /false-positives (false-positives.ts).
// Staff steps answer 403 to anyone else; a submission the caller may not read is 404. A refused
// step is a problem-details answer with the step's stable code (ILLEGAL_TRANSITION,
// VICTIM_CHECK_REQUIRED, … → 409).
import type { Router } from 'express';
import express from 'express';
import { z } from 'zod';
import { loadSanitizationRules } from '../../analysis/sanitize/index.ts';
import { C4Error } from '../../core/errors.ts';
import { CLASSES, KINDS, type ClassByKind } from '../../core/types.ts';
import { seesAllClasses } from '../class-policy.ts';
import type { PublicationResult } from '../publication.ts';
import * as triage from '../triage/index.ts';
import { valueOrThrow } from '../triage/index.ts';
import type { Viewer } from '../viewer.ts';
import { authOf } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { parseWith } from './params.ts';

const entriesJson = (entries: PublicationResult['appended']) =>
  entries.map((e) => ({ seq: e.seq, action: e.action, indicator_id: e.indicatorId, kind: e.kind, class: e.class }));

export function publicationResultJson(r: PublicationResult) {
  return {
    submission_id: r.submissionId,
    status: r.status,
    published: r.published,
    withheld: r.withheld.map((w) => ({ indicator_id: w.indicatorId, reason: w.reason })),
    entries: r.appended.map((e) => ({ seq: e.seq, action: e.action, indicator_id: e.indicatorId, class: e.class })),
  };
}

const classChangeJson = (c: triage.ClassChange) => ({
  submission_id: c.submissionId,
  classes: c.classes,
  changed: c.changed,
  entries: entriesJson(c.appended),
});

/** The triage deps of the API, or null when the composition root gave no config (the victim check needs its exchange settings). */
export function triageDepsOf(deps: ApiDeps): triage.TriageDeps | null {
  if (!deps.config) return null;
  const settings = {
    dropAddress: deps.config.exchange.dropAddress,
    hostname: deps.config.exchange.hostname,
    rules: loadSanitizationRules(deps.config.policiesDir),
  };
  return { store: deps.store, audit: deps.audit, clock: deps.clock, events: deps.events, vault: deps.vault ?? null, log: deps.log, ...settings };
}

const reason = z.string().trim().min(1).max(2000);
const classEnum = z.enum(CLASSES);
const kindEnum = z.enum(KINDS);
const noBody = z.union([z.strictObject({}), z.undefined()]);
const classesBody = z.strictObject(
  Object.fromEntries(KINDS.map((k) => [k, classEnum.optional()])) as Record<(typeof KINDS)[number], z.ZodOptional<typeof classEnum>>,
);

export function triageRoutes(router: Router, deps: ApiDeps): void {
  const body = express.json({ limit: '16kb' });
  const td = triageDepsOf(deps);
  const need = (): triage.TriageDeps => {
    if (!td) throw new C4Error('INTERNAL', 'the API was started without the exchange settings the victim check needs (triage)');
    return td;
  };
  const id = (p: unknown) => String(p);

  function requireStaff(viewer: Viewer): void {
    if (!seesAllClasses(viewer)) throw new C4Error('FORBIDDEN', 'only the secretariat and analysts take this triage step');
  }

  router.post('/submissions/:id/approve', body, async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    parseWith(noBody, req.body, 'body');
    res.json(publicationResultJson(valueOrThrow(await triage.approve(need(), viewer, id(req.params['id'])))));
  });

  router.post('/submissions/:id/reject', body, async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    const b = parseWith(z.union([z.strictObject({ reason: reason.optional() }), z.undefined()]), req.body, 'body');
    res.json(publicationResultJson(valueOrThrow(await triage.reject(need(), viewer, id(req.params['id']), b?.reason ?? 'rejected through the API'))));
  });

  router.post('/submissions/:id/reopen', body, async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    const b = parseWith(z.strictObject({ reason }), req.body, 'body');
    const r = valueOrThrow(await triage.reopen(need(), viewer, id(req.params['id']), b.reason));
    res.json({ submission_id: r.submissionId, status: r.status, entries: entriesJson(r.retracted) });
  });

  router.get('/submissions/:id/victim-check', async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    parseWith(z.strictObject({}), req.query, 'query');
    const r = valueOrThrow(await triage.victimCheckOf(need(), viewer, id(req.params['id'])));
    res.json({ findings: r.findings, fingerprint: r.fingerprint, acknowledged: r.acknowledged, blocks_approval: !r.acknowledged });
  });

  router.post('/submissions/:id/victim-check/acknowledge', body, async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    const b = parseWith(z.strictObject({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/) }), req.body, 'body');
    const r = valueOrThrow(await triage.acknowledgeVictimCheck(need(), viewer, id(req.params['id']), b.fingerprint));
    res.json({ findings: r.findings, fingerprint: r.fingerprint, acknowledged: true, blocks_approval: false });
  });

  router.post('/submissions/:id/classes', body, async (req, res) => {
    const { viewer } = authOf(res);
    const b = parseWith(classesBody, req.body, 'body');
    const requested: Partial<ClassByKind> = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
    res.json(classChangeJson(valueOrThrow(await triage.changeClasses(need(), viewer, id(req.params['id']), requested))));
  });

  router.post('/submissions/:id/widening-proposals', body, async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    const b = parseWith(z.strictObject({ kind: kindEnum, class: classEnum, note: z.string().max(500).default('') }), req.body, 'body');
    const p = valueOrThrow(await triage.proposeWidening(need(), viewer, id(req.params['id']), b.kind, b.class, b.note));
    res.status(201).json({ kind: b.kind, class: p.class, proposed_by: p.by, proposed_at: p.at, note: p.note });
  });

  router.post('/submissions/:id/widening-proposals/:kind/consent', body, async (req, res) => {
    const { viewer } = authOf(res);
    parseWith(noBody, req.body, 'body');
    const kind = triage.parseKind(req.params['kind']);
    if (!kind) throw new C4Error('VALIDATION_FAILED', `kind must be one of ${KINDS.join(', ')}`);
    res.json(classChangeJson(valueOrThrow(await triage.consentToWidening(need(), viewer, id(req.params['id']), kind))));
  });

  router.post('/submissions/:id/campaign', body, async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    const b = parseWith(z.strictObject({ campaign: z.string().max(400).nullable() }), req.body, 'body');
    const campaign = valueOrThrow(await triage.setCampaign(need(), viewer, id(req.params['id']), b.campaign ?? ''));
    res.json({ submission_id: id(req.params['id']), campaign });
  });
}
