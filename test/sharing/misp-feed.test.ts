// The MISP feed over HTTP: manifest.json, hashes.csv and one event per submission, holding only
// what the caller may see, created by the exchange, with distribution and tags from the class;
// retractions soft-delete; PyMISP (from .tmp/venv) loads it as a MISP instance would.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type { Principal } from '../../core/types.ts';
import { publishSubmission, retract } from '../../sharing/publication.ts';
import { eventUuid, type MispEvent } from '../../sharing/misp/index.ts';
import { EXCHANGE, openFeedsEnv, type FeedsEnv } from './helpers/feeds-env.ts';
import { generatedValues, kindOf } from './helpers/stix-data.ts';
import { ROOT, requirePythonTools, runPython } from './helpers/stix-python.ts';

type Manifest = Record<string, { info: string; date: string; timestamp: string; Orgc: { name: string }; Tag: { name: string }[] }>;

describe('MISP feed', function () {
  let env: FeedsEnv;
  beforeEach(async () => (env = await openFeedsEnv()));
  afterEach(() => env.close());

  const get = (p: Principal | null, file: string) => env.fetch(p, `/api/v1/misp/${file}`);
  const manifest = async (p: Principal) => (await (await get(p, 'manifest.json')).json()) as Manifest;
  const event = async (p: Principal, submissionId: string) => {
    const res = await get(p, `${eventUuid(submissionId)}.json`);
    expect(res.status).to.equal(200);
    return ((await res.json()) as { Event: MispEvent }).Event;
  };
  const deps = () => ({ store: env.w.store, audit: env.w.audit, clock: env.w.clock });

  /** A submission of `water` with per-kind classes: mail and network GREEN, file AMBER. */
  async function mixed(id: string): Promise<void> {
    await env.w.addSubmission(id, env.orgs.water, env.people.waterSubmitter, { sample: 'RED', mail: 'GREEN', network: 'GREEN', file: 'AMBER' }, [
      { type: 'domain-name', value: 'evil.example', kind: 'network', class: 'GREEN' },
      { type: 'ipv4-addr', value: '203.0.113.9', kind: 'mail', class: 'GREEN' },
      { type: 'file-sha256', value: 'b'.repeat(64), kind: 'file', class: 'AMBER' },
    ]);
    await publishSubmission(deps(), id, env.people.secretariat.id);
  }

  it('holds one event per submission the caller may see, each attribute only where its class allows', async function () {
    await mixed('s-mixed');
    await env.publish('s-red', 'RED', [{ type: 'url', value: 'https://red.example/x', kind: 'network' }]);
    expect(Object.keys(await manifest(env.people.railReader))).to.deep.equal([eventUuid('s-mixed')]);
    expect(Object.keys(await manifest(env.people.waterSubmitter))).to.have.members([eventUuid('s-mixed'), eventUuid('s-red')]);
    const forRail = await event(env.people.railReader, 's-mixed');
    const forAffiliate = await event(env.people.affiliateReader, 's-mixed');
    expect(forRail.Attribute.map((a) => a.type)).to.have.members(['domain', 'ip-src', 'sha256']);
    expect(forAffiliate.Attribute.map((a) => a.value)).to.have.members(['evil.example', '203.0.113.9']);
    expect((await get(env.people.railReader, `${eventUuid('s-red')}.json`)).status).to.equal(404);
    expect((await get(env.people.railReader, '00000000-0000-4000-8000-000000000000.json')).status).to.equal(404);
  });

  it('maps classes to distribution and tags: the event at its widest class, each attribute at its own', async function () {
    await mixed('s-mixed');
    await env.publish('s-yellow', 'YELLOW', [{ type: 'domain-name', value: 'yellow.example', kind: 'network' }]);
    await env.publish('s-white', 'WHITE', [{ type: 'domain-name', value: 'white.example', kind: 'network' }]);
    const e = await event(env.people.railReader, 's-mixed');
    expect(e).to.include({ distribution: 1 });
    expect(e.Tag.map((t) => t.name)).to.deep.equal(['tlp:green', 'c4tap:class="GREEN"']);
    const sha = e.Attribute.find((a) => a.type === 'sha256')!;
    expect(sha).to.include({ distribution: 0, to_ids: true, category: 'Payload delivery' });
    expect(sha.Tag.map((t) => t.name)).to.deep.equal(['tlp:amber', 'c4tap:class="AMBER"']);
    const yellow = await event(env.people.observerReader, 's-yellow');
    expect(yellow).to.include({ distribution: 0 });
    expect(yellow.Tag.map((t) => t.name)).to.deep.equal(['c4tap:class="YELLOW"']);
    const white = await event(env.people.affiliateReader, 's-white');
    expect(white).to.include({ distribution: 3 });
    expect(white.Tag.map((t) => t.name)).to.deep.equal(['tlp:clear', 'c4tap:class="WHITE"']);
  });

  it('names the exchange as creator and nothing of the submitter, and lists every attribute hash', async function () {
    await mixed('s-mixed');
    const m = await manifest(env.people.railReader);
    const e = await event(env.people.railReader, 's-mixed');
    expect(m[e.uuid]).to.deep.include({ info: e.info, date: e.date, timestamp: e.timestamp, Orgc: e.Orgc });
    expect(e.Orgc.name).to.equal(EXCHANGE.name);
    const everything = JSON.stringify(m) + JSON.stringify(e);
    for (const secret of ['water', 'Org water', env.people.waterSubmitter.id, env.people.waterSubmitter.email, 's-mixed']) {
      expect(everything, secret).to.not.include(secret);
    }
    const csv = await (await get(env.people.railReader, 'hashes.csv')).text();
    const md5 = (v: string) => createHash('md5').update(v).digest('hex');
    expect(csv.trim().split('\n').sort()).to.deep.equal(e.Attribute.map((a) => `${md5(a.value)},${e.uuid}`).sort());
  });

  it('soft-deletes a retracted attribute and moves the event timestamp on, at once despite the cache', async function () {
    await env.publish('s1', 'AMBER', [{ type: 'domain-name', value: 'cdn.example', kind: 'network' }, { type: 'url', value: 'https://cdn.example/p', kind: 'network' }]);
    const before = await event(env.people.railReader, 's1');
    env.w.tick(120);
    await retract(deps(), { indicatorId: indicatorId('domain-name', 'cdn.example'), submissionId: 's1' }, env.people.secretariat.id, 'shared CDN');
    const after = await event(env.people.railReader, 's1');
    expect(after.Attribute.find((a) => a.value === 'cdn.example')).to.include({ deleted: true, to_ids: false });
    expect(after.Attribute.find((a) => a.value === 'https://cdn.example/p')).to.include({ deleted: false, to_ids: true });
    expect(Number(after.timestamp)).to.equal(Number(before.timestamp) + 120);
  });

  it('needs a bearer token (401 problem details) and audits a read of RED data', async function () {
    const res = await get(null, 'manifest.json');
    expect(res.status).to.equal(401);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    await env.publish('s-red', 'RED', [{ type: 'url', value: 'https://red.example/x', kind: 'network' }]);
    await event(env.people.waterSubmitter, 's-red');
    const reads = (await env.w.store.listAudit(0, 10_000)).filter((e) => e.action === 'red.read');
    expect(reads[reads.length - 1]).to.deep.include({ actor: env.people.waterSubmitter.id, data: { surface: 'misp.event', indicators: [indicatorId('url', 'https://red.example/x')] } });
  });

  describe('loaded by PyMISP (needs .tmp/venv)', function () {
    before(function () {
      requirePythonTools(this);
    });

    it('loads every event of a feed of generated indicators of every type with strict validation, manifest and hashes agreeing', async function () {
      this.timeout(60_000);
      const values = generatedValues(3);
      for (const [i, cls] of (['AMBER', 'GREEN', 'WHITE'] as const).entries()) {
        await env.publish(`s-${cls}`, cls, values.filter((_, n) => n % 3 === i).map((v) => ({ ...v, kind: kindOf(v.type) })));
      }
      const dir = await mkdtemp(path.join(os.tmpdir(), 'c4tap-misp-'));
      try {
        const m = await manifest(env.people.railReader);
        await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(m));
        await writeFile(path.join(dir, 'hashes.csv'), await (await get(env.people.railReader, 'hashes.csv')).text());
        const served = new Map<string, MispEvent>();
        for (const uuid of Object.keys(m)) {
          const text = await (await get(env.people.railReader, `${uuid}.json`)).text();
          served.set(uuid, (JSON.parse(text) as { Event: MispEvent }).Event);
          await writeFile(path.join(dir, `${uuid}.json`), text);
        }
        const out = JSON.parse(await runPython([`${ROOT}/test/sharing/helpers/misp_check.py`, dir])) as {
          manifest: Manifest;
          hashes: string[];
          events: Record<string, { info: string; date: string; timestamp: string; tags: string[]; attributes: unknown[]; hashes: string[] }>;
        };
        expect(Object.keys(out.events)).to.have.length(3);
        for (const [uuid, e] of Object.entries(out.events)) {
          expect(e, uuid).to.deep.include({ info: m[uuid]!.info, date: m[uuid]!.date, timestamp: m[uuid]!.timestamp });
          expect(e.tags).to.deep.equal(m[uuid]!.Tag.map((t) => t.name));
          expect(e.attributes, `${uuid} as PyMISP reads it`).to.deep.equal(served.get(uuid)!.Attribute.map((a) => ({ type: a.type, category: a.category, value: a.value })));
        }
        expect(Object.values(out.events).flatMap((e) => e.attributes)).to.have.length(values.length);
        expect(Object.values(out.events).flatMap((e) => e.hashes).sort()).to.deep.equal(out.hashes);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
