// Campaign pages: the list (GET /campaigns?sort=) and one campaign (GET /campaigns/:id, any member's
// submission id), and its one decision for every member (POST /campaigns/:id/decision), answered
// with the campaign page showing each member's outcome. The decision runs through
// sharing/campaigns (each member through the triage state machine, as the REST API does).
import express, { type Router } from 'express';
import * as campaigns from '../../../sharing/campaigns/index.ts';
import type { Organisation } from '../../../core/types.ts';
import { C4Error } from '../../../core/errors.ts';
import { campaignListPage } from '../campaigns/list-page.ts';
import { campaignPage, type CampaignDecisionView } from '../campaigns/campaign-page.ts';
import { requestContext, signedIn } from '../context.ts';
import type { ConsoleServices } from '../router.ts';
import { consoleTriageDeps, refusalMessage, type ActionOutcome } from '../triage/actions.ts';

const MAX_FORM_IDS = 1000;

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).filter((x): x is string => typeof x === 'string').slice(0, MAX_FORM_IDS);
}

export function campaignRoutes({ deps }: ConsoleServices): Router {
  const router = express.Router();

  async function actor(res: express.Response) {
    const who = signedIn(res);
    const org = await deps.store.getOrganisation(who.principal.orgId);
    if (!org) throw new C4Error('FORBIDDEN', 'principal without organisation');
    return { principal: who.principal, org };
  }

  async function render(res: express.Response, ref: string, result: CampaignDecisionView | null, refusal: ActionOutcome | null) {
    const rc = requestContext(res);
    const tdeps = consoleTriageDeps(deps);
    const campaign = await campaigns.campaignOf(deps.store, ref, deps.clock());
    if (!campaign && !(await deps.store.getSubmission(ref))) throw new C4Error('NOT_FOUND', `no submission ${ref}`);
    // The page shows every member's subject and the values that bind them at RED level: each view is a RED read (SECURITY.md).
    if (campaign)
      await deps.audit({
        actor: signedIn(res).principal.id,
        action: 'red.read',
        target: campaign.id,
        data: { surface: 'console.campaign', members: campaign.members.map((m) => m.id) },
      });
    const orgs = new Map<string, Organisation>((await deps.store.listOrganisations()).map((o) => [o.id, o]));
    const [preview, victimChecks] = campaign
      ? await Promise.all([campaigns.previewCampaign(deps.store, campaign.members), campaigns.victimChecksOf({ ...tdeps }, await actor(res), campaign)])
      : [null, []];
    res.type('html').send(campaignPage(rc, { ref, campaign, preview, victimChecks, orgs, result, refusal }));
  }

  router.get('/campaigns', async (req, res) => {
    const sort = campaigns.CAMPAIGN_SORTS.find((s) => s === req.query.sort) ?? 'last-seen';
    const list = campaigns.sortCampaigns(await campaigns.listCampaigns(deps.store, deps.clock()), sort);
    if (list.length > 0)
      await deps.audit({
        actor: signedIn(res).principal.id,
        action: 'red.read',
        target: null,
        data: { surface: 'console.campaigns', campaigns: list.map((c) => c.id) },
      });
    res.type('html').send(campaignListPage(requestContext(res), { campaigns: list, sort, windowDays: campaigns.DEFAULT_CAMPAIGN_LIMITS.windowDays }));
  });

  router.get('/campaigns/:id', async (req, res) => {
    await render(res, req.params.id, null, null);
  });

  router.post('/campaigns/:id/decision', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const decision = campaigns.CAMPAIGN_DECISIONS.find((d) => d === body.decision);
    if (!decision) throw new C4Error('VALIDATION_FAILED', 'decision must be approve, reject or false-positive');
    const acknowledge = new Map<string, string>();
    for (const a of list(body.ack)) {
      const [id, fingerprint] = a.split(' ');
      if (id && fingerprint && /^[0-9a-f]{64}$/.test(fingerprint)) acknowledge.set(id, fingerprint);
    }
    const members = list(body.members);
    const outcome = await campaigns.decideCampaign(consoleTriageDeps(deps), await actor(res), req.params.id, {
      decision,
      reason: typeof body.reason === 'string' ? body.reason : '',
      acknowledge,
      members: members.length > 0 ? members : null,
    });
    if (!outcome.ok) {
      deps.log.info({ event: 'console.campaign_refused', campaign: req.params.id, decision, reason: outcome.refusal.reason }, 'campaign decision refused');
      await render(res, req.params.id, null, refusalMessage(outcome.refusal));
      return;
    }
    const r = outcome.value;
    const outcomes = new Map<string, ActionOutcome>(
      r.members.map((m) => [m.submissionId, m.done ? { kind: 'done', notice: 'campaign.done' } : refusalMessage(m.refusal)]),
    );
    const done = r.members.filter((m) => m.done).length;
    deps.log.info(
      { event: 'console.campaign_decided', campaign: r.campaignId, decision, done, refused: r.members.length - done, notMembers: r.notMembers.length },
      'campaign decision',
    );
    await render(
      res,
      r.campaignId,
      { decision, outcomes, done, refused: r.members.length - done, notMembers: r.notMembers.length, falsePositives: r.falsePositives.length },
      null,
    );
  });

  return router;
}
