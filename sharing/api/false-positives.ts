// /false-positives: exchange-level false positives (sharing/false-positives.ts) for the
// secretariat's and analysts' automation, the same functions as the console's button. Marking
// withholds the indicator from every submission and retracts what was published of it; unmarking
// republishes nothing until the submissions are approved again. Everyone else gets 403.
import type { Router } from 'express';
import express from 'express';
import { z } from 'zod';
import { C4Error } from '../../core/errors.ts';
import { indicatorId } from '../../core/ids.ts';
import { INDICATOR_TYPES, type FalsePositiveEntry } from '../../core/types.ts';
import { seesAllClasses } from '../class-policy.ts';
import { markFalsePositive, unmarkFalsePositive } from '../false-positives.ts';
import type { Viewer } from '../viewer.ts';
import { authOf } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { parseWith, queryInt } from './params.ts';

const reason = z.string().trim().min(1).max(2000);

const markBody = z
  .strictObject({
    indicator_id: z.string().min(1).max(200).optional(),
    type: z.enum(INDICATOR_TYPES).optional(),
    value: z.string().min(1).max(8192).optional(),
    reason,
  })
  .refine((b) => (b.indicator_id !== undefined) !== (b.type !== undefined && b.value !== undefined), {
    message: 'name the indicator either by indicator_id or by type and value (its normal form, as the API shows it)',
  });

export function falsePositiveJson(e: FalsePositiveEntry) {
  return { indicator_id: e.indicatorId, type: e.type, value: e.value, marked_by: e.markedBy, marked_at: e.markedAt, reason: e.reason };
}

function requireStaff(viewer: Viewer): void {
  if (!seesAllClasses(viewer)) throw new C4Error('FORBIDDEN', 'only the secretariat and analysts mark false positives');
}

export function falsePositiveRoutes(router: Router, deps: ApiDeps): void {
  const body = express.json({ limit: '16kb' });
  const pub = { store: deps.store, audit: deps.audit, clock: deps.clock };
  const listQuery = z.strictObject({ after: z.string().max(200).optional(), limit: queryInt(1, 1000).default(100) });

  router.get('/false-positives', async (req, res) => {
    requireStaff(authOf(res).viewer);
    const q = parseWith(listQuery, req.query, 'query');
    const items = await deps.store.listFalsePositives(q.after ?? null, q.limit);
    res.json({ items: items.map(falsePositiveJson), next_after: items.length === q.limit ? items[items.length - 1]!.indicatorId : null });
  });

  router.get('/false-positives/:id', async (req, res) => {
    requireStaff(authOf(res).viewer);
    const entry = await deps.store.getFalsePositive(String(req.params['id']));
    if (!entry) throw new C4Error('NOT_FOUND', 'this indicator is not marked a false positive');
    res.json(falsePositiveJson(entry));
  });

  router.post('/false-positives', body, async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    const b = parseWith(markBody, req.body, 'body');
    const r = await markFalsePositive(pub, b.indicator_id ?? indicatorId(b.type!, b.value!), viewer.principal.id, b.reason);
    res.status(r.created ? 201 : 200).json({
      ...falsePositiveJson(r.entry),
      created: r.created,
      retracted: r.retracted.map((e) => ({ seq: e.seq, class: e.class, kind: e.kind })),
    });
  });

  router.delete('/false-positives/:id', body, async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    const b = parseWith(z.union([z.strictObject({ reason: reason.optional() }), z.undefined()]), req.body, 'body');
    const r = await unmarkFalsePositive(pub, String(req.params['id']), viewer.principal.id, b?.reason ?? 'unmarked through the API');
    if (!r) throw new C4Error('NOT_FOUND', 'this indicator is not marked a false positive');
    res.json({ ...falsePositiveJson(r.entry), republish_on_approve: r.republishOnApprove });
  });
}
