// Campaigns (issue 16): submissions bound by a shared attachment, URL host, or sender with the same
// subject template, derived from the store on every read, and one decision for all members through
// the triage state machine. Submissions go through the real accept path and analysis pipeline.
import { expect } from 'chai';
import type { AuditEvent, ClusterFeature } from '../../core/types.ts';
import { bindingKeys, campaignOf, decideCampaign, groupByBinding, listCampaigns, previewCampaign } from '../../sharing/campaigns/index.ts';
import * as triage from '../../sharing/triage/index.ts';
import { loadSanitizationRules } from '../../analysis/sanitize/index.ts';
import { startConsoleEnv, type ConsoleEnv } from '../web/helpers/console-env.ts';
import { addParticipants, analyse, buildPhishForward, ingest } from '../web/helpers/submissions.ts';

const f = (type: ClusterFeature['type'], value: string): ClusterFeature => ({ type, value });

describe('campaign grouping (pure)', () => {
  it('binds by attachment and URL host alone, and by a sender only together with the same subject template', () => {
    const keys = bindingKeys([f('url-host', 'lure.top'), f('sender-ip', '192.0.2.7'), f('subject-template', 'your parcel #'), f('sender-domain', 'lure.top')]);
    expect(keys.map((k) => k.type).sort()).to.deep.equal(['sender-domain+subject-template', 'sender-ip+subject-template', 'url-host']);
    expect(bindingKeys([f('subject-template', 'invoice #'), f('url-host', 'x.top')]).map((k) => k.type)).to.deep.equal(['url-host']);
    expect(bindingKeys([f('sender-domain', 'spoofed.example')])).to.deep.equal([]);
  });

  it('joins two waves that share a URL host with a third submission into one campaign, and leaves a lone subject template out', () => {
    const groups = groupByBinding(
      new Map([
        ['a', [f('url-host', 'one.top')]],
        ['b', [f('url-host', 'one.top'), f('attachment-sha256', 'ab'.repeat(32))]],
        ['c', [f('attachment-sha256', 'ab'.repeat(32))]],
        ['d', [f('subject-template', 'invoice #')]],
        ['e', [f('subject-template', 'invoice #')]],
      ]),
    );
    expect(groups.map((g) => g.members.sort())).to.deep.equal([['a', 'b', 'c']]);
    expect([...groups[0]!.keys.values()].map((k) => [k.key.type, k.members.length])).to.deep.equal([
      ['url-host', 2],
      ['attachment-sha256', 2],
    ]);
  });
});

