// Campaign decisions over the REST API as an analyst's script would drive them (real HTTP, every
// sharing surface mounted, real pipeline): the list and one campaign with its per-tier preview;
// approve of a campaign whose members are all rejected is 409 ILLEGAL_TRANSITION; a member whose
// published text names the victim is refused VICTIM_CHECK_REQUIRED per member until its check is
// acknowledged by fingerprint; readers get 403; the operations are in the OpenAPI document.
import type { Server } from 'node:http';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { issueToken } from '../../core/tokens.ts';
import type { Principal } from '../../core/types.ts';
import { createHttpApp, listen } from '../../web/server.ts';
import { sharingRouters } from '../../sharing/http.ts';
import { startConsoleEnv, type ConsoleEnv } from '../web/helpers/console-env.ts';
import { addParticipants, analyse, buildPhishForward, ingest } from '../web/helpers/submissions.ts';

interface MemberJson {
  submission_id: string;
  outcome: 'done' | 'refused';
  code?: string;
}

describe('REST API: campaigns (real HTTP, real pipeline)', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;
  let server: Server;
  let origin: string;
  let reader: Principal;
  let power: Principal;

  before(async () => {
    env = await startConsoleEnv();
    reader = (await env.addAccount('rail-reader', ['reader'], env.participantOrg.id)).principal;
    power = (await addParticipants(env, ['power']))[0]!.submitter;
    const routers = sharingRouters({ ...env.ctx, limits: env.ctx.config.api, exchange: { name: 'C4TAP test exchange' } });
    server = await listen(createHttpApp({ log: env.ctx.log, registry: new Registry(), trustProxy: false, health: async () => ({}), routers }), '127.0.0.1', 0);
    const addr = server.address();
    origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      server?.closeAllConnections();
    });
    await env?.close();
  });

  const tokens = new Map<string, string>();
  async function call(p: Principal, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    let token = tokens.get(p.id);
    if (!token) tokens.set(p.id, (token = (await issueToken(env.ctx.store, env.ctx.tokenSettings, p, 3600_000, 'test', env.now())).token));
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    return fetch(origin + `/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }
  async function campaign(subject: string, host: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      env.advance(60_000);
      const by = i % 2 === 0 ? env.submitter.principal : power;
      ids.push((await analyse(env, await ingest(env, await buildPhishForward({ subject, text: `Act now: https://${host}/go?i=${i}\n` }), by))).id);
    }
    return ids;
  }
  const analyst = () => env.analyst.principal;

  it('lists the campaign and shows one with its members, evidence and what each reader tier would receive', async () => {
    const ids = await campaign('Tax refund pending', 'refund-claim.top', 3);
    const list = (await (await call(analyst(), 'GET', '/campaigns?sort=members')).json()) as {
      campaigns: { id: string; members: number; organisations: number }[];
    };
    expect(list.campaigns.find((c) => c.id === ids[0])).to.deep.include({ members: 3, organisations: 2 });
    const res = await call(analyst(), 'GET', `/campaigns/${ids[2]}`);
    expect(res.status).to.equal(200);
    const c = (await res.json()) as {
      id: string;
      member_list: { submission_id: string; status: string }[];
      evidence: { type: string; value: string; members: number }[];
      preview: { tiers: { tier: string; indicators: number }[] };
    };
    expect(c.id).to.equal(ids[0]);
    expect(c.member_list.map((m) => m.submission_id)).to.deep.equal(ids);
    expect(c.evidence).to.deep.include({ type: 'url-host', value: 'refund-claim.top', members: 3 });
    const tiers = Object.fromEntries(c.preview.tiers.map((t) => [t.tier, t.indicators]));
    expect(tiers['AMBER']).to.be.greaterThan(0);
    expect(tiers['YELLOW']).to.equal(0);
    const reads = (await env.ctx.store.listAudit(0, 100_000)).filter((e) => e.action === 'red.read' && e.data['surface'] === 'api.campaign');
    expect(reads.map((e) => [e.actor, e.target, e.data['members']])).to.deep.equal([[analyst().id, ids[0], ids]]);
    expect((await call(reader, 'GET', '/campaigns')).status).to.equal(403);
    expect((await call(reader, 'POST', `/campaigns/${ids[0]}/decision`, { decision: 'approve' })).status).to.equal(403);
  });

  it('answers 409 ILLEGAL_TRANSITION with every member refused when all members are rejected, and 400 to a reject without a reason', async () => {
    const ids = await campaign('Mailbox quota exceeded', 'quota-fix.top', 2);
    const rejectNoReason = await call(analyst(), 'POST', `/campaigns/${ids[0]}/decision`, { decision: 'reject' });
    expect([rejectNoReason.status, ((await rejectNoReason.json()) as { code: string }).code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    const rejected = await call(analyst(), 'POST', `/campaigns/${ids[0]}/decision`, { decision: 'reject', reason: 'a test mailing' });
    expect(rejected.status).to.equal(200);
    expect(((await rejected.json()) as { done: number }).done).to.equal(2);
    const seq = await env.ctx.store.lastPublicationSeq();
    const res = await call(analyst(), 'POST', `/campaigns/${ids[1]}/decision`, { decision: 'approve' });
    expect(res.status).to.equal(409);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const body = (await res.json()) as { code: string; members: MemberJson[] };
    expect(body.code).to.equal('ILLEGAL_TRANSITION');
    expect(body.members.map((m) => [m.submission_id, m.outcome, m.code])).to.deep.equal(ids.map((id) => [id, 'refused', 'ILLEGAL_TRANSITION']));
    expect(await env.ctx.store.lastPublicationSeq(), 'nothing published').to.equal(seq);
  });

  it('refuses the member whose published text names the victim (VICTIM_CHECK_REQUIRED) and approves it once its check is acknowledged', async () => {
    const ids = await campaign('Shared document waiting', 'doc-share-now.top', 3);
    const named = await call(analyst(), 'POST', `/submissions/${ids[1]}/campaign`, { campaign: 'Taro Yamada documents' });
    expect(named.status).to.equal(200);
    const first = await call(analyst(), 'POST', `/campaigns/${ids[0]}/decision`, { decision: 'approve', members: ids });
    expect(first.status).to.equal(200);
    const r1 = (await first.json()) as { members: MemberJson[] };
    expect(r1.members.map((m) => [m.submission_id, m.outcome, m.code ?? null])).to.deep.equal([
      [ids[0], 'done', null],
      [ids[1], 'refused', 'VICTIM_CHECK_REQUIRED'],
      [ids[2], 'done', null],
    ]);
    expect((await env.ctx.store.getSubmission(ids[1]!))!.status).to.equal('awaiting-triage');
    const c = (await (await call(analyst(), 'GET', `/campaigns/${ids[0]}`)).json()) as { victim_checks: { submission_id: string; fingerprint: string }[] };
    expect(c.victim_checks.map((v) => v.submission_id)).to.deep.equal([ids[1]]);
    const wrong = await call(analyst(), 'POST', `/campaigns/${ids[0]}/decision`, {
      decision: 'approve',
      members: [ids[1]],
      acknowledge: [{ submission_id: ids[1], fingerprint: 'f'.repeat(64) }],
    });
    expect([wrong.status, ((await wrong.json()) as { code: string }).code]).to.deep.equal([409, 'VICTIM_CHECK_CHANGED']);
    const second = await call(analyst(), 'POST', `/campaigns/${ids[0]}/decision`, {
      decision: 'approve',
      members: [ids[1]],
      acknowledge: [{ submission_id: ids[1], fingerprint: c.victim_checks[0]!.fingerprint }],
    });
    expect(second.status).to.equal(200);
    expect((await env.ctx.store.getSubmission(ids[1]!))!.status).to.equal('published');
    const acks = (await env.ctx.store.listAudit(0, 100_000)).filter((e) => e.action === 'submission.victim-warning-acknowledged' && e.target === ids[1]);
    expect(acks.map((e) => e.actor)).to.deep.equal([analyst().id]);
  });

  it('documents the campaign operations in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${origin}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.paths['/campaigns']?.['get']?.operationId).to.equal('listCampaigns');
    expect(doc.paths['/campaigns/{id}']?.['get']?.operationId).to.equal('getCampaign');
    expect(doc.paths['/campaigns/{id}/decision']?.['post']?.operationId).to.equal('decideCampaign');
  });
});
