// The MISP feed over HTTP: manifest.json, hashes.csv and one event per (submission, class), holding
// only what the caller may see, created by the exchange, with distribution and tags from the class
// of every attribute in it; retractions soft-delete; PyMISP (from .tmp/venv) validates every event
// against its strict schema and round-trips it through MISPEvent.load + to_feed.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import { CLASSES, type Principal, type SharingClass } from '../../core/types.ts';
import { publishSubmission, retract } from '../../sharing/publication.ts';
import { eventUuid, type MispEvent } from '../../sharing/misp/index.ts';
import { EXCHANGE, openFeedsEnv, type FeedsEnv } from './helpers/feeds-env.ts';
import { generatedValues, kindOf } from './helpers/stix-data.ts';
import { ROOT, requirePythonTools, runPython } from './helpers/stix-python.ts';

type Manifest = Record<
  string,
  { info: string; date: string; timestamp: number; analysis: number; threat_level_id: number; Orgc: { name: string }; Tag: { name: string }[] }
>;

describe('MISP feed', function () {
  let env: FeedsEnv;
  beforeEach(async () => (env = await openFeedsEnv()));
  afterEach(() => env.close());

  const get = (p: Principal | null, file: string) => env.fetch(p, `/api/v1/misp/${file}`);
  const manifest = async (p: Principal) => (await (await get(p, 'manifest.json')).json()) as Manifest;
  const event = async (p: Principal, submissionId: string, cls: SharingClass) => {
    const res = await get(p, `${eventUuid(submissionId, cls)}.json`);
    expect(res.status).to.equal(200);
    return ((await res.json()) as { Event: MispEvent }).Event;
  };
  const deps = () => ({ store: env.w.store, audit: env.w.audit, clock: env.w.clock });
  /** The (submission, class) of one of these submissions' event UUIDs. */
  const submissionAndClassOf = (uuid: string, submissions: readonly string[]): [string, SharingClass] => {
    for (const sub of submissions) for (const cls of CLASSES) if (eventUuid(sub, cls) === uuid) return [sub, cls];
    throw new Error(`no event ${uuid}`);
  };

  /** A submission of `water` with per-kind classes: mail and network GREEN, file AMBER. */
  async function mixed(id: string): Promise<void> {
    await env.w.addSubmission(id, env.orgs.water, env.people.waterSubmitter, { sample: 'RED', mail: 'GREEN', network: 'GREEN', file: 'AMBER' }, [
      { type: 'domain-name', value: 'evil.example', kind: 'network', class: 'GREEN' },
      { type: 'ipv4-addr', value: '203.0.113.9', kind: 'mail', class: 'GREEN' },
      { type: 'file-sha256', value: 'b'.repeat(64), kind: 'file', class: 'AMBER' },
    ]);
    await publishSubmission(deps(), id, env.people.secretariat.id);
  }

  it('holds one event per submission and class the caller may see, each attribute only where its class allows', async function () {
    await mixed('s-mixed');
    await env.publish('s-red', 'RED', [{ type: 'url', value: 'https://red.example/x', kind: 'network' }]);
    expect(Object.keys(await manifest(env.people.railReader))).to.have.members([eventUuid('s-mixed', 'GREEN'), eventUuid('s-mixed', 'AMBER')]);
    expect(Object.keys(await manifest(env.people.affiliateReader))).to.deep.equal([eventUuid('s-mixed', 'GREEN')]);
    expect(Object.keys(await manifest(env.people.waterSubmitter))).to.have.members([
      eventUuid('s-mixed', 'GREEN'),
      eventUuid('s-mixed', 'AMBER'),
      eventUuid('s-red', 'RED'),
    ]);
    expect((await event(env.people.railReader, 's-mixed', 'GREEN')).Attribute.map((a) => a.type)).to.have.members(['domain', 'ip-src']);
    expect((await event(env.people.railReader, 's-mixed', 'AMBER')).Attribute.map((a) => a.type)).to.deep.equal(['sha256']);
    expect((await event(env.people.affiliateReader, 's-mixed', 'GREEN')).Attribute.map((a) => a.value)).to.have.members(['evil.example', '203.0.113.9']);
    expect((await get(env.people.affiliateReader, `${eventUuid('s-mixed', 'AMBER')}.json`)).status).to.equal(404);
    expect((await get(env.people.railReader, `${eventUuid('s-red', 'RED')}.json`)).status).to.equal(404);
    expect((await get(env.people.railReader, '00000000-0000-4000-8000-000000000000.json')).status).to.equal(404);
  });

  it('splits a per-kind submission (network=GREEN file=AMBER) into events whose tags and distribution match every attribute they hold', async function () {
    await mixed('s-mixed');
    await env.publish('s-yellow', 'YELLOW', [{ type: 'domain-name', value: 'yellow.example', kind: 'network' }]);
    await env.publish('s-white', 'WHITE', [{ type: 'domain-name', value: 'white.example', kind: 'network' }]);
    const green = await event(env.people.railReader, 's-mixed', 'GREEN');
    expect(green).to.include({ distribution: '1', analysis: '2', threat_level_id: '4' });
    expect(green.Tag.map((t) => t.name)).to.deep.equal(['tlp:green', 'c4tap:class="GREEN"']);
    const amber = await event(env.people.railReader, 's-mixed', 'AMBER');
    expect(amber).to.include({ distribution: '0' });
    expect(amber.Tag.map((t) => t.name)).to.deep.equal(['tlp:amber', 'c4tap:class="AMBER"']);
    expect(amber.Attribute[0]).to.include({ type: 'sha256', distribution: '0', to_ids: true, category: 'Payload delivery' });
    // Both parts name the same report, and nothing of the submission.
    expect(green.info.replace(/GREEN part$/, '')).to.equal(amber.info.replace(/AMBER part$/, ''));
    for (const p of [env.people.railReader, env.people.waterSubmitter, env.people.observerReader, env.people.affiliateReader]) {
      for (const uuid of Object.keys(await manifest(p))) {
        const e = ((await (await get(p, `${uuid}.json`)).json()) as { Event: MispEvent }).Event;
        for (const a of e.Attribute) {
          expect(a.Tag, `${uuid} ${a.value}`).to.deep.equal(e.Tag);
          expect(a.distribution, `${uuid} ${a.value}`).to.equal(e.distribution);
        }
      }
    }
    const yellow = await event(env.people.observerReader, 's-yellow', 'YELLOW');
    expect(yellow).to.include({ distribution: '0' });
    expect(yellow.Tag.map((t) => t.name)).to.deep.equal(['c4tap:class="YELLOW"']);
    const white = await event(env.people.affiliateReader, 's-white', 'WHITE');
    expect(white).to.include({ distribution: '3' });
    expect(white.Tag.map((t) => t.name)).to.deep.equal(['tlp:clear', 'c4tap:class="WHITE"']);
  });

  it('names the exchange as creator and nothing of the submitter, and lists each attribute value once in hashes.csv', async function () {
    await mixed('s-mixed');
    // The same values again in other submissions: still one hashes.csv line per value.
    await env.publish('s-again', 'AMBER', [
      { type: 'domain-name', value: 'evil.example', kind: 'network' },
      { type: 'file-sha256', value: 'b'.repeat(64), kind: 'file' },
    ]);
    await env.publish('s-third', 'GREEN', [{ type: 'domain-name', value: 'evil.example', kind: 'network' }]);
    const m = await manifest(env.people.railReader);
    const e = await event(env.people.railReader, 's-mixed', 'GREEN');
    expect(m[e.uuid]).to.deep.include({ info: e.info, date: e.date, timestamp: Number(e.timestamp), Orgc: e.Orgc });
    expect(e.Orgc.name).to.equal(EXCHANGE.name);
    const everything = JSON.stringify(m) + JSON.stringify(e);
    for (const secret of ['water', 'Org water', env.people.waterSubmitter.id, env.people.waterSubmitter.email, 's-mixed']) {
      expect(everything, secret).to.not.include(secret);
    }
    const csv = await (await get(env.people.railReader, 'hashes.csv')).text();
    const md5 = (v: string) => createHash('md5').update(v).digest('hex');
    const lines = csv
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const hashes = lines.map(([h]) => h);
    expect(hashes).to.have.length(new Set(hashes).size);
    expect(hashes).to.have.members(['evil.example', '203.0.113.9', 'b'.repeat(64)].map(md5));
    for (const [h, uuid] of lines) {
      const holder = await event(env.people.railReader, ...submissionAndClassOf(uuid!, ['s-mixed', 's-again', 's-third']));
      expect(
        holder.Attribute.map((a) => md5(a.value)),
        `${h} is in event ${uuid}`,
      ).to.include(h);
    }
  });

  it('soft-deletes a retracted attribute and moves the event timestamp on, at once despite the cache', async function () {
    await env.publish('s1', 'AMBER', [
      { type: 'domain-name', value: 'cdn.example', kind: 'network' },
      { type: 'url', value: 'https://cdn.example/p', kind: 'network' },
    ]);
    const before = await event(env.people.railReader, 's1', 'AMBER');
    env.w.tick(120);
    await retract(deps(), { indicatorId: indicatorId('domain-name', 'cdn.example'), submissionId: 's1' }, env.people.secretariat.id, 'shared CDN');
    const after = await event(env.people.railReader, 's1', 'AMBER');
    expect(after.Attribute.find((a) => a.value === 'cdn.example')).to.include({ deleted: true, to_ids: false });
    expect(after.Attribute.find((a) => a.value === 'https://cdn.example/p')).to.include({ deleted: false, to_ids: true });
    expect(Number(after.timestamp)).to.equal(Number(before.timestamp) + 120);
  });

  it('needs a bearer token (401 problem details) and audits a read of RED data', async function () {
    const res = await get(null, 'manifest.json');
    expect(res.status).to.equal(401);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    await env.publish('s-red', 'RED', [{ type: 'url', value: 'https://red.example/x', kind: 'network' }]);
    await event(env.people.waterSubmitter, 's-red', 'RED');
    const reads = (await env.w.store.listAudit(0, 10_000)).filter((e) => e.action === 'red.read');
    expect(reads[reads.length - 1]).to.deep.include({
      actor: env.people.waterSubmitter.id,
      data: { surface: 'misp.event', indicators: [indicatorId('url', 'https://red.example/x')] },
    });
  });

  describe('loaded by PyMISP (needs .tmp/venv)', function () {
    before(function () {
      requirePythonTools(this);
    });

    it('passes PyMISP’s strict event schema and round-trips every event through MISPEvent.load + to_feed, per-kind events included', async function () {
      this.timeout(60_000);
      const values = generatedValues(3);
      for (const [i, cls] of (['AMBER', 'GREEN', 'WHITE'] as const).entries()) {
        await env.publish(
          `s-${cls}`,
          cls,
          values.filter((_, n) => n % 3 === i).map((v) => ({ ...v, kind: kindOf(v.type) })),
        );
      }
      await mixed('s-mixed');
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
          events: Record<
            string,
            {
              info: string;
              date: string;
              timestamp: number;
              analysis: number;
              threat_level_id: number;
              tags: string[];
              attributes: unknown[];
              hashes: string[];
              schema_errors: string[];
              round_trip: string[];
            }
          >;
        };
        expect(Object.keys(out.events)).to.have.length(5);
        for (const [uuid, e] of Object.entries(out.events)) {
          expect(e.schema_errors, `${uuid} against PyMISP's schema.json`).to.deep.equal([]);
          expect(e.round_trip, `${uuid} through MISPEvent.load + to_feed`).to.deep.equal([]);
          // The manifest entry exactly as PyMISP computes it from the event (numbers as numbers).
          expect(e, uuid).to.deep.include({
            info: m[uuid]!.info,
            date: m[uuid]!.date,
            timestamp: m[uuid]!.timestamp,
            analysis: m[uuid]!.analysis,
            threat_level_id: m[uuid]!.threat_level_id,
          });
          expect(e.tags).to.deep.equal(m[uuid]!.Tag.map((t) => t.name));
          expect(e.attributes, `${uuid} as PyMISP reads it`).to.deep.equal(
            served.get(uuid)!.Attribute.map((a) => ({ type: a.type, category: a.category, value: a.value })),
          );
        }
        expect(Object.values(out.events).flatMap((e) => e.attributes)).to.have.length(values.length + 3);
        // hashes.csv: each value once, every one PyMISP computes for the events, each naming an event that holds it.
        const lineHashes = out.hashes.map((l) => l.split(',')[0]!);
        expect(lineHashes).to.have.length(new Set(lineHashes).size);
        const pyLines = new Set(Object.values(out.events).flatMap((e) => e.hashes));
        expect(new Set(lineHashes)).to.deep.equal(new Set([...pyLines].map((l) => l.split(',')[0]!)));
        for (const line of out.hashes) expect(pyLines.has(line), line).to.equal(true);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
