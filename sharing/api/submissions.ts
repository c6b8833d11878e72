// A submitting organisation's own submissions (status, class per kind, results at RED level). The
// triage steps on them (approve, reject, reopen, classes, …) are in triage.ts.
import type { Router } from 'express';
import { z } from 'zod';
import { C4Error } from '../../core/errors.ts';
import { SUBMISSION_STATUSES, type Submission } from '../../core/types.ts';
import { canSee, isRegistered, seesAllClasses } from '../class-policy.ts';
import { pairKey, warningListsOf } from '../publication-plan.ts';
import type { Viewer } from '../viewer.ts';
import { authOf } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { listOf, parseWith, queryInt } from './params.ts';

function summary(s: Submission) {
  return { id: s.id, status: s.status, received_at: s.receivedAt, updated_at: s.updatedAt, classes: s.classes, verdict: s.verdict };
}

/** The RED audience of a submission: its organisation, the secretariat, the analysts. */
function mayRead(viewer: Viewer, s: Submission): boolean {
  return canSee(viewer, { orgId: s.orgId, class: 'RED' });
}

export function submissionRoutes(router: Router, deps: ApiDeps): void {
  const listQuery = z.strictObject({
    status: listOf(SUBMISSION_STATUSES).optional(),
    limit: queryInt(1, 500).default(100),
    cursor: z.string().max(500).optional(),
  });

  async function readable(viewer: Viewer, id: string): Promise<Submission> {
    const s = await deps.store.getSubmission(id);
    if (!s || !mayRead(viewer, s)) throw new C4Error('NOT_FOUND', 'no such submission');
    return s;
  }

  router.get('/submissions', async (req, res) => {
    const q = parseWith(listQuery, req.query, 'query');
    const { viewer } = authOf(res);
    if (!isRegistered(viewer)) return void res.json({ items: [], next_cursor: null });
    const page = await deps.store.listSubmissions(
      { ...(seesAllClasses(viewer) ? {} : { orgId: viewer.org.id }), ...(q.status ? { status: q.status } : {}) },
      { limit: q.limit, cursor: q.cursor ?? null },
    );
    res.json({ items: page.items.map(summary), next_cursor: page.nextCursor });
  });

  router.get('/submissions/:id', async (req, res) => {
    parseWith(z.strictObject({}), req.query, 'query');
    const { viewer } = authOf(res);
    const s = await readable(viewer, String(req.params['id']));
    const items = await deps.store.listIndicatorsForSubmission(s.id);
    const latest = new Map((await deps.store.latestPublications(items.map((i) => i.indicator.id))).map((e) => [pairKey(e.indicatorId, e.submissionId), e]));
    const marked = new Set(await deps.store.markedFalsePositives(items.map((i) => i.indicator.id)));
    // Only this submission's own source of each indicator: nothing about other submissions.
    const indicators = items.flatMap(({ indicator, sources }) =>
      sources
        .filter((src) => src.submissionId === s.id)
        .map((src) => ({
          id: indicator.id,
          type: indicator.type,
          value: indicator.value,
          kind: src.kind,
          class: src.class,
          seen_at: src.seenAt,
          false_positive: src.falsePositive || marked.has(indicator.id),
          warning_lists: warningListsOf(src),
          publication: latest.get(pairKey(indicator.id, s.id))?.action ?? null,
        })),
    );
    await deps.audit({ actor: viewer.principal.id, action: 'red.read', target: s.id, data: { surface: 'api.submission' } });
    res.json({
      ...summary(s),
      class_decisions: s.classDecisions,
      subject: s.subject,
      campaign: s.campaign,
      indicators,
    });
  });
}
