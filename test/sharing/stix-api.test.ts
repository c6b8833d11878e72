// The REST API's `stix` representation: `format=stix` or `Accept: application/stix+json` answers
// a STIX 2.1 bundle of the page or of one indicator, with the class rules of the JSON format
// (404 for an indicator the reader may not see), accepted by the OASIS validator.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import { indicatorStixId } from '../../sharing/stix/index.ts';
import { openFeedsEnv, type FeedsEnv } from './helpers/feeds-env.ts';
import { generatedValues, kindOf } from './helpers/stix-data.ts';
import { expectValidStix, requirePythonTools } from './helpers/stix-python.ts';

type Bundle = { type: string; id: string; objects: (Record<string, unknown> & { id: string; type: string })[] };

describe('REST API: STIX 2.1 format', function () {
  let env: FeedsEnv;
  beforeEach(async () => (env = await openFeedsEnv()));
  afterEach(() => env.close());

  it('answers a page as a STIX bundle by format=stix and by Accept, with the cursor headers of the JSON format', async function () {
    await env.publish('s1', 'AMBER', [{ type: 'domain-name', value: 'evil.example', kind: 'network' }]);
    const byParam = await env.fetch(env.people.railReader, '/api/v1/indicators?format=stix');
    const byAccept = await env.fetch(env.people.railReader, '/api/v1/indicators', { headers: { accept: 'application/stix+json;version=2.1' } });
    for (const res of [byParam, byAccept]) {
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^application\/stix\+json; ?version=2\.1/);
      expect(res.headers.get('c4tap-next-since')).to.match(/^\d+$/);
      const bundle = (await res.json()) as Bundle;
      expect(bundle.type).to.equal('bundle');
      expect(bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.id)).to.deep.equal([
        indicatorStixId(indicatorId('domain-name', 'evil.example')),
      ]);
    }
  });

  it('revokes, at AMBER, an indicator an AMBER reader pulled once its submission is narrowed to RED', async function () {
    await env.publish('s-narrow', 'AMBER', [{ type: 'domain-name', value: 'narrowed.example', kind: 'network' }]);
    const first = await env.fetch(env.people.railReader, '/api/v1/indicators?format=stix');
    const since = first.headers.get('c4tap-next-since');
    env.w.tick(60);
    await env.narrow('s-narrow', 'RED');
    const bundle = (await (await env.fetch(env.people.railReader, `/api/v1/indicators?format=stix&since=${since}`)).json()) as Bundle;
    const indicators = bundle.objects.filter((o) => o.type === 'indicator');
    expect(indicators).to.have.length(1);
    expect(indicators[0]).to.include({ id: indicatorStixId(indicatorId('domain-name', 'narrowed.example')), revoked: true });
    expect(indicators[0]!.description).to.match(/withdrawn from C4TAP:AMBER/);
  });

  it('answers one indicator as a bundle, and 404 to an AMBER reader asking for a RED one', async function () {
    await env.publish('s-red', 'RED', [{ type: 'url', value: 'https://red.example/', kind: 'network' }]);
    const id = indicatorId('url', 'https://red.example/');
    expect((await env.fetch(env.people.railReader, `/api/v1/indicators/${id}?format=stix`)).status).to.equal(404);
    const own = (await (await env.fetch(env.people.waterSubmitter, `/api/v1/indicators/${id}?format=stix`)).json()) as Bundle;
    expect(own.objects.find((o) => o.type === 'indicator')).to.include({ id: indicatorStixId(id) });
  });

  describe('accepted by the OASIS STIX 2.1 validator (needs .tmp/venv)', function () {
    before(function () {
      requirePythonTools(this);
    });

    it('accepts every page the API produces over generated data, for every kind of reader', async function () {
      this.timeout(120_000);
      const values = generatedValues(2, 7);
      for (const [i, cls] of (['RED', 'AMBER', 'YELLOW', 'GREEN', 'WHITE'] as const).entries()) {
        await env.publish(
          `s-${cls}`,
          cls,
          values.filter((_, n) => n % 5 === i).map((v) => ({ ...v, kind: kindOf(v.type) })),
        );
      }
      const bundles: unknown[] = [];
      for (const who of Object.values(env.people)) {
        for (let since = 0, more = true; more;) {
          const res = await env.fetch(who, `/api/v1/indicators?format=stix&limit=7&since=${since}`);
          bundles.push(await res.json());
          since = Number(res.headers.get('c4tap-next-since'));
          more = res.headers.get('c4tap-more') === 'true';
        }
      }
      expect(bundles.length).to.be.greaterThan(Object.keys(env.people).length);
      await expectValidStix(bundles);
    });
  });
});
