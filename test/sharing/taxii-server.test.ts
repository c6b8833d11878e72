// The TAXII 2.1 server over HTTP: media types and headers, 401/403/404/406 as the spec says,
// paging by publication seq, the match filters, manifest, versions, objects by id (also after a
// restart, when nothing is cached), marked per collection class, audited RED reads, and objects
// the OASIS validator accepts.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type { Principal, SharingClass } from '../../core/types.ts';
import { CLASS_MARKINGS, TLP2_MARKINGS, exchangeIdentity, indicatorStixId, scoId, sightingStixId } from '../../sharing/stix/index.ts';
import { collectionId } from '../../sharing/taxii/index.ts';
import { EXCHANGE, openFeedsEnv, type FeedsEnv } from './helpers/feeds-env.ts';
import { expectValidStix, requirePythonTools } from './helpers/stix-python.ts';

const TAXII = 'application/taxii+json;version=2.1';
type Obj = Record<string, unknown> & { id: string; type: string };
type Envelope = { more: boolean; next?: string; objects?: Obj[] };

const coll = (cls: SharingClass) => `/taxii2/c4tap/collections/${collectionId(cls)}/`;
const dom = (value: string) => ({ type: 'domain-name' as const, value, kind: 'network' as const });
const indId = (value: string) => indicatorStixId(indicatorId('domain-name', value));

