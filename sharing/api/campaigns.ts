// Campaigns over the REST API (staff only, like the console page): the list, one campaign with its
// members, binding evidence, per-tier preview and the victim checks an approval waits for, and one
// decision for all members (sharing/campaigns/decide.ts: each member through the triage machine).
// A decision answers 200 with each member's outcome; when no member could take the step, 409 with
// the stable code of the first refusal (ILLEGAL_TRANSITION, VICTIM_CHECK_REQUIRED, …) and every
// member's refusal in `members`.
import type { Router } from 'express';
import express from 'express';
import { z } from 'zod';
import { C4Error, ERROR_MAP, problemType } from '../../core/errors.ts';
import * as campaigns from '../campaigns/index.ts';
import { seesAllClasses } from '../class-policy.ts';
import { describeRefusal, REFUSAL_CODES, refusalError } from '../triage/index.ts';
import type { Viewer } from '../viewer.ts';
import { authOf } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { parseWith } from './params.ts';
import { triageDepsOf } from './triage.ts';

export function campaignJson(c: campaigns.Campaign<campaigns.MemberFacts>) {
  return {
    id: c.id,
    members: c.members.length,
    organisations: c.organisations,
    sectors: c.sectors.length,
    first_seen: c.firstSeen,
    last_seen: c.lastSeen,
    label: c.label,
    suggested_verdict: c.suggested ? { verdict: c.suggested.verdict, members: c.suggested.members } : null,
    statuses: c.statuses,
    truncated: c.truncated,
  };
}

const memberJson = (o: campaigns.MemberOutcome) =>
  o.done
    ? { submission_id: o.submissionId, outcome: 'done' as const }
    : { submission_id: o.submissionId, outcome: 'refused' as const, code: REFUSAL_CODES[o.refusal.reason], detail: describeRefusal(o.refusal) };

const decisionBody = z.strictObject({
  decision: z.enum(campaigns.CAMPAIGN_DECISIONS),
  reason: z.string().max(2000).default(''),
  members: z.array(z.string().min(1).max(200)).min(1).max(1000).optional(),
  acknowledge: z
    .array(z.strictObject({ submission_id: z.string().min(1).max(200), fingerprint: z.string().regex(/^[0-9a-f]{64}$/) }))
    .max(1000)
    .default([]),
});

export function campaignRoutes(router: Router, deps: ApiDeps): void {
  const body = express.json({ limit: '128kb' });
  const td = triageDepsOf(deps);
  const need = () => {
    if (!td) throw new C4Error('INTERNAL', 'the API was started without the exchange settings the victim check needs (campaigns)');
    return td;
  };
  function requireStaff(viewer: Viewer): void {
    if (!seesAllClasses(viewer)) throw new C4Error('FORBIDDEN', 'only the secretariat and analysts see and decide campaigns');
  }

  router.get('/campaigns', async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    const q = parseWith(z.strictObject({ sort: z.enum(campaigns.CAMPAIGN_SORTS).default('last-seen') }), req.query, 'query');
    const list = campaigns.sortCampaigns(await campaigns.listCampaigns(deps.store, deps.clock()), q.sort);
    if (list.length > 0)
      await deps.audit({ actor: viewer.principal.id, action: 'red.read', target: null, data: { surface: 'api.campaigns', campaigns: list.map((c) => c.id) } });
    res.json({ campaigns: list.map(campaignJson) });
  });

  router.get('/campaigns/:id', async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    parseWith(z.strictObject({}), req.query, 'query');
    const c = await campaigns.campaignOf(deps.store, String(req.params['id']), deps.clock());
    if (!c) throw new C4Error('NOT_FOUND', `submission ${String(req.params['id'])} is in no campaign`);
    await deps.audit({ actor: viewer.principal.id, action: 'red.read', target: c.id, data: { surface: 'api.campaign', members: c.members.map((m) => m.id) } });
    const [preview, checks] = await Promise.all([campaigns.previewCampaign(deps.store, c.members), campaigns.victimChecksOf(need(), viewer, c)]);
    res.json({
      ...campaignJson(c),
      member_list: c.members.map((m) => ({
        submission_id: m.id,
        org_id: m.orgId,
        status: m.status,
        received_at: m.receivedAt,
        suggested_verdict: m.suggested,
      })),
      evidence: c.evidence.map((e) => ({ type: e.key.type, value: e.key.value, members: e.members.length })),
      preview: {
        approvable: preview.approvable,
        withheld: preview.withheld,
        tiers: preview.tiers.map((t) => ({ tier: t.tier, indicators: t.indicators, examples: t.examples })),
      },
      victim_checks: checks.map((v) => ({ submission_id: v.submissionId, fingerprint: v.fingerprint, findings: v.findings })),
    });
  });

  router.post('/campaigns/:id/decision', body, async (req, res) => {
    const { viewer } = authOf(res);
    requireStaff(viewer);
    const b = parseWith(decisionBody, req.body, 'body');
    const outcome = await campaigns.decideCampaign(need(), viewer, String(req.params['id']), {
      decision: b.decision,
      reason: b.reason,
      members: b.members ?? null,
      acknowledge: new Map(b.acknowledge.map((a) => [a.submission_id, a.fingerprint])),
    });
    if (!outcome.ok) throw refusalError(outcome.refusal);
    const r = outcome.value;
    const done = r.members.filter((m) => m.done).length;
    const firstRefusal = r.members.find((m) => !m.done);
    const answer = {
      campaign_id: r.campaignId,
      decision: r.decision,
      done,
      refused: r.members.length - done,
      members: r.members.map(memberJson),
      not_members: r.notMembers,
      false_positives: r.falsePositives,
    };
    deps.log.info({ event: 'api.campaign_decided', campaignId: r.campaignId, decision: r.decision, done, refused: answer.refused }, 'campaign decision');
    if (done === 0 && firstRefusal && !firstRefusal.done) {
      const code = REFUSAL_CODES[firstRefusal.refusal.reason];
      res
        .status(ERROR_MAP[code].http)
        .type('application/problem+json')
        .json({
          type: problemType(code),
          title: ERROR_MAP[code].title,
          status: ERROR_MAP[code].http,
          code,
          detail: `no member could be decided: ${describeRefusal(firstRefusal.refusal)}`,
          ...answer,
        });
      return;
    }
    res.json(answer);
  });
}