describe('campaigns from the store, decided through the triage machine', function () {
  this.timeout(180_000);
  let env: ConsoleEnv;
  let members: string[];
  let other: string;

  const deps = (): triage.TriageDeps => ({
    store: env.ctx.store,
    audit: env.ctx.audit,
    clock: env.ctx.clock,
    vault: env.ctx.vault,
    dropAddress: env.config.exchange.dropAddress,
    hostname: env.config.exchange.hostname,
    rules: loadSanitizationRules(env.config.policiesDir),
  });
  const analystActor = async (): Promise<triage.Actor> => ({
    principal: env.analyst.principal,
    org: (await env.ctx.store.getOrganisation(env.analyst.principal.orgId))!,
  });
  const auditOf = async (action: string): Promise<AuditEvent[]> => (await env.ctx.store.listAudit(0, 100_000)).filter((e) => e.action === action);

  before(async () => {
    env = await startConsoleEnv();
    const others = await addParticipants(env, ['power', 'finance']);
    const lure = { subject: 'Delivery failed', text: 'Reschedule at https://parcel-retry.top/r/77 today.\n' };
    members = [];
    for (const p of [env.submitter.principal, others[0]!.submitter, others[1]!.submitter, env.submitter.principal]) {
      env.advance(60_000);
      members.push((await analyse(env, await ingest(env, await buildPhishForward(lure), p))).id);
    }
    other = (
      await analyse(env, await ingest(env, await buildPhishForward({ subject: 'Board meeting', text: 'Agenda at https://agenda-share.top/a today.\n' })))
    ).id;
  });
  after(() => env?.close());

  it('lists one campaign of the 4 reports from 3 organisations, found from any member, without the unrelated report', async () => {
    const list = await listCampaigns(env.ctx.store, env.now());
    const c = list.find((x) => x.members.some((m) => m.id === members[0]));
    expect(c, 'campaign').to.not.equal(undefined);
    expect(c!.members.map((m) => m.id)).to.deep.equal(members);
    expect(c!.id).to.equal(members[0]);
    expect([c!.organisations, c!.sectors.length]).to.deep.equal([3, 3]);
    expect(c!.label).to.equal('mass');
    expect(c!.statuses).to.deep.equal({ 'awaiting-triage': 4 });
    expect(c!.evidence.map((e) => [e.key.type, e.key.value])).to.deep.include(['url-host', 'parcel-retry.top']);
    expect(list.some((x) => x.members.some((m) => m.id === other))).to.equal(false);
    expect((await campaignOf(env.ctx.store, members[2]!, env.now()))!.id).to.equal(members[0]);
    expect(await campaignOf(env.ctx.store, other, env.now())).to.equal(null);
  });

  it('previews AMBER indicators for RED and AMBER readers only', async () => {
    const c = (await campaignOf(env.ctx.store, members[0]!, env.now()))!;
    const p = await previewCampaign(env.ctx.store, c.members);
    const count = Object.fromEntries(p.tiers.map((t) => [t.tier, t.indicators]));
    expect(count['AMBER']).to.be.greaterThan(0);
    expect(count['RED']).to.equal(count['AMBER']);
    expect([count['YELLOW'], count['GREEN'], count['WHITE']]).to.deep.equal([0, 0, 0]);
    expect(p.tiers.find((t) => t.tier === 'AMBER')!.examples.map((e) => e.value)).to.include('https://parcel-retry.top/r/77');
  });

  it('approves every member in one decision, refusing the rejected member per member with ILLEGAL_TRANSITION, each step audited', async () => {
    const actor = await analystActor();
    expect((await triage.reject(deps(), actor, members[3]!, 'duplicate report')).ok).to.equal(true);
    const r = await decideCampaign(deps(), actor, members[1]!, { decision: 'approve', reason: '', acknowledge: new Map(), members: [...members, other] });
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.value.members.filter((m) => m.done).map((m) => m.submissionId)).to.deep.equal(members.slice(0, 3));
    const refused = r.value.members.find((m) => !m.done);
    expect(refused && !refused.done ? [refused.submissionId, triage.REFUSAL_CODES[refused.refusal.reason]] : null).to.deep.equal([
      members[3],
      'ILLEGAL_TRANSITION',
    ]);
    expect(r.value.notMembers).to.deep.equal([other]);
    for (const id of members.slice(0, 3)) expect((await env.ctx.store.getSubmission(id))!.status).to.equal('published');
    expect((await env.ctx.store.getSubmission(members[3]!))!.status).to.equal('rejected');
    expect((await env.ctx.store.getSubmission(other))!.status).to.equal('awaiting-triage');
    const decided = await auditOf('campaign.decided');
    expect(decided.map((e) => [e.actor, e.target, e.data['decision']])).to.deep.equal([[env.analyst.principal.id, members[0], 'approve']]);
  });

  it('refuses a reject without a reason before touching any member, and a principal outside the staff', async () => {
    const actor = await analystActor();
    const before = (await env.ctx.store.getSubmission(members[0]!))!.status;
    const r = await decideCampaign(deps(), actor, members[0]!, { decision: 'reject', reason: ' ', acknowledge: new Map(), members: null });
    expect(r.ok ? null : r.refusal.reason).to.equal('invalid-input');
    expect((await env.ctx.store.getSubmission(members[0]!))!.status).to.equal(before);
    const submitter = { principal: env.submitter.principal, org: (await env.ctx.store.getOrganisation(env.submitter.principal.orgId))! };
    const s = await decideCampaign(deps(), submitter, members[0]!, { decision: 'approve', reason: '', acknowledge: new Map(), members: null });
    expect(s.ok ? null : s.refusal).to.deep.equal({ reason: 'forbidden', needs: 'staff' });
  });

  it('a false positive rejects the members and retracts the indicators they share on every surface (exchange-wide mark)', async () => {
    const actor = await analystActor();
    const r = await decideCampaign(deps(), actor, members[0]!, {
      decision: 'false-positive',
      reason: 'a courier’s real notice',
      acknowledge: new Map(),
      members: null,
    });
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.value.members.filter((m) => m.done).length).to.equal(3);
    for (const id of members) expect((await env.ctx.store.getSubmission(id))!.status).to.equal('rejected');
    const url = (await env.ctx.store.listIndicatorsForSubmission(members[0]!)).find((i) => i.indicator.value === 'https://parcel-retry.top/r/77')!;
    expect(r.value.falsePositives).to.include(url.indicator.id);
    expect(await env.ctx.store.markedFalsePositives([url.indicator.id])).to.deep.equal([url.indicator.id]);
    const latest = await env.ctx.store.latestPublications([url.indicator.id]);
    expect(latest.length).to.be.greaterThan(0);
    expect(latest.every((e) => e.action === 'retract')).to.equal(true);
  });
});
