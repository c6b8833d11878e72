// Pull pages from the views stored at publication (sharing/feed-views.ts, feed-json.ts): every
// reader gets, byte for byte, the page computed for it, and what a change made stale — a
// narrowing to RED, a false positive, a sighting, another sector rule — never reaches it.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type { FeedJsonEntry, IndicatorInput } from '../../core/store/port.ts';
import type { Organisation, Principal, SharingClass } from '../../core/types.ts';
import { feedPageJson } from '../../sharing/api/representation.ts';
import { markFalsePositive } from '../../sharing/false-positives.ts';
import { feedStoreQuery, readFeed } from '../../sharing/feed.ts';
import { readFeedJson } from '../../sharing/feed-json.ts';
import { feedAudienceOf, renderFeedViews, viewsBasis } from '../../sharing/feed-views.ts';
import { publishSubmission } from '../../sharing/publication.ts';
import { DEFAULT_VIEW_RULES, type ViewRules } from '../../sharing/sector-privacy.ts';
import type { Viewer } from '../../sharing/viewer.ts';
import { addCouncilOrgs, allClasses, openWorld, type World } from './helpers/world.ts';

const net = (value: string): IndicatorInput => ({ type: 'domain-name', value, kind: 'network', class: 'AMBER' });
const idOf = (value: string) => indicatorId('domain-name', value);

