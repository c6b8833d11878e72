// STIX 2.1 export on the real SQLite store: the OASIS validator accepts every bundle built from
// generated data for every kind of viewer; ids are stable; markings, identity, sightings and
// retractions say what they should and nothing about who submitted or who saw.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import { CLASSES, INDICATOR_TYPES, type Organisation, type Principal, type SharingClass } from '../../core/types.ts';
import { readFeed } from '../../sharing/feed.ts';
import { publishSubmission, retract } from '../../sharing/publication.ts';
import { CLASS_MARKINGS, TLP2_MARKINGS, exchangeIdentity, indicatorStixId, stixBundleFor, type StixBundle } from '../../sharing/stix/index.ts';
import type { Viewer } from '../../sharing/viewer.ts';
import { allClasses, openWorld, type World } from './helpers/world.ts';
import { generatedValues, kindOf } from './helpers/stix-data.ts';
import { expectValidStix, requirePythonTools } from './helpers/stix-python.ts';

const EXCHANGE = { name: 'C4TAP test exchange' };
type Obj = Record<string, unknown> & { type: string; id: string };

async function exportAll(w: World, viewer: Viewer | null): Promise<StixBundle> {
  const views = [];
  let since = 0;
  for (;;) {
    const page = await readFeed(w.store, viewer, { since, limit: 200 });
    views.push(...page.items.map((i) => i.view));
    since = page.next;
    if (!page.more) break;
  }
  return stixBundleFor(w.store, viewer, views, EXCHANGE);
}

const objects = (b: StixBundle) => b.objects as readonly Obj[];
const byType = (b: StixBundle, type: string) => objects(b).filter((o) => o.type === type);
const indicatorOf = (b: StixBundle, type: Parameters<typeof indicatorId>[0], value: string) =>
  objects(b).find((o) => o.id === indicatorStixId(indicatorId(type, value)));

