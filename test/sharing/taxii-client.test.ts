// The OASIS TAXII 2.1 client (taxii2-client, from .tmp/venv) against our server over HTTP: it
// discovers the server, lists the collections its token may read, and pages through a
// 5,000-indicator collection published at one instant without missing or repeating an object.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type { Principal } from '../../core/types.ts';
import { indicatorStixId, scoId, staticObjects } from '../../sharing/stix/index.ts';
import { collectionId } from '../../sharing/taxii/index.ts';
import { EXCHANGE, openFeedsEnv, type FeedsEnv } from './helpers/feeds-env.ts';
import { ROOT, requirePythonTools, runPython } from './helpers/stix-python.ts';

interface ClientReport {
  title: string;
  api_roots: string[];
  root_versions: string[];
  collections: { id: string; title: string; can_read: boolean; can_write: boolean }[];
  pages?: number;
  ids?: string[];
}

describe('TAXII 2.1 with the OASIS taxii2-client (needs .tmp/venv)', function () {
  this.timeout(180_000);
  let env: FeedsEnv;

  before(async function () {
    requirePythonTools(this);
    env = await openFeedsEnv();
  });
  after(() => env?.close());

  async function client(p: Principal, ...args: string[]): Promise<ClientReport> {
    const out = await runPython([`${ROOT}/test/sharing/helpers/taxii_client.py`, `${env.origin}/taxii2/`, ...args], {
      env: { C4TAP_TOKEN: await env.token(p) },
    });
    return JSON.parse(out) as ClientReport;
  }

  it('discovers the server and lists exactly the collections each token may read, read-only', async function () {
    const titles = async (p: Principal) => (await client(p)).collections.map((c) => c.title);
    const secretariat = await client(env.people.secretariat);
    expect(secretariat.title).to.equal(`${EXCHANGE.name} TAXII 2.1`);
    expect(secretariat.api_roots).to.deep.equal([`${env.origin}/taxii2/c4tap/`]);
    expect(secretariat.root_versions).to.deep.equal(['application/taxii+json;version=2.1']);
    expect(secretariat.collections.map((c) => c.title)).to.deep.equal(['C4TAP RED', 'C4TAP AMBER', 'C4TAP YELLOW', 'C4TAP GREEN', 'C4TAP WHITE']);
    expect(secretariat.collections.every((c) => c.can_read && !c.can_write)).to.equal(true);
    expect(secretariat.collections[1]!.id).to.equal(collectionId('AMBER'));
    expect(await titles(env.people.railReader)).to.deep.equal(['C4TAP AMBER', 'C4TAP YELLOW', 'C4TAP GREEN', 'C4TAP WHITE']);
    expect(await titles(env.people.observerReader)).to.deep.equal(['C4TAP YELLOW', 'C4TAP GREEN', 'C4TAP WHITE']);
    expect(await titles(env.people.affiliateReader)).to.deep.equal(['C4TAP GREEN', 'C4TAP WHITE']);
  });

  it('pages through all objects of a 5,000-indicator collection published at one instant, none missed or repeated', async function () {
    const values = Array.from({ length: 5000 }, (_, i) => `host-${String(i).padStart(4, '0')}.evil.example`);
    // Five submissions of 1,000, all published at the same clock time: equal added dates everywhere.
    for (let s = 0; s < 5; s++) {
      await env.publish(
        `bulk-${s}`,
        'AMBER',
        values.slice(s * 1000, (s + 1) * 1000).map((value) => ({ type: 'domain-name' as const, value, kind: 'network' as const })),
      );
    }
    await env.publish('other-class', 'GREEN', [{ type: 'domain-name', value: 'green-only.example', kind: 'network' }]);

    const report = await client(env.people.railReader, 'C4TAP AMBER', '700');
    const expected = [
      ...staticObjects(EXCHANGE).map((o) => o.id),
      ...values.flatMap((value) => [indicatorStixId(indicatorId('domain-name', value)), scoId('domain-name', { value })]),
    ];
    expect(report.ids).to.have.length(expected.length);
    expect(new Set(report.ids).size).to.equal(report.ids!.length);
    expect([...report.ids!].sort()).to.deep.equal([...expected].sort());
    expect(report.pages).to.be.at.least(Math.ceil(expected.length / 700));
    expect(report.ids).to.not.include(indicatorStixId(indicatorId('domain-name', 'green-only.example')));
  });
});
