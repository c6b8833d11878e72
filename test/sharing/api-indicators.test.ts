// The indicator pull over HTTP: class rules, 404 for what a reader may not see, cursor paging,
// filters (CSV: api-csv.test.ts), STIX not yet available (406), RED reads audited.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type { IndicatorInput } from '../../core/store/port.ts';
import type { FeedFormatter } from '../../sharing/api/formats.ts';
import { allClasses } from './helpers/world.ts';
import { openApiEnv, problem, type ApiEnv } from './helpers/api-env.ts';

type Item = Record<string, unknown> & { id: string; seq: number; value: string };
type Page = { items: Item[]; next_since: number; more: boolean };

const net = (value: string, cls: IndicatorInput['class'] = 'AMBER'): IndicatorInput => ({ type: 'domain-name', value, kind: 'network', class: cls });
const idOf = (i: IndicatorInput) => indicatorId(i.type, i.value);

describe('REST API: indicators', function () {
  let env: ApiEnv;
  beforeEach(async () => (env = await openApiEnv()));
  afterEach(() => env.close());

  /** A published submission of `org` with these indicators, all kinds at `cls`. */
  async function published(id: string, org: 'water' | 'rail' | 'secretariat', cls: IndicatorInput['class'], indicators: IndicatorInput[]): Promise<string> {
    const submitter = org === 'water' ? env.people.waterSubmitter : org === 'rail' ? env.people.railReader : env.people.analyst;
    await env.w.addSubmission(
      id,
      env.orgs[org],
      submitter,
      allClasses(cls),
      indicators.map((i) => ({ ...i, class: cls })),
    );
    await env.publish(id);
    env.w.tick(60);
    return id;
  }

  async function pullAll(who: Parameters<ApiEnv['get']>[0], limit: number, query = ''): Promise<{ pages: Page[]; items: Item[] }> {
    const pages: Page[] = [];
    let since = 0;
    for (let guard = 0; guard < 1000; guard++) {
      const res = await env.get(who, `/indicators?since=${since}&limit=${limit}${query}`);
      expect(res.status).to.equal(200);
      const page = (await res.json()) as Page;
      expect(res.headers.get('c4tap-next-since')).to.equal(String(page.next_since));
      pages.push(page);
      since = page.next_since;
      if (!page.more) break;
    }
    return { pages, items: pages.flatMap((p) => p.items) };
  }

  it('answers 404, exactly as for a missing indicator, when an AMBER reader asks for a RED one by id', async function () {
    const red = net('red-only.example');
    await published('s-red', 'water', 'RED', [red]);
    const hidden = await env.get(env.people.railReader, `/indicators/${idOf(red)}`);
    const missing = await env.get(env.people.railReader, `/indicators/ind_00000000000000000000000000000000`);
    expect(hidden.status).to.equal(404);
    expect(await problem(hidden)).to.deep.equal(await problem(missing));
    const owner = await env.get(env.people.waterReader, `/indicators/${idOf(red)}`);
    expect(owner.status).to.equal(200);
    expect(await owner.json()).to.deep.include({ id: idOf(red), class: 'RED', submissions: 1 });
  });

  it('tells an AMBER reader that an indicator it pulled is gone once the submission is narrowed to RED, with nothing from the RED source', async function () {
    const lure = net('narrowed.example');
    await published('s-narrow', 'water', 'AMBER', [lure]);
    const first = await pullAll(env.people.railReader, 100);
    expect(first.items.map((i) => [i.value, i.action])).to.deep.equal([['narrowed.example', 'publish']]);
    const since = first.pages[first.pages.length - 1]!.next_since;

    await env.w.store.updateSubmission('s-narrow', { classes: allClasses('RED') }, env.w.clock().toISOString());
    await env.publish('s-narrow');
    const res = await env.get(env.people.railReader, `/indicators?since=${since}&limit=100`);
    const page = (await res.json()) as Page;
    expect(page.items).to.have.length(1);
    expect(page.items[0]).to.deep.include({
      id: idOf(lure),
      value: 'narrowed.example',
      action: 'retract',
      class: 'AMBER',
      submissions: 0,
      sightings: 0,
      sectors: [],
      false_positive: true,
    });
    expect((await env.get(env.people.railReader, `/indicators/${idOf(lure)}`)).status).to.equal(404);
    // The owner still sees it, now RED.
    const owner = await env.get(env.people.waterReader, `/indicators/${idOf(lure)}`);
    expect(await owner.json()).to.deep.include({ class: 'RED' });
  });

  it('never tells an AMBER reader that a RED submission shares an indicator with an AMBER one', async function () {
    const shared = net('shared.example');
    await published('s-red', 'water', 'RED', [shared]); // earlier, RED, water sector
    await env.w.store.addSighting(
      { indicatorId: idOf(shared), orgId: 'water', class: 'RED', count: 7, seenAt: env.w.clock().toISOString(), idempotencyKey: null },
      env.w.clock().toISOString(),
    );
    const amberAt = env.w.clock().toISOString();
    await published('s-amber', 'secretariat', 'AMBER', [shared]);

    const seenByRail = (await (await env.get(env.people.railReader, `/indicators/${idOf(shared)}`)).json()) as Item;
    // One secretariat organisation among the sources: its sector is withheld (sharing.minOrgsPerSector 3).
    expect(seenByRail).to.deep.include({ submissions: 1, first_seen: amberAt, last_seen: amberAt, sectors: ['withheld'], sightings: 0, class: 'AMBER' });
    const feed = await pullAll(env.people.railReader, 10);
    expect(feed.items.map((i) => [i.id, i.submissions, i.first_seen, i.sightings])).to.deep.equal([[idOf(shared), 1, amberAt, 0]]);
    expect(JSON.stringify(feed.pages)).not.to.contain('water');

    const seenByAnalyst = (await (await env.get(env.people.analyst, `/indicators/${idOf(shared)}`)).json()) as Item;
    expect(seenByAnalyst).to.deep.include({ submissions: 2, sightings: 7, sectors: ['secretariat', 'water'] });
  });

  it('pages through the log with the since cursor, returning each entry once, and picks up later entries', async function () {
    const expected: string[] = [];
    for (let s = 0; s < 5; s++) {
      const inds = Array.from({ length: 5 }, (_, i) => net(`amber-${s}-${i}.example`));
      await published(`s-amber-${s}`, 'secretariat', 'AMBER', inds);
      expected.push(...inds.map(idOf));
      await published(`s-red-${s}`, 'water', 'RED', [net(`red-${s}.example`)]);
    }
    const { pages, items } = await pullAll(env.people.railReader, 4);
    expect(items.map((i) => i.id)).to.have.members(expected);
    expect(new Set(items.map((i) => i.seq)).size).to.equal(items.length);
    expect(pages.length).to.be.greaterThan(5);
    const seqs = items.map((i) => i.seq);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));

    const cursor = pages[pages.length - 1]!.next_since;
    const later = net('later.example');
    await published('s-later', 'rail', 'AMBER', [later]);
    const next = (await (await env.get(env.people.railReader, `/indicators?since=${cursor}`)).json()) as Page;
    expect(next.items.map((i) => i.id)).to.deep.equal([idOf(later)]);
  });

  it('filters by type, class and publication time', async function () {
    const hash: IndicatorInput = { type: 'file-sha256', value: 'a'.repeat(64), kind: 'file', class: 'GREEN' };
    await published('s-green', 'secretariat', 'GREEN', [hash, net('green.example')]);
    const cut = env.w.clock().toISOString();
    env.w.tick(1);
    await published('s-amber', 'secretariat', 'AMBER', [net('amber.example')]);
    const ids = async (q: string) => ((await (await env.get(env.people.railReader, `/indicators?${q}`)).json()) as Page).items.map((i) => i.value);
    expect(await ids('type=file-sha256')).to.deep.equal(['a'.repeat(64)]);
    expect(await ids('class=amber')).to.deep.equal(['amber.example']);
    expect(await ids('class=GREEN,WHITE&type=domain-name,url')).to.deep.equal(['green.example']);
    expect(await ids(`updated_after=${encodeURIComponent(cut)}`)).to.deep.equal(['amber.example']);
    const bad = await env.get(env.people.railReader, '/indicators?sinse=3');
    expect(bad.status).to.equal(400);
    expect(await problem(bad)).to.deep.include({ code: 'VALIDATION_FAILED' });
    expect((await env.get(env.people.railReader, '/indicators?limit=0')).status).to.equal(400);
    expect((await env.get(env.people.railReader, '/indicators?limit=5001')).status).to.equal(400);
  });

  it('gives an observer YELLOW and wider, an affiliate GREEN and wider', async function () {
    for (const cls of ['AMBER', 'YELLOW', 'GREEN', 'WHITE'] as const) await published(`s-${cls}`, 'secretariat', cls, [net(`${cls.toLowerCase()}.example`)]);
    const classesFor = async (who: Parameters<ApiEnv['get']>[0]) => (await pullAll(who, 100)).items.map((i) => i.class);
    expect(await classesFor(env.people.railReader)).to.deep.equal(['AMBER', 'YELLOW', 'GREEN', 'WHITE']);
    expect(await classesFor(env.people.observerReader)).to.deep.equal(['YELLOW', 'GREEN', 'WHITE']);
    expect(await classesFor(env.people.affiliateReader)).to.deep.equal(['GREEN', 'WHITE']);
  });

  it('answers 406 with a problem body for STIX until the exporter exists, and for media types it does not produce', async function () {
    await published('s1', 'secretariat', 'AMBER', [net('x.example')]);
    for (const res of [
      await env.get(env.people.railReader, '/indicators?format=stix'),
      await env.get(env.people.railReader, '/indicators', { accept: 'application/stix+json;version=2.1' }),
      await env.get(env.people.railReader, `/indicators/${idOf(net('x.example'))}?format=stix`),
      await env.get(env.people.railReader, '/indicators', { accept: 'application/xml' }),
    ]) {
      expect(res.status).to.equal(406);
      expect(await problem(res)).to.deep.include({ status: 406, code: 'NOT_ACCEPTABLE' });
    }
    expect((await env.get(env.people.railReader, '/indicators', { accept: 'application/xml, text/csv;q=0.5' })).headers.get('content-type')).to.match(
      /^text\/csv/,
    );
  });

  it('serves a plugged-in formatter under its format name and media type (the STIX exporter’s seam)', async function () {
    const stix: FeedFormatter = {
      name: 'stix',
      contentType: 'application/stix+json;version=2.1',
      page: async (page, viewer) => JSON.stringify({ ids: page.items.map((i) => i.view.id), for: viewer?.principal.id }),
      one: (view) => JSON.stringify({ id: view.id }),
    };
    const plugged = await openApiEnv({}, [stix]);
    try {
      await plugged.w.addSubmission('s1', plugged.orgs.secretariat, plugged.people.analyst, allClasses('AMBER'), [net('x.example')]);
      await plugged.publish('s1');
      const res = await plugged.get(plugged.people.railReader, '/indicators', { accept: 'application/stix+json' });
      expect(res.headers.get('content-type')).to.match(/^application\/stix\+json/);
      expect(await res.json()).to.deep.equal({ ids: [idOf(net('x.example'))], for: plugged.people.railReader.id });
      expect(await (await plugged.get(plugged.people.railReader, `/indicators/${idOf(net('x.example'))}?format=stix`)).json()).to.deep.equal({
        id: idOf(net('x.example')),
      });
    } finally {
      await plugged.close();
    }
  });

  it('audits every read of RED data, and only those', async function () {
    await published('s-red', 'water', 'RED', [net('red.example')]);
    await published('s-amber', 'secretariat', 'AMBER', [net('amber.example')]);
    const redReads = async () => (await env.w.store.listAudit(0, 1000)).filter((e) => e.action === 'red.read');

    await env.get(env.people.railReader, '/indicators');
    await env.get(env.people.railReader, `/indicators/${idOf(net('amber.example'))}`);
    expect(await redReads()).to.deep.equal([]);

    await env.get(env.people.waterReader, '/indicators');
    await env.get(env.people.analyst, `/indicators/${idOf(net('red.example'))}`);
    const events = await redReads();
    expect(events.map((e) => [e.actor, e.data['surface'], e.data['indicators']])).to.deep.equal([
      [env.people.waterReader.id, 'api.indicators', [idOf(net('red.example'))]],
      [env.people.analyst.id, 'api.indicator', [idOf(net('red.example'))]],
    ]);
  });

  it('tells pullers about a retraction with a new entry marking the indicator a false positive', async function () {
    const bad = net('cdn.example');
    await published('s1', 'secretariat', 'AMBER', [bad, net('keep.example')]);
    const first = await pullAll(env.people.railReader, 100);
    const { retract } = await import('../../sharing/publication.ts');
    await retract({ store: env.w.store, audit: env.w.audit, clock: env.w.clock }, { indicatorId: idOf(bad), submissionId: 's1' }, env.people.analyst.id, 'CDN');
    const since = first.pages[first.pages.length - 1]!.next_since;
    const next = (await (await env.get(env.people.railReader, `/indicators?since=${since}`)).json()) as Page;
    expect(next.items.map((i) => [i.id, i.action, i.false_positive])).to.deep.equal([[idOf(bad), 'retract', true]]);
  });
});
