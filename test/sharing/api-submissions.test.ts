// A submitter's own submissions over HTTP, and approve/reject for the secretariat's and analysts'
// automation (the same action as the console, audited).
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type { IndicatorInput } from '../../core/store/port.ts';
import { allClasses } from './helpers/world.ts';
import { openApiEnv, problem, type ApiEnv } from './helpers/api-env.ts';

const url: IndicatorInput = { type: 'url', value: 'https://evil.example/login', kind: 'network', class: 'AMBER' };
const shortener: IndicatorInput = { type: 'domain-name', value: 'bit.ly', kind: 'network', class: 'AMBER', context: { warningLists: ['url-shorteners'] } };
const sender: IndicatorInput = { type: 'email-addr', value: 'ceo@evil.example', kind: 'mail', class: 'RED' };
const idOf = (i: IndicatorInput) => indicatorId(i.type, i.value);

describe('REST API: submissions', function () {
  let env: ApiEnv;
  beforeEach(async function () {
    env = await openApiEnv();
    await env.w.addSubmission('s-water', env.orgs.water, env.people.waterSubmitter, { ...allClasses('AMBER'), mail: 'RED' }, [url, shortener, sender]);
    env.w.tick(10);
    await env.w.addSubmission('s-rail', env.orgs.rail, env.people.railReader, allClasses('RED'), [{ ...url, class: 'RED' }]);
  });
  afterEach(() => env.close());

  it('lists only the caller’s own organisation’s submissions, and all of them for analysts', async function () {
    const own = (await (await env.get(env.people.waterReader, '/submissions')).json()) as { items: { id: string; classes: unknown; status: string }[] };
    expect(own.items.map((s) => s.id)).to.deep.equal(['s-water']);
    expect(own.items[0]).to.deep.include({ status: 'awaiting-triage', classes: { sample: 'AMBER', mail: 'RED', network: 'AMBER', file: 'AMBER' } });
    const all = (await (await env.get(env.people.analyst, '/submissions?status=awaiting-triage')).json()) as { items: { id: string }[] };
    expect(all.items.map((s) => s.id)).to.deep.equal(['s-rail', 's-water']);
    const none = (await (await env.get(env.people.analyst, '/submissions?status=published')).json()) as { items: unknown[] };
    expect(none.items).to.deep.equal([]);
  });

  it('shows the owner its submission at RED level with only its own sources, audited; 404 to anyone else', async function () {
    const res = await env.get(env.people.waterSubmitter, '/submissions/s-water');
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { subject: string; indicators: Record<string, unknown>[] };
    expect(body.subject).to.equal('Invoice 2025-01');
    const received = (await env.w.store.getSubmission('s-water'))!.receivedAt;
    expect(body.indicators.map((i) => i['seen_at'])).to.deep.equal([received, received, received]);
    expect(body.indicators.map(({ seen_at: _, ...rest }) => rest)).to.have.deep.members([
      { id: idOf(url), type: 'url', value: url.value, kind: 'network', class: 'AMBER', false_positive: false, warning_lists: [], publication: null },
      {
        id: idOf(shortener),
        type: 'domain-name',
        value: 'bit.ly',
        kind: 'network',
        class: 'AMBER',
        false_positive: false,
        warning_lists: ['url-shorteners'],
        publication: null,
      },
      { id: idOf(sender), type: 'email-addr', value: sender.value, kind: 'mail', class: 'RED', false_positive: false, warning_lists: [], publication: null },
    ]);
    expect(JSON.stringify(body)).not.to.contain('s-rail');
    const audit = (await env.w.store.listAudit(0, 100)).filter((e) => e.action === 'red.read');
    expect(audit.map((e) => [e.actor, e.target])).to.deep.equal([[env.people.waterSubmitter.id, 's-water']]);

    for (const who of [env.people.railReader, env.people.observerReader]) {
      const other = await env.get(who, '/submissions/s-water');
      expect(other.status).to.equal(404);
      expect(await problem(other)).to.deep.include({ code: 'NOT_FOUND' });
    }
    expect((await env.get(env.people.analyst, '/submissions/s-water')).status).to.equal(200);
  });

  it('lets analysts and the secretariat approve, idempotently and audited, and no one else', async function () {
    for (const who of [env.people.waterSubmitter, env.people.railReader]) {
      const refused = await env.post(who, '/submissions/s-water/approve');
      expect(refused.status).to.equal(403);
      expect(await problem(refused)).to.deep.include({ code: 'FORBIDDEN' });
    }
    const res = await env.post(env.people.analyst, '/submissions/s-water/approve');
    expect(res.status).to.equal(200);
    const result = (await res.json()) as { status: string; published: number; entries: { indicator_id: string; class: string }[]; withheld: unknown[] };
    expect(result.status).to.equal('published');
    expect(result.entries.map((e) => [e.indicator_id, e.class])).to.have.deep.members([
      [idOf(url), 'AMBER'],
      [idOf(sender), 'RED'],
    ]);
    expect(result.withheld).to.deep.equal([{ indicator_id: idOf(shortener), reason: 'warning-listed' }]);
    const again = (await (await env.post(env.people.secretariat, '/submissions/s-water/approve')).json()) as { entries: unknown[] };
    expect(again.entries).to.deep.equal([]);
    const audit = (await env.w.store.listAudit(0, 100)).filter((e) => e.action === 'submission.published');
    expect(audit.map((e) => e.actor)).to.deep.equal([env.people.analyst.id, env.people.secretariat.id]);

    const pulled = (await (await env.get(env.people.railReader, '/indicators')).json()) as { items: { id: string }[] };
    expect(pulled.items.map((i) => i.id)).to.deep.equal([idOf(url)]);
    expect((await env.post(env.people.analyst, '/submissions/nope/approve')).status).to.equal(404);
  });

  it('rejects with a reason, retracting what was published', async function () {
    await env.post(env.people.analyst, '/submissions/s-water/approve');
    const res = await env.post(env.people.analyst, '/submissions/s-water/reject', { reason: 'internal phishing drill' });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { status: string; entries: { action: string }[] };
    expect(body.status).to.equal('rejected');
    expect(body.entries.map((e) => e.action)).to.deep.equal(['retract', 'retract']);
    const event = (await env.w.store.listAudit(0, 100)).find((e) => e.action === 'submission.rejected')!;
    expect(event.data).to.deep.include({ reason: 'internal phishing drill' });
    const pulled = (await (await env.get(env.people.railReader, '/indicators')).json()) as { items: { id: string; false_positive: boolean }[] };
    expect(pulled.items.map((i) => [i.id, i.false_positive])).to.deep.equal([[idOf(url), true]]);
    expect((await env.post(env.people.analyst, '/submissions/s-water/reject', { reason: 'x', extra: 1 })).status).to.equal(400);
  });

  it('refuses to approve a submission still being analysed with 409', async function () {
    await env.w.store.updateSubmission('s-rail', { status: 'analysing' }, env.w.clock().toISOString());
    const res = await env.post(env.people.analyst, '/submissions/s-rail/approve');
    expect(res.status).to.equal(409);
    expect(await problem(res)).to.deep.include({ code: 'ILLEGAL_TRANSITION' });
  });
});
