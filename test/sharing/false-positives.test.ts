// Exchange-level false positives through the REST API: one mark withdraws an indicator published
// from several organisations' submissions from every reader, withholds it from submissions approved
// later, is audited, and unmarking republishes nothing until the submissions are approved again.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { indicatorId } from '../../core/ids.ts';
import type { IndicatorInput } from '../../core/store/port.ts';
import type { Organisation, Principal, SharingClass } from '../../core/types.ts';
import type { Store } from '../../core/store/port.ts';
import { publishSubmission } from '../../sharing/publication.ts';
import { allClasses } from './helpers/world.ts';
import { openApiEnv, problem, type ApiEnv } from './helpers/api-env.ts';

type Item = { id: string; value: string; action: string; class: string; false_positive: boolean; seq: number };
type Page = { items: Item[]; next_since: number };

const VALUE = 'update.vendor-cdn.example';
const lure: IndicatorInput = { type: 'domain-name', value: VALUE, kind: 'network', class: 'AMBER' };
const ID = indicatorId(lure.type, lure.value);

describe('REST API: exchange-level false positives', function () {
  let env: ApiEnv;
  let gas: Organisation;
  let gasReader: Principal;
  beforeEach(async function () {
    env = await openApiEnv();
    // An AMBER reader that is not among the sources.
    gas = await env.w.addOrg('gas', 'participant', { sector: 'gas' });
    gasReader = await env.w.addPrincipal('gas-reader', 'gas', ['reader']);
  });
  afterEach(() => env.close());

  async function publishedBy(id: string, org: Organisation, submitter: Principal, cls: SharingClass): Promise<void> {
    await env.w.addSubmission(id, org, submitter, allClasses(cls), [{ ...lure, class: cls }]);
    await env.publish(id);
    env.w.tick(60);
  }

  async function pull(who: Principal, since = 0, format = 'json'): Promise<Page> {
    const res = await env.get(who, `/indicators?since=${since}&limit=100&format=${format}`);
    expect(res.status).to.equal(200);
    if (format === 'json') return (await res.json()) as Page;
    const rows = parse(await res.text(), { columns: true, bom: true }) as Record<string, string>[];
    return {
      items: rows.map((r) => ({
        id: r['id']!,
        value: r['value']!,
        action: r['action']!,
        class: r['class']!,
        false_positive: r['false_positive'] === 'true',
        seq: Number(r['seq']),
      })),
      next_since: Number(res.headers.get('c4tap-next-since')),
    };
  }

  const mark = (who: Principal, body: unknown = { indicator_id: ID, reason: 'the vendor’s own update server' }) => env.post(who, '/false-positives', body);

  /** Published by water at AMBER and by rail at GREEN; returns each reader's cursor after it. */
  async function publishedTwice(): Promise<{ amberSince: number; greenSince: number }> {
    await publishedBy('s-water', env.orgs.water, env.people.waterSubmitter, 'AMBER');
    await publishedBy('s-rail', env.orgs.rail, env.people.railReader, 'GREEN');
    const amber = await pull(gasReader);
    const green = await pull(env.people.affiliateReader);
    expect(amber.items.map((i) => [i.value, i.action, i.false_positive])).to.deep.equal([[VALUE, 'publish', false]]);
    expect(green.items.map((i) => [i.value, i.action, i.class])).to.deep.equal([[VALUE, 'publish', 'GREEN']]);
    return { amberSince: amber.next_since, greenSince: green.next_since };
  }

  it('withdraws an indicator published by two organisations from AMBER and GREEN readers with one mark, audited', async function () {
    const { amberSince, greenSince } = await publishedTwice();

    const res = await mark(env.people.analyst);
    expect(res.status).to.equal(201);
    const body = (await res.json()) as { indicator_id: string; value: string; marked_by: string; created: boolean; retracted: { class: string }[] };
    expect(body).to.deep.include({ indicator_id: ID, value: VALUE, marked_by: env.people.analyst.id, created: true });
    expect(body.retracted.map((r) => r.class).sort()).to.deep.equal(['AMBER', 'GREEN']);

    const amber = await pull(gasReader, amberSince);
    expect(amber.items.map((i) => [i.id, i.action, i.false_positive])).to.deep.equal([[ID, 'retract', true]]);
    const green = await pull(env.people.affiliateReader, greenSince, 'csv');
    expect(green.items.map((i) => [i.id, i.action, i.class, i.false_positive])).to.deep.equal([[ID, 'retract', 'GREEN', true]]);
    const one = (await (await env.get(gasReader, `/indicators/${ID}`)).json()) as Item;
    expect(one.false_positive).to.equal(true);
    // The submitter's own view of its submission says so too.
    const own = (await (await env.get(env.people.waterSubmitter, '/submissions/s-water')).json()) as {
      indicators: { id: string; false_positive: boolean; publication: string }[];
    };
    expect(own.indicators.find((i) => i.id === ID)).to.deep.include({ false_positive: true, publication: 'retract' });

    const audit = (await env.w.store.listAudit(0, 1000)).filter((e) => e.action === 'false-positive.marked');
    expect(audit).to.have.length(1);
    expect(audit[0]).to.deep.include({ actor: env.people.analyst.id, target: ID });
    expect(audit[0]!.data).to.deep.include({ reason: 'the vendor’s own update server', before: null });

    // Marking again keeps the first entry and appends nothing.
    const again = await mark(env.people.secretariat, { type: 'domain-name', value: VALUE, reason: 'again' });
    expect(again.status).to.equal(200);
    expect(await again.json()).to.deep.include({ marked_by: env.people.analyst.id, created: false, retracted: [] });
    expect((await pull(gasReader, amber.next_since)).items).to.deep.equal([]);
  });

  it('withholds the value from a submission of another organisation approved after the mark', async function () {
    const { amberSince } = await publishedTwice();
    expect((await mark(env.people.analyst)).status).to.equal(201);
    const after = (await pull(gasReader, amberSince)).next_since;

    await env.w.addSubmission('s-secretariat', env.orgs.secretariat, env.people.analyst, allClasses('AMBER'), [lure]);
    const res = await env.post(env.people.analyst, '/submissions/s-secretariat/approve');
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.include({ published: 0, withheld: [{ indicator_id: ID, reason: 'false-positive' }], entries: [] });
    expect((await pull(gasReader, after)).items).to.deep.equal([]);
    expect((await env.w.store.latestPublications([ID])).every((e) => e.action === 'retract')).to.equal(true);
  });

  it('unmarks, audited, republishing nothing until a submission is approved again', async function () {
    const { amberSince } = await publishedTwice();
    expect((await mark(env.people.analyst)).status).to.equal(201);
    const since = (await pull(gasReader, amberSince)).next_since;

    const res = await env.del(env.people.secretariat, `/false-positives/${ID}`, { reason: 'the vendor was compromised after all' });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.include({ indicator_id: ID, republish_on_approve: ['s-rail', 's-water'] });
    const audit = (await env.w.store.listAudit(0, 1000)).filter((e) => e.action === 'false-positive.unmarked');
    expect(audit).to.have.length(1);
    expect(audit[0]).to.deep.include({ actor: env.people.secretariat.id, target: ID });
    expect(audit[0]!.data).to.deep.include({ reason: 'the vendor was compromised after all', after: null });
    expect((await env.get(env.people.analyst, `/false-positives/${ID}`)).status).to.equal(404);
    expect((await env.del(env.people.secretariat, `/false-positives/${ID}`)).status).to.equal(404);

    expect((await pull(gasReader, since)).items, 'nothing republished by the unmark').to.deep.equal([]);
    expect((await env.post(env.people.analyst, '/submissions/s-water/approve')).status).to.equal(200);
    const back = await pull(gasReader, since);
    expect(back.items.map((i) => [i.id, i.action, i.false_positive])).to.deep.equal([[ID, 'publish', false]]);
  });

  it('retracts a source whose approval raced with the mark (the mark landed between its read and its append)', async function () {
    await env.w.addSubmission('s-water', env.orgs.water, env.people.waterSubmitter, allClasses('AMBER'), [lure]);
    // The real store, with the other analyst's mark (entry recorded, its retraction read already
    // done and empty) landing just before this approval appends.
    const racing: Store = Object.create(env.w.store, {
      appendPublications: {
        value: async (...args: Parameters<Store['appendPublications']>) => {
          if (!(await env.w.store.getFalsePositive(ID))) {
            await env.w.store.markFalsePositive({
              indicatorId: ID,
              type: 'domain-name',
              value: VALUE,
              markedBy: env.people.secretariat.id,
              markedAt: args[1],
              reason: 'race',
            });
          }
          return env.w.store.appendPublications(...args);
        },
      },
    });
    const r = await publishSubmission({ store: racing, audit: env.w.audit, clock: env.w.clock }, 's-water', env.people.analyst.id);
    expect(r.appended.map((e) => e.action)).to.deep.equal(['publish', 'retract']);
    expect((await env.w.store.latestPublications([ID])).map((e) => e.action)).to.deep.equal(['retract']);
  });

  it('lets only the secretariat and analysts mark, unmark and list', async function () {
    await publishedBy('s-water', env.orgs.water, env.people.waterSubmitter, 'AMBER');
    for (const who of [env.people.waterSubmitter, env.people.railReader, gasReader]) {
      expect((await problem(await mark(who))).code, who.name).to.equal('FORBIDDEN');
      expect((await env.get(who, '/false-positives')).status, who.name).to.equal(403);
      expect((await env.del(who, `/false-positives/${ID}`)).status, who.name).to.equal(403);
    }
    expect(await env.w.store.getFalsePositive(ID)).to.equal(null);
    expect((await mark(env.people.analyst)).status).to.equal(201);
    const list = (await (await env.get(env.people.secretariat, '/false-positives')).json()) as { items: { indicator_id: string }[]; next_after: string | null };
    expect(list).to.deep.equal({
      items: [
        {
          indicator_id: ID,
          type: 'domain-name',
          value: VALUE,
          marked_by: env.people.analyst.id,
          marked_at: env.w.clock().toISOString(),
          reason: 'the vendor’s own update server',
        },
      ],
      next_after: null,
    });
    expect((await env.get(env.people.analyst, `/false-positives/${ID}`)).status).to.equal(200);
  });

  it('refuses an indicator the exchange does not hold, and a mark without a reason', async function () {
    expect((await mark(env.people.analyst, { type: 'domain-name', value: 'never-seen.example', reason: 'x' })).status).to.equal(404);
    expect((await problem(await mark(env.people.analyst, { indicator_id: ID }))).code).to.equal('VALIDATION_FAILED');
    expect((await problem(await mark(env.people.analyst, { indicator_id: ID, type: 'url', value: 'x', reason: 'x' }))).code).to.equal('VALIDATION_FAILED');
  });
});