describe('TAXII 2.1 server', function () {
  let env: FeedsEnv;
  beforeEach(async () => (env = await openFeedsEnv({ pageSize: { defaultPageSize: 40, maxPageSize: 50 } })));
  afterEach(() => env.close());

  const get = (p: Principal | null, path: string, headers: Record<string, string> = { accept: TAXII }) => env.fetch(p, path, { headers });
  async function taxii<T>(res: Response, status = 200): Promise<T> {
    expect(res.status, await res.clone().text()).to.equal(status);
    expect(res.headers.get('content-type')).to.equal(TAXII);
    return (await res.json()) as T;
  }

  it('refuses a request without a valid token with 401, a bearer challenge and a TAXII error message', async function () {
    const attempts: Record<string, string>[] = [{ accept: TAXII }, { accept: TAXII, authorization: 'Bearer not.a.jwt' }];
    for (const headers of attempts) {
      const res = await env.fetch(null, '/taxii2/', { headers });
      const body = await taxii<Record<string, string>>(res, 401);
      expect(body).to.include({ http_status: '401', error_code: 'UNAUTHENTICATED' });
      expect(body.title).to.be.a('string');
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer /);
    }
  });

  it('accepts HTTP Basic with the API token as password (any user name), as TAXII clients are configured', async function () {
    const token = await env.token(env.people.observerReader);
    for (const user of ['obs-reader', 'opencti']) {
      const res = await env.fetch(null, '/taxii2/c4tap/collections/', {
        headers: { accept: TAXII, authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` },
      });
      const body = await taxii<{ collections: { title: string }[] }>(res);
      expect(body.collections.map((c) => c.title)).to.deep.equal(['C4TAP YELLOW', 'C4TAP GREEN', 'C4TAP WHITE']);
    }
    const wrong = await env.fetch(null, '/taxii2/', {
      headers: { accept: TAXII, authorization: `Basic ${Buffer.from('obs-reader:secret').toString('base64')}` },
    });
    await taxii(wrong, 401);
    expect(wrong.headers.get('www-authenticate')).to.match(/Basic realm="c4tap"/);
  });

  it('answers 406 to a client that accepts neither TAXII 2.1 nor any media type', async function () {
    await taxii(await get(env.people.railReader, '/taxii2/', { accept: 'application/json' }), 406);
    await taxii(await get(env.people.railReader, '/taxii2/', { accept: 'application/taxii+json;version=2.0' }), 406);
    await taxii(await get(env.people.railReader, '/taxii2/', { accept: '*/*' }), 200);
  });

  it('hides a collection the caller may not read behind 404 and refuses writes to a readable one with 403', async function () {
    await taxii(await get(env.people.affiliateReader, coll('AMBER')), 404);
    await taxii(await get(env.people.affiliateReader, `${coll('AMBER')}objects/`), 404);
    await taxii(await get(env.people.railReader, coll('RED')), 404);
    await taxii(await get(env.people.railReader, '/taxii2/c4tap/collections/00000000-0000-4000-8000-000000000000/'), 404);
    const post = (p: Principal, cls: SharingClass) =>
      env.fetch(p, `${coll(cls)}objects/`, {
        method: 'POST',
        headers: { accept: TAXII, 'content-type': 'application/taxii+json;version=2.1' },
        body: '{"objects":[]}',
      });
    await taxii(await post(env.people.railReader, 'AMBER'), 403);
    await taxii(await post(env.people.affiliateReader, 'AMBER'), 404);
    expect(await taxii(await get(env.people.affiliateReader, coll('GREEN')))).to.include({ id: collectionId('GREEN'), can_read: true, can_write: false });
  });

  it('pages by publication seq within the server maximum, with the date-added headers of each page', async function () {
    const values = Array.from({ length: 60 }, (_, i) => `p${i}.evil.example`);
    await env.publish('s1', 'AMBER', values.slice(0, 30).map(dom));
    env.w.tick(60);
    await env.publish('s2', 'AMBER', values.slice(30).map(dom));
    const seen: string[] = [];
    let next = '';
    let pages = 0;
    for (;;) {
      const res = await get(env.people.railReader, `${coll('AMBER')}objects/?limit=500${next ? `&next=${next}` : ''}`);
      const page = await taxii<Envelope>(res);
      pages++;
      expect(page.objects!.length).to.be.at.most(50);
      const first = res.headers.get('x-taxii-date-added-first')!;
      const last = res.headers.get('x-taxii-date-added-last')!;
      expect(Date.parse(first)).to.be.at.most(Date.parse(last));
      seen.push(...page.objects!.map((o) => o.id));
      if (!page.more) break;
      expect(page.next).to.be.a('string').and.not.equal(next);
      next = page.next!;
    }
    expect(pages).to.be.at.least(3);
    expect(new Set(seen).size).to.equal(seen.length);
    expect(seen.filter((id) => id.startsWith('indicator--'))).to.have.members(values.map(indId));
  });

  it('reaches the end with a limit smaller than the identity and markings that open the collection', async function () {
    await env.publish(
      's1',
      'GREEN',
      ['a', 'b', 'c'].map((x) => dom(`${x}.example`)),
    );
    const seen: string[] = [];
    let query = '?limit=3';
    for (let guard = 0; guard < 20; guard++) {
      const page = await taxii<Envelope>(await get(env.people.railReader, `${coll('GREEN')}objects/${query}`));
      seen.push(...(page.objects ?? []).map((o) => o.id));
      if (!page.more) break;
      query = `?limit=3&next=${page.next}`;
    }
    expect(seen.filter((id) => id.startsWith('indicator--'))).to.have.members(['a', 'b', 'c'].map((x) => indId(`${x}.example`)));
    expect(new Set(seen).size).to.equal(seen.length);
  });

  it('filters by added_after, match[type] and match[id], and lists a manifest with versions', async function () {
    await env.publish('s1', 'GREEN', [dom('early.example')]);
    env.w.tick(60);
    const between = env.w.clock().toISOString();
    env.w.tick(60);
    await env.publish('s2', 'GREEN', [dom('late.example')]);
    const after = await taxii<Envelope>(await get(env.people.railReader, `${coll('GREEN')}objects/?added_after=${between}`));
    expect(after.objects!.map((o) => o.id)).to.have.members([indId('late.example'), scoId('domain-name', { value: 'late.example' })]);
    const indicators = await taxii<Envelope>(await get(env.people.railReader, `${coll('GREEN')}objects/?match[type]=indicator`));
    expect(indicators.objects!.map((o) => o.id)).to.have.members([indId('early.example'), indId('late.example')]);
    const twoTypes = await taxii<Envelope>(await get(env.people.railReader, `${coll('GREEN')}objects/?match[type]=identity,marking-definition`));
    expect(twoTypes.objects!.map((o) => o.type))
      .to.include.members(['identity', 'marking-definition'])
      .and.not.include('indicator');
    const byId = await taxii<Envelope>(await get(env.people.railReader, `${coll('GREEN')}objects/?match[id]=${indId('early.example')}`));
    expect(byId.objects!.map((o) => o.id)).to.deep.equal([indId('early.example')]);

    const manifest = await taxii<{ objects: { id: string; date_added: string; version: string; media_type: string }[] }>(
      await get(env.people.railReader, `${coll('GREEN')}manifest/?match[type]=indicator`),
    );
    const late = manifest.objects.find((m) => m.id === indId('late.example'))!;
    expect(late).to.include({ media_type: 'application/stix+json;version=2.1' });
    // The publication instant to the millisecond, then the log position that makes it unique.
    expect(late.date_added.startsWith(env.w.clock().toISOString().slice(0, 23))).to.equal(true, late.date_added);
    const versions = await taxii<{ versions: string[] }>(await get(env.people.railReader, `${coll('GREEN')}objects/${indId('late.example')}/versions/`));
    expect(versions.versions).to.deep.equal([late.version]);
  });

  it('finds an object by id in a fresh server with nothing cached, and 404 for one of another class or unknown', async function () {
    await env.publish('s1', 'YELLOW', [dom('yellow.example')]);
    await env.publish('s2', 'GREEN', [dom('green.example')]);
    const one = await taxii<Envelope>(await get(env.people.observerReader, `${coll('YELLOW')}objects/${indId('yellow.example')}/`));
    expect(one.objects!.map((o) => o.id)).to.deep.equal([indId('yellow.example')]);
    expect(one.objects![0]!.object_marking_refs).to.deep.equal([CLASS_MARKINGS.YELLOW.id]);
    const sco = await taxii<Envelope>(await get(env.people.observerReader, `${coll('YELLOW')}objects/${scoId('domain-name', { value: 'yellow.example' })}/`));
    expect(sco.objects![0]).to.include({ type: 'domain-name', value: 'yellow.example' });
    const identity = await taxii<Envelope>(await get(env.people.observerReader, `${coll('YELLOW')}objects/${exchangeIdentity(EXCHANGE).id}/`));
    expect(identity.objects![0]).to.include({ type: 'identity', name: EXCHANGE.name });
    await taxii(await get(env.people.observerReader, `${coll('YELLOW')}objects/${indId('green.example')}/`), 404);
    await taxii(await get(env.people.observerReader, `${coll('YELLOW')}objects/indicator--00000000-0000-5000-8000-000000000000/`), 404);
  });

  it('marks the objects of each collection with its class and dates them from the sources of that class', async function () {
    await env.publish('s-amber', 'AMBER', [dom('both.example')]);
    env.w.tick(3600);
    await env.publish('s-green', 'GREEN', [dom('both.example')]);
    const at = env.w.clock().toISOString();
    await env.w.store.addSighting(
      { indicatorId: indicatorId('domain-name', 'both.example'), orgId: env.orgs.rail.id, class: 'AMBER', count: 5, seenAt: at, idempotencyKey: null },
      at,
    );
    const objects = async (cls: SharingClass) =>
      (
        await taxii<Envelope>(
          await get(
            env.people.railReader,
            `${coll(cls)}objects/?match[id]=${indId('both.example')},${sightingStixId(indicatorId('domain-name', 'both.example'), cls)}`,
          ),
        )
      ).objects ?? [];
    const [amber, green] = [await objects('AMBER'), await objects('GREEN')];
    const ind = (list: Obj[]) => list.find((o) => o.type === 'indicator')!;
    expect(ind(amber).object_marking_refs).to.deep.equal([TLP2_MARKINGS.AMBER!.id, CLASS_MARKINGS.AMBER.id]);
    expect(ind(green).object_marking_refs).to.deep.equal([TLP2_MARKINGS.GREEN!.id, CLASS_MARKINGS.GREEN.id]);
    expect(Date.parse(ind(green).valid_from as string) - Date.parse(ind(amber).valid_from as string)).to.equal(3600_000);
    expect(amber.find((o) => o.type === 'sighting')).to.include({ count: 5 });
    expect(green.find((o) => o.type === 'sighting')).to.equal(undefined);
  });

  it('hands a reader of the AMBER collection a revoked indicator, and nothing from the RED source, once the submission is narrowed to RED', async function () {
    await env.publish('s-narrow', 'AMBER', [dom('narrowed.example')]);
    env.w.tick(60);
    const first = await taxii<Envelope>(await get(env.people.railReader, `${coll('AMBER')}objects/`));
    const before = first.objects!.find((o) => o.id === indId('narrowed.example'))!;
    expect(before.revoked).to.equal(undefined);
    await env.narrow('s-narrow', 'RED');
    const page = await taxii<Envelope>(await get(env.people.railReader, `${coll('AMBER')}objects/?next=${first.next ?? ''}&match[type]=indicator`));
    const after = page.objects!.filter((o) => o.id === indId('narrowed.example'));
    expect(after).to.have.length(1);
    expect(after[0]).to.include({ revoked: true, created: after[0]!.valid_from });
    expect(after[0]!.object_marking_refs).to.deep.equal([TLP2_MARKINGS.AMBER!.id, CLASS_MARKINGS.AMBER.id]);
    expect(Date.parse(after[0]!.modified as string)).to.be.greaterThan(Date.parse(before.modified as string));
    expect(JSON.stringify(after[0])).to.not.match(/submission/);
    // The RED collection's reader of the submitting organisation still has the live indicator.
    const owner = await taxii<Envelope>(await get(env.people.secretariat, `${coll('RED')}objects/?match[type]=indicator`));
    expect(owner.objects!.find((o) => o.id === indId('narrowed.example'))).to.not.have.property('revoked');
  });

  it('gives an indicator a newer version in a collection when one of its sources leaves that class, once in a walk', async function () {
    await env.publish('s-a', 'AMBER', [dom('shared.example')]);
    await env.publish('s-b', 'AMBER', [dom('shared.example')]);
    const read = async () =>
      (await taxii<Envelope>(await get(env.people.railReader, `${coll('AMBER')}objects/?match[id]=${indId('shared.example')}`))).objects!;
    const before = await read();
    expect(before).to.have.length(1);
    env.w.tick(600);
    await env.narrow('s-b', 'RED');
    const after = await read();
    expect(after).to.have.length(1);
    expect(after[0]).to.not.have.property('revoked');
    expect(Date.parse(after[0]!.modified as string)).to.equal(env.w.clock().getTime());
    expect(Date.parse(after[0]!.modified as string)).to.be.greaterThan(Date.parse(before[0]!.modified as string));
    expect(after[0]!.description).to.match(/found in 1 targeted-attack mail submission /);
  });

  it('audits every read of the RED collection', async function () {
    await env.publish('s1', 'RED', [dom('red.example')]);
    const before = (await env.w.store.listAudit(0, 10_000)).filter((e) => e.action === 'red.read').length;
    const page = await taxii<Envelope>(await get(env.people.secretariat, `${coll('RED')}objects/`));
    expect(page.objects!.map((o) => o.id)).to.include(indId('red.example'));
    const reads = (await env.w.store.listAudit(0, 10_000)).filter((e) => e.action === 'red.read');
    expect(reads).to.have.length(before + 1);
    expect(reads[reads.length - 1]).to.deep.include({
      actor: env.people.secretariat.id,
      data: { surface: 'taxii', indicators: [indicatorId('domain-name', 'red.example')] },
    });
  });

  describe('objects accepted by the OASIS STIX 2.1 validator (needs .tmp/venv)', function () {
    before(function () {
      requirePythonTools(this);
    });

    it('accepts every page of every collection, as bundles', async function () {
      const classes = ['RED', 'AMBER', 'YELLOW', 'GREEN', 'WHITE'] as const;
      for (const cls of classes)
        await env.publish(`s-${cls}`, cls, [dom(`${cls.toLowerCase()}.example`), { type: 'file-sha256', value: 'a'.repeat(64), kind: 'file' }]);
      await env.publish('s-narrowed', 'AMBER', [dom('narrowed.example')]);
      env.w.tick(60);
      await env.narrow('s-narrowed', 'RED');
      const at = env.w.clock().toISOString();
      await env.w.store.addSighting(
        { indicatorId: indicatorId('file-sha256', 'a'.repeat(64)), orgId: env.orgs.rail.id, class: 'GREEN', count: 2, seenAt: at, idempotencyKey: null },
        at,
      );
      const bundles = [];
      for (const cls of classes) {
        const page = await taxii<Envelope>(await get(env.people.secretariat, `${coll(cls)}objects/`));
        bundles.push({ type: 'bundle', id: 'bundle--2f2a1d4e-4c1b-4f7a-9d1e-0b5c3a6e7f80', objects: page.objects });
      }
      // A reader outside the submitting organisation gets the narrowed indicator as revoked.
      const revoked = await taxii<Envelope>(await get(env.people.railReader, `${coll('AMBER')}objects/`));
      expect(revoked.objects!.filter((o) => o.revoked === true)).to.have.length(1);
      bundles.push({ type: 'bundle', id: 'bundle--2f2a1d4e-4c1b-4f7a-9d1e-0b5c3a6e7f81', objects: revoked.objects });
      await expectValidStix(bundles);
    });
  });
});
