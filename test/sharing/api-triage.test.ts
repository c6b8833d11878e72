// Triage through the REST API as an analyst's script would drive it, over real HTTP with every
// sharing surface `c4tap serve` mounts (sharing/http.ts), on submissions ingested and analysed by
// the real pipeline (a spear-phishing forward to Taro Yamada at the participant rail.example):
// approve after reject is 409 until reopened, the victim gate holds until acknowledged, narrowing
// retracts at once for a reader of the wider class on REST, TAXII and the MISP feed, and only the
// staff (and, for narrowing, the submitting organisation) take steps — each audited.
import type { Server } from 'node:http';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { addOrganisation } from '../../core/directory.ts';
import { issueToken } from '../../core/tokens.ts';
import type { AuditEvent, Principal, Submission } from '../../core/types.ts';
import { createHttpApp, listen } from '../../web/server.ts';
import { sharingRouters } from '../../sharing/http.ts';
import { eventUuid, type MispEvent } from '../../sharing/misp/index.ts';
import { collectionId } from '../../sharing/taxii/index.ts';
import { startConsoleEnv, type ConsoleEnv } from '../web/helpers/console-env.ts';
import { ingestAndAnalyse } from '../web/helpers/submissions.ts';

const TAXII = 'application/taxii+json;version=2.1';