describe('pull pages from views stored at publication', function () {
  let w: World;
  let orgs: Awaited<ReturnType<typeof addCouncilOrgs>>;
  const people: Record<string, Principal> = {};

  beforeEach(async function () {
    w = await openWorld();
    orgs = await addCouncilOrgs(w);
    people['analyst'] = await w.addPrincipal('analyst', 'secretariat', ['analyst']);
    people['water'] = await w.addPrincipal('water-user', 'water', ['submitter', 'reader']);
    people['rail'] = await w.addPrincipal('rail-user', 'rail', ['submitter', 'reader']);
    people['observer'] = await w.addPrincipal('observer-user', 'observer', ['reader']);
    people['affiliate'] = await w.addPrincipal('affiliate-user', 'affiliate', ['reader']);
  });
  afterEach(() => w.cleanup());

  async function published(id: string, org: Organisation, who: Principal, cls: SharingClass, values: string[]): Promise<void> {
    await w.addSubmission(
      id,
      org,
      who,
      allClasses(cls),
      values.map((v) => ({ ...net(v), class: cls })),
    );
    await publishSubmission({ store: w.store, audit: w.audit, clock: w.clock }, id, people['analyst']!.id);
    w.tick(60);
  }

  /** Every page for this reader as the JSON path answers it, and as readFeed computes it. */
  async function bothWays(viewer: Viewer | null, limit: number, rules: ViewRules = DEFAULT_VIEW_RULES): Promise<{ stored: string[]; computed: string[] }> {
    const stored: string[] = [];
    const computed: string[] = [];
    for (let since = 0, more = true; more;) {
      const page = await readFeedJson(w.store, viewer, { since, limit }, rules);
      const expected = JSON.stringify(feedPageJson(await readFeed(w.store, viewer, { since, limit }, rules)));
      stored.push(page.body.toString('utf8'));
      computed.push(expected);
      ({ next: since, more } = page);
    }
    return { stored, computed };
  }

  /** How the store answers this reader's first page: which entries came as stored text. */
  async function kinds(viewer: Viewer | null, rules: ViewRules = DEFAULT_VIEW_RULES): Promise<Record<string, FeedJsonEntry['kind']>> {
    const basis = viewsBasis(await w.store.listOrganisations(), rules);
    const entries = await w.store.listFeedJson({ ...feedStoreQuery(viewer, { since: 0, limit: 100 }), audience: feedAudienceOf(viewer), viewsKey: basis.key });
    const out: Record<string, FeedJsonEntry['kind']> = {};
    for (const e of entries) {
      if (e.kind === 'stored') for (const id of e.indicatorIds) out[id] = e.kind;
      else if (e.kind === 'compute') out[e.entry.entry.indicatorId] = e.kind;
    }
    return out;
  }

  async function items(viewer: Viewer | null): Promise<Record<string, unknown>[]> {
    return (JSON.parse((await readFeedJson(w.store, viewer, { since: 0, limit: 100 })).body.toString('utf8')) as { items: Record<string, unknown>[] }).items;
  }

  async function council(): Promise<void> {
    await published('s-amber', orgs.water, people['water']!, 'AMBER', ['shared.example', 'amber.example', 'ツール.example']);
    await published('s-red', orgs.water, people['water']!, 'RED', ['shared.example', 'red.example']);
    await published('s-green', orgs.rail, people['rail']!, 'GREEN', ['green.example', 'shared.example']);
    await published('s-white', orgs.rail, people['rail']!, 'WHITE', ['white.example']);
    await w.store.addSighting(
      { indicatorId: idOf('white.example'), orgId: 'observer', class: 'GREEN', count: 4, seenAt: w.clock().toISOString(), idempotencyKey: null },
      w.clock().toISOString(),
    );
    await w.store.addSighting(
      { indicatorId: idOf('red.example'), orgId: 'water', class: 'RED', count: 2, seenAt: w.clock().toISOString(), idempotencyKey: null },
      w.clock().toISOString(),
    );
  }

  it('gives every reader, page by page, byte for byte the page computed for it', async function () {
    await council();
    for (const who of [people['analyst'], people['water'], people['rail'], people['observer'], people['affiliate'], null]) {
      const viewer = who ? await w.viewer(who.id) : null;
      for (const limit of [1, 2, 3, 100]) {
        const { stored, computed } = await bothWays(viewer, limit);
        expect(stored, `${who?.id ?? 'anonymous'}, pages of ${limit}`).to.deep.equal(computed);
      }
    }
  });

  it('reads the stored text for a reader whose organisation is not a source, and computes for one whose is', async function () {
    await published('s-amber', orgs.water, people['water']!, 'AMBER', ['amber.example']);
    await published('s-green', orgs.rail, people['rail']!, 'GREEN', ['green.example']);
    expect(await kinds(await w.viewer(people['observer']!.id))).to.deep.equal({ [idOf('green.example')]: 'stored' });
    expect(await kinds(await w.viewer(people['rail']!.id))).to.deep.equal({ [idOf('amber.example')]: 'stored', [idOf('green.example')]: 'compute' });
    expect(await kinds(await w.viewer(people['analyst']!.id))).to.deep.equal({ [idOf('amber.example')]: 'stored', [idOf('green.example')]: 'stored' });
  });

  it("names, for the audit, the stored items of an analyst's page built from a RED source, and only those", async function () {
    await published('s-amber', orgs.water, people['water']!, 'AMBER', ['amber.example', 'amber2.example']);
    await published('s-red', orgs.water, people['water']!, 'RED', ['red.example']);
    await published('s-green', orgs.rail, people['rail']!, 'GREEN', ['green.example']);
    const analyst = await w.viewer(people['analyst']!.id);
    expect(Object.values(await kinds(analyst))).to.deep.equal(['stored', 'stored', 'stored', 'stored']);
    expect((await readFeedJson(w.store, analyst, { since: 0, limit: 100 })).red).to.deep.equal([idOf('red.example')]);
    expect((await readFeedJson(w.store, await w.viewer(people['observer']!.id), { since: 0, limit: 100 })).red).to.deep.equal([]);
  });

  it('audits no RED read for a reader whose stored item shows only the GREEN source of an indicator that also has a RED one', async function () {
    await published('s-red', orgs.water, people['water']!, 'RED', ['both.example']);
    await published('s-green', orgs.rail, people['rail']!, 'GREEN', ['both.example']);
    const analyst = await w.viewer(people['analyst']!.id);
    expect((await readFeedJson(w.store, analyst, { since: 0, limit: 100 })).red).to.deep.equal([idOf('both.example')]);
    for (const who of ['observer', 'affiliate'] as const) {
      const viewer = await w.viewer(people[who]!.id);
      expect(await kinds(viewer), who).to.deep.equal({ [idOf('both.example')]: 'stored' });
      expect((await readFeedJson(w.store, viewer, { since: 0, limit: 100 })).red, who).to.deep.equal([]);
    }
  });

  it('never shows a participant the RED source of another organisation from a stored view: not its count, sightings nor the RED class', async function () {
    await council();
    const shared = (await items(await w.viewer(people['rail']!.id))).find((i) => i['id'] === idOf('shared.example'))!;
    expect(shared).to.deep.include({ class: 'GREEN', submissions: 2, sightings: 0 });
    const rail = await items(await w.viewer(people['rail']!.id));
    expect(rail.map((i) => i['value'])).to.not.include('red.example');
    const staff = (await items(await w.viewer(people['analyst']!.id))).find((i) => i['id'] === idOf('shared.example'))!;
    expect(staff).to.deep.include({ class: 'GREEN', submissions: 3 });
  });

  it('never serves an AMBER reader the views stored before a narrowing to RED, even when they are written back late', async function () {
    await published('s-n', orgs.water, people['water']!, 'AMBER', ['narrowed.example']);
    const rail = await w.viewer(people['rail']!.id);
    expect(await items(rail)).to.have.length(1);
    const [before] = await w.store.getFeedBases([idOf('narrowed.example')]);
    const oldViews = renderFeedViews(before!, viewsBasis(await w.store.listOrganisations(), DEFAULT_VIEW_RULES));
    expect(oldViews.views.participant).to.include('"class":"AMBER"');

    await w.store.updateSubmission('s-n', { classes: allClasses('RED') }, w.clock().toISOString());
    await publishSubmission({ store: w.store, audit: w.audit, clock: w.clock }, 's-n', people['analyst']!.id);
    // A page computed before the narrowing stores its views after it: refused, the indicator moved on.
    expect(await w.store.putFeedViews([oldViews])).to.equal(0);

    const after = await items(rail);
    expect(after).to.have.length(1);
    expect(after[0]).to.deep.include({ action: 'retract', class: 'AMBER', submissions: 0, sectors: [], sightings: 0, false_positive: true });
    const { stored, computed } = await bothWays(rail, 100);
    expect(stored).to.deep.equal(computed);
  });

  it('shows a false positive mark and a new sighting on the next page (the stored views went stale in the same write)', async function () {
    await published('s-amber', orgs.water, people['water']!, 'AMBER', ['amber.example']);
    const rail = await w.viewer(people['rail']!.id);
    expect((await items(rail))[0]).to.deep.include({ sightings: 0, false_positive: false });
    await w.store.addSighting(
      { indicatorId: idOf('amber.example'), orgId: 'water', class: 'AMBER', count: 5, seenAt: w.clock().toISOString(), idempotencyKey: null },
      w.clock().toISOString(),
    );
    expect((await items(rail))[0]).to.deep.include({ sightings: 5, false_positive: false });
    await markFalsePositive({ store: w.store, audit: w.audit, clock: w.clock }, idOf('amber.example'), people['analyst']!.id, 'sinkhole');
    const after = await items(rail);
    expect(after[after.length - 1]).to.deep.include({ id: idOf('amber.example'), false_positive: true });
    const { stored, computed } = await bothWays(rail, 100);
    expect(stored).to.deep.equal(computed);
  });

  it('does not serve views stored under another sector rule or after an organisation changed sector', async function () {
    for (const n of [1, 2]) {
      const o = await w.addOrg(`elec${n}`, 'participant', { sector: 'electricity' });
      const p = await w.addPrincipal(`elec${n}-user`, o.id, ['submitter']);
      await published(`s-elec${n}`, o, p, 'AMBER', ['grid.example']);
    }
    const rail = await w.viewer(people['rail']!.id);
    expect((await items(rail))[0]).to.deep.include({ sectors: ['withheld'] });
    const loose = { minOrgsPerSector: 2 };
    expect(Object.values(await kinds(rail, loose))).to.deep.equal(['compute']);
    const { stored, computed } = await bothWays(rail, 100, loose);
    expect(stored).to.deep.equal(computed);
    expect(JSON.parse(stored[0]!).items[0].sectors).to.deep.equal(['electricity']);

    await w.store.updateOrganisation('elec2', { sector: 'gas' });
    expect((await items(rail))[0]).to.deep.include({ sectors: ['withheld'] });
    expect(Object.values(await kinds(rail))).to.deep.equal(['compute']);
  });
});
