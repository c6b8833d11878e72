// Sightings over HTTP: counted, visible under the class rules, never revealing who saw it.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type { IndicatorInput } from '../../core/store/port.ts';
import { allClasses } from './helpers/world.ts';
import { openApiEnv, problem, type ApiEnv } from './helpers/api-env.ts';

const amberUrl: IndicatorInput = { type: 'url', value: 'https://evil.example/a', kind: 'network', class: 'AMBER' };
const redDomain: IndicatorInput = { type: 'domain-name', value: 'red-only.example', kind: 'network', class: 'RED' };
const idOf = (i: IndicatorInput) => indicatorId(i.type, i.value);

describe('REST API: sightings', function () {
  let env: ApiEnv;
  beforeEach(async function () {
    env = await openApiEnv();
    await env.w.addSubmission('s-amber', env.orgs.secretariat, env.people.analyst, allClasses('AMBER'), [amberUrl]);
    await env.w.addSubmission('s-red', env.orgs.water, env.people.waterSubmitter, allClasses('RED'), [redDomain]);
    await env.publish('s-amber');
    await env.publish('s-red');
  });
  afterEach(() => env.close());

  const sightingsSeenBy = async (who: Parameters<ApiEnv['get']>[0], id: string) =>
    ((await (await env.get(who, `/indicators/${id}`)).json()) as { sightings: number }).sightings;

  it('counts a participant’s sighting for the class audience without saying who saw it', async function () {
    const res = await env.post(env.people.waterReader, '/sightings', { indicator_id: idOf(amberUrl), count: 3 });
    expect(res.status).to.equal(201);
    const receipt = await res.json();
    expect(receipt).to.deep.equal({ indicator_id: idOf(amberUrl), class: 'AMBER', count: 3, counted: true });
    const byType = await env.post(env.people.waterReader, '/sightings', { type: 'url', value: amberUrl.value });
    expect(byType.status).to.equal(201);

    expect(await sightingsSeenBy(env.people.railReader, idOf(amberUrl))).to.equal(4);
    const pulled = await (await env.get(env.people.railReader, '/indicators')).text();
    for (const who of ['water', env.people.waterReader.id, env.people.waterReader.name, env.orgs.water.name]) {
      expect(pulled).not.to.contain(who);
      expect(JSON.stringify(receipt)).not.to.contain(who);
    }
    const audit = (await env.w.store.listAudit(0, 100)).filter((e) => e.action === 'sighting.reported');
    expect(audit.map((e) => e.actor)).to.deep.equal([env.people.waterReader.id, env.people.waterReader.id]);
  });

  it('counts a retried report with the same Idempotency-Key once', async function () {
    const headers = { 'idempotency-key': 'soc-ticket-4711' };
    expect((await env.post(env.people.railReader, '/sightings', { indicator_id: idOf(amberUrl) }, headers)).status).to.equal(201);
    expect((await env.post(env.people.railReader, '/sightings', { indicator_id: idOf(amberUrl) }, headers)).status).to.equal(200);
    expect(await sightingsSeenBy(env.people.waterReader, idOf(amberUrl))).to.equal(1);
  });

  it('keeps a sighting of an indicator known only from the reporter’s own RED submission at RED', async function () {
    const res = await env.post(env.people.waterReader, '/sightings', { indicator_id: idOf(redDomain), class: 'WHITE' });
    expect(res.status).to.equal(201);
    expect(((await res.json()) as { class: string }).class).to.equal('RED');
    // Later an AMBER submission shares the indicator: its AMBER readers still see no sighting.
    await env.w.addSubmission('s-amber-2', env.orgs.secretariat, env.people.analyst, allClasses('AMBER'), [{ ...redDomain, class: 'AMBER' }]);
    await env.publish('s-amber-2');
    expect(await sightingsSeenBy(env.people.railReader, idOf(redDomain))).to.equal(0);
    expect(await sightingsSeenBy(env.people.analyst, idOf(redDomain))).to.equal(1);
  });

  it('answers 404 for an indicator the reporter may not see, and 403 to non-participants', async function () {
    const hidden = await env.post(env.people.railReader, '/sightings', { indicator_id: idOf(redDomain) });
    expect(hidden.status).to.equal(404);
    expect(await problem(hidden)).to.deep.include({ code: 'NOT_FOUND' });
    const observer = await env.post(env.people.observerReader, '/sightings', { indicator_id: idOf(amberUrl) });
    expect(observer.status).to.equal(403);
    expect((await env.w.store.listSightings([idOf(amberUrl), idOf(redDomain)])).length).to.equal(0);
  });

  it('refuses malformed reports with 400', async function () {
    for (const body of [
      {},
      { indicator_id: idOf(amberUrl), type: 'url', value: 'x' },
      { indicator_id: idOf(amberUrl), count: 0 },
      { indicator_id: idOf(amberUrl), who: 'me' },
    ]) {
      const res = await env.post(env.people.railReader, '/sightings', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(await problem(res)).to.deep.include({ code: 'VALIDATION_FAILED' });
    }
  });
});