describe('STIX 2.1 export', function () {
  let w: World;
  let water: Organisation;
  let rail: Organisation;
  let waterSub: Principal;
  const deps = () => ({ store: w.store, audit: w.audit, clock: w.clock });

  beforeEach(async function () {
    w = await openWorld();
    water = await w.addOrg('water', 'participant', { sector: 'water' });
    rail = await w.addOrg('rail', 'participant', { sector: 'rail' });
    waterSub = await w.addPrincipal('water-sub', water.id, ['submitter']);
    await w.addPrincipal('rail-reader', rail.id, ['reader']);
  });
  afterEach(() => w.cleanup());

  async function publish(id: string, cls: SharingClass, indicators: { type: (typeof INDICATOR_TYPES)[number]; value: string }[], org = water, by = waterSub) {
    const sub = await w.addSubmission(
      id,
      org,
      by,
      allClasses(cls),
      indicators.map((i) => ({ ...i, kind: kindOf(i.type), class: cls })),
    );
    await publishSubmission(deps(), sub, 'analyst');
    w.tick(60);
    return sub;
  }

  describe('accepted by the OASIS STIX 2.1 validator (stix2-validator, needs .tmp/venv)', function () {
    before(function () {
      requirePythonTools(this);
    });

    it('accepts the bundle of every kind of viewer over generated indicators of every type, class, sighting and retraction', async function () {
      this.timeout(120_000);
      const obs = await w.addOrg('obs', 'observer');
      const aff = await w.addOrg('aff', 'affiliate');
      const secOrg = await w.addOrg('sec', 'participant');
      await w.addPrincipal('obs-reader', obs.id, ['reader']);
      await w.addPrincipal('aff-reader', aff.id, ['reader']);
      await w.addPrincipal('sec-staff', secOrg.id, ['secretariat']);
      const values = generatedValues(4);
      // Each class gets a share of every type; the same value also comes at a second class.
      for (const [n, cls] of CLASSES.entries()) {
        await publish(
          `s-${cls}`,
          cls,
          values.filter((_, i) => i % CLASSES.length === n || i % 7 === n),
        );
      }
      const first = values[0]!;
      await retract(deps(), { indicatorId: indicatorId(first.type, first.value), submissionId: 's-RED' }, 'analyst', 'benign');
      for (const [i, v] of values.slice(0, 10).entries()) {
        await w.store.addSighting(
          {
            indicatorId: indicatorId(v.type, v.value),
            orgId: rail.id,
            class: CLASSES[i % CLASSES.length]!,
            count: i + 1,
            seenAt: w.clock().toISOString(),
            idempotencyKey: null,
          },
          w.clock().toISOString(),
        );
      }
      const viewers = [null, ...(await Promise.all(['water-sub', 'rail-reader', 'obs-reader', 'aff-reader', 'sec-staff'].map((p) => w.viewer(p))))];
      const bundles = await Promise.all(viewers.map((v) => exportAll(w, v)));

      expect(byType(bundles[5]!, 'indicator')).to.have.length(values.length);
      expect(bundles.every((b) => byType(b, 'indicator').length > 0)).to.equal(true);
      await expectValidStix(bundles);
    });

    it('accepts patterns for values with quotes, backslashes and Japanese text', async function () {
      const tricky = ["it's \\ 'quoted'", '【至急】ご確認ください', "\\'", 'line\nbreak'];
      await publish('s1', 'GREEN', [
        ...tricky.map((value) => ({ type: 'email-subject' as const, value })),
        ...tricky.map((value) => ({ type: 'file-name' as const, value })),
        { type: 'x-mailer', value: "Mailer 'X' \\ 1.0" },
      ]);
      const bundle = await exportAll(w, await w.viewer('rail-reader'));
      expect(indicatorOf(bundle, 'email-subject', tricky[0]!)?.pattern).to.equal("[email-message:subject = 'it\\'s \\\\ \\'quoted\\'']");
      await expectValidStix([bundle]);
    });
  });

  it('gives the same ids and content on every export of the same state', async function () {
    await publish('s1', 'AMBER', generatedValues(1));
    const viewer = await w.viewer('rail-reader');
    const a = await exportAll(w, viewer);
    const b = await exportAll(w, viewer);
    expect(a.id).to.not.equal(b.id);
    expect(b.objects).to.deep.equal(a.objects);
    expect(byType(a, 'indicator')).to.have.length(INDICATOR_TYPES.length);
  });

  it('marks each class with its exact TLP 2.0 marking and its own C4TAP marking, YELLOW with the C4TAP marking only', async function () {
    for (const cls of CLASSES) await publish(`s-${cls}`, cls, [{ type: 'domain-name', value: `${cls.toLowerCase()}.evil.example` }]);
    const bundle = await exportAll(w, await w.viewer('water-sub'));
    const expected: Record<SharingClass, string[]> = {
      RED: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', CLASS_MARKINGS.RED.id],
      AMBER: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', CLASS_MARKINGS.AMBER.id],
      YELLOW: [CLASS_MARKINGS.YELLOW.id],
      GREEN: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', CLASS_MARKINGS.GREEN.id],
      WHITE: ['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', CLASS_MARKINGS.WHITE.id],
    };
    for (const cls of CLASSES) {
      const value = `${cls.toLowerCase()}.evil.example`;
      expect(indicatorOf(bundle, 'domain-name', value)?.object_marking_refs, cls).to.deep.equal(expected[cls]);
      expect(objects(bundle).find((o) => o.type === 'domain-name' && o.value === value)?.object_marking_refs, `${cls} observable`).to.deep.equal(expected[cls]);
    }
    const definitions = byType(bundle, 'marking-definition').map((m) => m.id);
    expect(definitions).to.have.members([...new Set(Object.values(expected).flat())]);
    expect(TLP2_MARKINGS.WHITE?.name).to.equal('TLP:CLEAR');
    expect(CLASS_MARKINGS.YELLOW.definition?.statement).to.match(/observers/);
  });

  it('names the exchange as creator and never the submitting organisation, its principal or the sighting organisation', async function () {
    await publish('s1', 'AMBER', generatedValues(1));
    const v = generatedValues(1)[0]!;
    await w.store.addSighting(
      { indicatorId: indicatorId(v.type, v.value), orgId: rail.id, class: 'AMBER', count: 3, seenAt: w.clock().toISOString(), idempotencyKey: null },
      w.clock().toISOString(),
    );
    const bundle = await exportAll(w, await w.viewer('rail-reader'));
    const identity = exchangeIdentity(EXCHANGE);
    expect(byType(bundle, 'identity').map((o) => o.id)).to.deep.equal([identity.id]);
    const authored = objects(bundle).filter((o) => ['indicator', 'sighting'].includes(o.type));
    expect(authored.length).to.equal(INDICATOR_TYPES.length + 1);
    expect(authored.every((o) => o.created_by_ref === identity.id)).to.equal(true);
    const text = JSON.stringify(bundle);
    for (const secret of [water.id, water.name, rail.id, rail.name, waterSub.id, waterSub.name, waterSub.email, 's1']) {
      expect(text, secret).to.not.include(secret);
    }
    const sighting = byType(bundle, 'sighting')[0]!;
    expect(sighting).to.include({ count: 3, sighting_of_ref: indicatorStixId(indicatorId(v.type, v.value)) });
    expect(sighting).to.not.have.any.keys('where_sighted_refs', 'observed_data_refs');
  });

  it('counts for an AMBER reader only the sightings it may see, never a RED one of another organisation', async function () {
    await publish('s1', 'AMBER', [{ type: 'url', value: 'https://evil.example/a' }]);
    const id = indicatorId('url', 'https://evil.example/a');
    const at = w.clock().toISOString();
    await w.store.addSighting({ indicatorId: id, orgId: water.id, class: 'RED', count: 40, seenAt: at, idempotencyKey: null }, at);
    await w.store.addSighting({ indicatorId: id, orgId: water.id, class: 'AMBER', count: 2, seenAt: at, idempotencyKey: null }, at);
    const forRail = byType(await exportAll(w, await w.viewer('rail-reader')), 'sighting');
    const forWater = byType(await exportAll(w, await w.viewer('water-sub')), 'sighting');
    expect(forRail.map((s) => s.count)).to.deep.equal([2]);
    expect(forWater.map((s) => s.count)).to.have.members([2, 40]);
    expect(forWater.find((s) => s.count === 40)?.object_marking_refs).to.deep.equal(TLP2_MARKINGS.RED && [TLP2_MARKINGS.RED.id, CLASS_MARKINGS.RED.id]);
  });

  it('marks an indicator at its widest standing class and dates it from the sources of that class only', async function () {
    await publish('early', 'AMBER', [{ type: 'domain-name', value: 'evil.example' }]);
    const greenAt = w.clock().toISOString();
    await publish('late', 'GREEN', [{ type: 'domain-name', value: 'evil.example' }]);
    const ind = indicatorOf(await exportAll(w, await w.viewer('rail-reader')), 'domain-name', 'evil.example')!;
    expect(ind.object_marking_refs).to.deep.equal([TLP2_MARKINGS.GREEN!.id, CLASS_MARKINGS.GREEN.id]);
    expect(ind.valid_from).to.equal(greenAt);
    expect(ind.description).to.match(/in 1 targeted-attack mail submission \(network\)/);
  });

  it('revokes the indicator once its only source is retracted, with a newer modified', async function () {
    const sub = await publish('s1', 'AMBER', [{ type: 'ipv4-addr', value: '198.51.100.7' }]);
    const viewer = await w.viewer('rail-reader');
    const before = indicatorOf(await exportAll(w, viewer), 'ipv4-addr', '198.51.100.7')!;
    await retract(deps(), { indicatorId: indicatorId('ipv4-addr', '198.51.100.7'), submissionId: sub }, 'analyst', 'sinkhole');
    const after = await exportAll(w, viewer);
    const ind = indicatorOf(after, 'ipv4-addr', '198.51.100.7')!;
    expect(before).to.not.have.property('revoked');
    expect(ind).to.include({ revoked: true, id: before.id });
    expect((ind.modified as string) > (before.modified as string)).to.equal(true);
  });

  it('writes a STIX pattern for every indicator type, with the observable where STIX has one', async function () {
    await publish('s1', 'GREEN', generatedValues(1));
    const bundle = await exportAll(w, await w.viewer('rail-reader'));
    const patterns = Object.fromEntries(generatedValues(1).map((v) => [v.type, indicatorOf(bundle, v.type, v.value)?.pattern]));
    expect(Object.keys(patterns)).to.have.members([...INDICATOR_TYPES]);
    const sha = generatedValues(1).find((v) => v.type === 'file-sha256')!.value;
    expect(patterns['file-sha256']).to.equal(`[file:hashes.'SHA-256' = '${sha}']`);
    expect(patterns['email-message-id-domain']).to.match(/^\[email-message:message_id LIKE '%@.+>' OR email-message:message_id LIKE '%@.+'\]$/);
    expect(objects(bundle).find((o) => o.type === 'file' && (o.hashes as Record<string, string> | undefined)?.['SHA-256'] === sha)).to.not.equal(undefined);
    const observables = objects(bundle).filter((o) => !['indicator', 'identity', 'marking-definition'].includes(o.type));
    expect(observables).to.have.length(10); // every type but message-id domain, mailer, YARA and AV names
  });
});