describe('REST API: triage (real HTTP, real pipeline, every surface)', function () {
  this.timeout(60_000);
  let env: ConsoleEnv;
  let server: Server;
  let origin: string;
  let people: Record<'analyst' | 'submitter' | 'otherReader', Principal>;
  let sub: Submission;
  /** This test's lure URL (each test's submissions carry their own, so earlier approvals do not show it). */
  let URL_IOC: string;

  before(async () => {
    env = await startConsoleEnv();
    const water = await addOrganisation(env.ctx, 'test', {
      name: 'Example Water',
      tier: 'participant',
      sector: 'water',
      domains: ['water.example'],
      networks: ['203.0.113.0/24'],
      contacts: [
        {
          name: 'SOC',
          means: [
            { kind: 'email', value: 'soc@water.example' },
            { kind: 'phone', value: '+81 3 0000 0003' },
          ],
        },
      ],
      rulesAccepted: true,
    });
    people = {
      analyst: env.analyst.principal,
      submitter: env.submitter.principal,
      otherReader: (await env.addAccount('water-reader', ['reader'], water.id)).principal,
    };
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
  beforeEach(async () => {
    URL_IOC = `https://invoice-portal.top/pay?id=${Math.random().toString(36).slice(2, 10)}`;
    sub = await ingestAndAnalyse(env, { text: `Dear Taro,\nplease pay at ${URL_IOC}\n`, html: `<p>Pay now: <a href="${URL_IOC}">portal</a></p>` });
    expect(sub.status).to.equal('awaiting-triage');
    expect(sub.classes.network).to.equal('AMBER');
  });

  const tokens = new Map<string, string>();
  async function call(p: Principal, method: 'GET' | 'POST', path: string, body?: unknown, accept?: string): Promise<Response> {
    let token = tokens.get(p.id);
    if (!token) tokens.set(p.id, (token = (await issueToken(env.ctx.store, env.ctx.tokenSettings, p, 3600_000, 'test', env.now())).token));
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      ...(accept ? { accept } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    return fetch(origin + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }
  const step = (p: Principal, name: string, body?: unknown) => call(p, 'POST', `/api/v1/submissions/${sub.id}/${name}`, body);
  async function codeOf(res: Response): Promise<[number, string]> {
    const type = res.headers.get('content-type') ?? '';
    return [res.status, type.startsWith('application/problem+json') ? ((await res.json()) as { code: string }).code : 'ok'];
  }
  const auditOf = async (action: string): Promise<AuditEvent[]> =>
    (await env.ctx.store.listAudit(0, 100_000)).filter((e) => e.action === action && e.target === sub.id);

  it('answers 409 ILLEGAL_TRANSITION to approve after reject, and 200 once the submission is reopened', async function () {
    expect(await codeOf(await step(people.analyst, 'reject', { reason: 'looked like a drill' }))).to.deep.equal([200, 'ok']);
    expect(await codeOf(await step(people.analyst, 'approve'))).to.deep.equal([409, 'ILLEGAL_TRANSITION']);
    expect((await env.ctx.store.getSubmission(sub.id))!.status).to.equal('rejected');
    expect(await codeOf(await step(people.analyst, 'reopen', {}))).to.deep.equal([400, 'VALIDATION_FAILED']);
    const reopened = await step(people.analyst, 'reopen', { reason: 'it was not a drill' });
    expect(reopened.status).to.equal(200);
    expect(await reopened.json()).to.deep.include({ status: 'awaiting-triage', entries: [] });
    expect(await codeOf(await step(people.analyst, 'approve'))).to.deep.equal([200, 'ok']);
    expect((await auditOf('submission.reopened')).map((e) => [e.actor, e.data['before'], e.data['after']])).to.deep.equal([
      [people.analyst.id, { status: 'rejected' }, { status: 'awaiting-triage' }],
    ]);
  });

  it('refuses approve with 409 VICTIM_CHECK_REQUIRED while published text names the victim, until the victim check is acknowledged', async function () {
    expect(await codeOf(await step(people.analyst, 'campaign', { campaign: 'Taro Yamada invoices' }))).to.deep.equal([200, 'ok']);
    const seq = await env.ctx.store.lastPublicationSeq();
    expect(await codeOf(await step(people.analyst, 'approve'))).to.deep.equal([409, 'VICTIM_CHECK_REQUIRED']);
    expect(await env.ctx.store.lastPublicationSeq(), 'nothing published').to.equal(seq);
    const check = (await (await call(people.analyst, 'GET', `/api/v1/submissions/${sub.id}/victim-check`)).json()) as {
      findings: { field: string; value: string }[];
      fingerprint: string;
      blocks_approval: boolean;
    };
    expect(check.blocks_approval).to.equal(true);
    expect(check.findings.map((f) => [f.field, f.value])).to.deep.equal([['campaign', 'Taro Yamada invoices']]);
    expect(await codeOf(await call(people.submitter, 'GET', `/api/v1/submissions/${sub.id}/victim-check`))).to.deep.equal([403, 'FORBIDDEN']);
    expect(await codeOf(await step(people.analyst, 'victim-check/acknowledge', { fingerprint: 'f'.repeat(64) }))).to.deep.equal([409, 'VICTIM_CHECK_CHANGED']);
    expect(await codeOf(await step(people.analyst, 'victim-check/acknowledge', { fingerprint: check.fingerprint }))).to.deep.equal([200, 'ok']);
    const approved = await step(people.analyst, 'approve');
    expect(approved.status).to.equal(200);
    expect(await approved.json()).to.deep.include({ status: 'published' });
    const [ack] = await auditOf('submission.victim-warning-acknowledged');
    expect(ack!.actor).to.equal(people.analyst.id);
    expect(ack!.data['after']).to.include({ fingerprint: check.fingerprint });
  });

  it('narrowing a published submission retracts at once for a reader of the wider class: REST indicators, TAXII objects, MISP feed', async function () {
    expect(await codeOf(await step(people.analyst, 'approve'))).to.deep.equal([200, 'ok']);
    const liveRest = async () => {
      const body = (await (await call(people.otherReader, 'GET', '/api/v1/indicators?format=json&limit=1000')).json()) as {
        items: { value: string; false_positive: boolean }[];
      };
      return body.items.filter((i) => i.value === URL_IOC && !i.false_positive).length;
    };
    const liveTaxii = async () => {
      const res = await call(people.otherReader, 'GET', `/taxii2/c4tap/collections/${collectionId('AMBER')}/objects/?match[type]=indicator`, undefined, TAXII);
      const objects = ((await res.json()) as { objects?: { pattern?: string; revoked?: boolean }[] }).objects ?? [];
      return objects.filter((o) => o.pattern?.includes(URL_IOC) && o.revoked !== true).length;
    };
    const liveMisp = async () => {
      const res = await call(people.otherReader, 'GET', `/api/v1/misp/${eventUuid(sub.id, 'AMBER')}.json`);
      if (res.status === 404) return 0;
      const event = ((await res.json()) as { Event: MispEvent }).Event;
      return event.Attribute.filter((a) => a.value === URL_IOC && !a.deleted).length;
    };
    expect([await liveRest(), await liveTaxii(), await liveMisp()], 'published to the AMBER reader').to.deep.equal([1, 1, 1]);

    // The submitting organisation's own principal narrows the network kind; no approve follows.
    const res = await step(people.submitter, 'classes', { network: 'RED' });
    expect(res.status).to.equal(200);
    const change = (await res.json()) as { classes: Record<string, string>; changed: string[]; entries: { action: string; class: string }[] };
    expect(change.changed).to.deep.equal(['network']);
    expect(change.entries.filter((e) => e.action === 'retract').every((e) => e.class === 'AMBER')).to.equal(true);
    expect(change.entries.some((e) => e.action === 'retract')).to.equal(true);
    expect([await liveRest(), await liveTaxii(), await liveMisp()], 'retracted from the AMBER reader').to.deep.equal([0, 0, 0]);
    const [changed] = await auditOf('submission.classes-changed');
    expect(changed!.actor).to.equal(people.submitter.id);
    expect((changed!.data['after'] as Record<string, string>)['network']).to.equal('RED');

    // Widening back beyond RED is the submitter's own earlier choice (AMBER): allowed; GREEN is not.
    expect(await codeOf(await step(people.analyst, 'classes', { network: 'GREEN' }))).to.deep.equal([409, 'WIDENING_NEEDS_CONSENT']);
  });

  it('lets another organisation’s principal take no step (403 for staff steps, 404 for narrowing) and the submitter’s own organisation narrow but not approve', async function () {
    for (const name of ['approve', 'reject', 'reopen', 'campaign']) {
      const body = name === 'campaign' ? { campaign: 'x' } : name === 'reopen' ? { reason: 'x' } : undefined;
      expect(await codeOf(await step(people.otherReader, name, body)), name).to.deep.equal([403, 'FORBIDDEN']);
      expect(await codeOf(await step(people.submitter, name, body)), name).to.deep.equal([403, 'FORBIDDEN']);
    }
    expect(await codeOf(await step(people.otherReader, 'classes', { network: 'RED' }))).to.deep.equal([404, 'NOT_FOUND']);
    expect(await codeOf(await step(people.otherReader, 'widening-proposals/network/consent'))).to.deep.equal([404, 'NOT_FOUND']);
    expect((await env.ctx.store.getSubmission(sub.id))!).to.deep.include({ status: 'awaiting-triage', campaign: null, classes: sub.classes });
    expect(
      await codeOf(await step(people.analyst, 'widening-proposals', { kind: 'network', class: 'GREEN', note: 'affiliates run the same portal' })),
    ).to.deep.equal([201, 'ok']);
    const consent = await step(people.submitter, 'widening-proposals/network/consent');
    expect(consent.status).to.equal(200);
    expect(((await consent.json()) as { classes: Record<string, string> }).classes.network).to.equal('GREEN');
    expect((await auditOf('submission.consent-recorded')).map((e) => e.actor)).to.deep.equal([people.submitter.id]);
    expect((await auditOf('submission.widening-proposed')).map((e) => e.actor)).to.deep.equal([people.analyst.id]);
  });
});
