// The public WHITE feed without authentication: only what an anonymous reader may see (figures
// from WHITE sources and sightings only, no sectors), JSON and STIX, paged, cached with an ETag
// that turns repeated polls into 304s and changes as soon as something is published.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import { CLASS_MARKINGS, TLP2_MARKINGS, indicatorStixId } from '../../sharing/stix/index.ts';
import { openFeedsEnv, type FeedsEnv } from './helpers/feeds-env.ts';
import { expectValidStix, requirePythonTools } from './helpers/stix-python.ts';

type Item = Record<string, unknown> & { id: string; value: string };
type Page = { items: Item[]; next_since: number; more: boolean };
const dom = (value: string) => ({ type: 'domain-name' as const, value, kind: 'network' as const });

describe('public WHITE feed', function () {
  let env: FeedsEnv;
  beforeEach(async () => (env = await openFeedsEnv()));
  afterEach(() => env.close());

  const json = async (query = '') => {
    const res = await env.fetch(null, `/public/v1/indicators.json${query}`);
    expect(res.status).to.equal(200);
    return (await res.json()) as Page;
  };

  it('lists without a token only WHITE indicators, every figure from WHITE sources and sightings, no sectors', async function () {
    await env.publish('s-amber', 'AMBER', [dom('both.example'), dom('amber-only.example')]);
    env.w.tick(3600);
    const whiteAt = env.w.clock().toISOString();
    await env.publish('s-white', 'WHITE', [dom('both.example')]);
    const id = indicatorId('domain-name', 'both.example');
    await env.w.store.addSighting({ indicatorId: id, orgId: env.orgs.rail.id, class: 'AMBER', count: 9, seenAt: whiteAt, idempotencyKey: null }, whiteAt);
    await env.w.store.addSighting({ indicatorId: id, orgId: env.orgs.rail.id, class: 'WHITE', count: 2, seenAt: whiteAt, idempotencyKey: null }, whiteAt);
    const page = await json();
    expect(page.items.map((i) => i.value)).to.deep.equal(['both.example']);
    expect(page.items[0]).to.deep.include({ class: 'WHITE', submissions: 1, first_seen: whiteAt, sightings: 2, kinds: ['network'] });
    expect(page.items[0]).to.not.have.property('sectors');
    expect(JSON.stringify(page)).to.not.include('water');
  });

  it('pages with since and limit like the API and refuses unknown parameters with 400', async function () {
    await env.publish(
      's1',
      'WHITE',
      ['a', 'b', 'c', 'd', 'e'].map((x) => dom(`${x}.example`)),
    );
    const first = await json('?limit=2');
    const second = await json(`?limit=2&since=${first.next_since}`);
    const rest = await json(`?since=${second.next_since}`);
    expect(first.more).to.equal(true);
    expect([...first.items, ...second.items, ...rest.items].map((i) => i.value)).to.deep.equal(['a', 'b', 'c', 'd', 'e'].map((x) => `${x}.example`));
    const bad = await env.fetch(null, '/public/v1/indicators.json?sinse=3');
    expect(bad.status).to.equal(400);
    expect(bad.headers.get('content-type')).to.match(/^application\/problem\+json/);
  });

  it('answers a repeated poll with 304 by ETag, and a new publication at once with a new ETag', async function () {
    await env.publish('s1', 'WHITE', [dom('one.example')]);
    const res = await env.fetch(null, '/public/v1/indicators.json');
    const etag = res.headers.get('etag')!;
    expect(res.headers.get('cache-control')).to.equal('public, max-age=30');
    // fetch() adds `Cache-Control: no-cache` to a conditional request unless it has one of its own.
    const poll = { 'if-none-match': etag, 'cache-control': 'max-age=30' };
    const again = await env.fetch(null, '/public/v1/indicators.json', { headers: poll });
    expect(again.status).to.equal(304);
    await env.publish('s2', 'WHITE', [dom('two.example')]);
    const changed = await env.fetch(null, '/public/v1/indicators.json', { headers: poll });
    expect(changed.status).to.equal(200);
    expect(((await changed.json()) as Page).items.map((i) => i.value)).to.deep.equal(['one.example', 'two.example']);
    expect(changed.headers.get('etag')).to.not.equal(etag);
  });

  it('serves the same page as a STIX bundle marked TLP:CLEAR and C4TAP:WHITE, with the same bundle id while nothing changes', async function () {
    await env.publish('s-amber', 'AMBER', [dom('amber-only.example')]);
    await env.publish('s-white', 'WHITE', [dom('white.example')]);
    const res = await env.fetch(null, '/public/v1/indicators.stix');
    expect(res.headers.get('content-type')).to.match(/^application\/stix\+json;version=2\.1/);
    const bundle = (await res.json()) as { id: string; objects: Item[] };
    const indicators = bundle.objects.filter((o) => o['type'] === 'indicator');
    expect(indicators.map((o) => o.id)).to.deep.equal([indicatorStixId(indicatorId('domain-name', 'white.example'))]);
    expect(indicators[0]!['object_marking_refs']).to.deep.equal([TLP2_MARKINGS.WHITE!.id, CLASS_MARKINGS.WHITE.id]);
    const again = (await (await env.fetch(null, '/public/v1/indicators.stix')).json()) as { id: string };
    expect(again.id).to.equal(bundle.id);
  });

  describe('accepted by the OASIS STIX 2.1 validator (needs .tmp/venv)', function () {
    before(function () {
      requirePythonTools(this);
    });

    it('accepts the public STIX bundle', async function () {
      await env.publish('s-white', 'WHITE', [
        dom('white.example'),
        { type: 'email-subject', value: "Invoice 'urgent'", kind: 'mail' },
        { type: 'file-md5', value: 'c'.repeat(32), kind: 'file' },
      ]);
      const at = env.w.clock().toISOString();
      await env.w.store.addSighting(
        { indicatorId: indicatorId('domain-name', 'white.example'), orgId: env.orgs.rail.id, class: 'WHITE', count: 1, seenAt: at, idempotencyKey: null },
        at,
      );
      await expectValidStix([await (await env.fetch(null, '/public/v1/indicators.stix')).json()]);
    });
  });
});
