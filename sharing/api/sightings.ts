// POST /sightings: a participant saw an indicator. The answer says it was counted, nothing more;
// who saw it is never part of any response.
import type { Router } from 'express';
import express from 'express';
import { z } from 'zod';
import { C4Error } from '../../core/errors.ts';
import { indicatorId } from '../../core/ids.ts';
import { CLASSES, INDICATOR_TYPES } from '../../core/types.ts';
import { reportSighting } from '../sightings.ts';
import { authOf } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { isoTime, parseWith } from './params.ts';

const sightingBody = z
  .strictObject({
    indicator_id: z.string().min(1).max(200).optional(),
    type: z.enum(INDICATOR_TYPES).optional(),
    value: z.string().min(1).max(8192).optional(),
    count: z.number().int().min(1).max(1_000_000).optional(),
    seen_at: isoTime.optional(),
    class: z.enum(CLASSES).optional(),
  })
  .refine((b) => (b.indicator_id !== undefined) !== (b.type !== undefined && b.value !== undefined), {
    message: 'name the indicator either by indicator_id or by type and value',
  });

export function sightingRoutes(router: Router, deps: ApiDeps): void {
  const body = express.json({ limit: '16kb' });
  const idempotencyKey = z.string().min(1).max(200).optional();

  router.post('/sightings', body, async (req, res) => {
    const { viewer } = authOf(res);
    const b = parseWith(sightingBody, req.body, 'body');
    const key = parseWith(idempotencyKey, req.get('idempotency-key'), 'Idempotency-Key header');
    const id = b.indicator_id ?? indicatorId(b.type!, b.value!);
    const outcome = await reportSighting(deps, viewer, {
      indicatorId: id,
      ...(b.count !== undefined ? { count: b.count } : {}),
      ...(b.seen_at !== undefined ? { seenAt: b.seen_at } : {}),
      ...(b.class !== undefined ? { class: b.class } : {}),
      idempotencyKey: key ?? null,
    });
    switch (outcome.kind) {
      case 'not-allowed':
        throw new C4Error('FORBIDDEN', 'only participants report sightings');
      case 'not-found':
        throw new C4Error('NOT_FOUND', 'no such indicator');
      case 'recorded':
        res.status(outcome.created ? 201 : 200).json({ indicator_id: id, class: outcome.class, count: outcome.count, counted: true });
    }
  });
}
