// Every collection walked with the OASIS taxii2-client (HTTP Basic, the token as password) at
// limits 1, 2, 7, 500 and 5000, by `next` and by `added_after` = the last page's
// X-TAXII-Date-Added-Last, plus the manifest and the match filters: a collection is a set of object
// versions — no object twice however many submissions share its indicator, none lost where one
// approval's objects straddle a page, every page within `limit`, and both walks equal to a
// reference read of the publication log; and the same walk against medallion, the OASIS reference
// TAXII server, loaded with the same objects, returns the same sets.
import { expect } from 'chai';
import { indicatorId } from '../../core/ids.ts';
import type { IndicatorInput } from '../../core/store/port.ts';
import type { ClassByKind, SharingClass } from '../../core/types.ts';
import { publishSubmission } from '../../sharing/publication.ts';
import { indicatorStixId, observableOf, sightingStixId, staticObjects } from '../../sharing/stix/index.ts';
import { EXCHANGE, openFeedsEnv, type FeedsEnv } from './helpers/feeds-env.ts';
import { ROOT, requirePythonTools, runPython } from './helpers/stix-python.ts';

type Row = [id: string, type: string, version: string | null];
interface LimitWalk {
  pages: { n: number; more: boolean }[];
  next: Row[];
  added_after: Row[];
  manifest: [id: string, version: string, dateAdded: string][];
}
interface CollectionReport {
  limits: Record<string, LimitWalk>;
  by_type: Record<string, string[]>;
  by_id: Record<string, string[]>;
  by_version: { id: string; exact: number; first_last_all: number[]; other: number; versions: string[] }[];
  spec_version: { '2.0': { n: number; more: boolean }; '2.1': string[] };
}

const LIMITS = [1, 2, 7, 500, 5000];
/** Medallion re-filters its whole collection on every request: small limits take minutes there. */
const MEDALLION_LIMITS = [7, 500, 5000];
const CLASSES: readonly SharingClass[] = ['RED', 'AMBER', 'YELLOW', 'GREEN', 'WHITE'];
const dom = (value: string): Omit<IndicatorInput, 'class'> => ({ type: 'domain-name', value, kind: 'network' });
const domains = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => dom(`d${from + i}.walk.example`));

describe('TAXII 2.1 collections walked by the OASIS taxii2-client at every page size (needs .tmp/venv)', function () {
  this.timeout(600_000);
  let env: FeedsEnv;
  let report: Record<string, CollectionReport>;
  let medallion: Record<string, CollectionReport>;

  before(async function () {
    requirePythonTools(this);
    env = await openFeedsEnv();
    // Two AMBER approvals at one instant sharing 20 indicators, later GREEN, WHITE, YELLOW and RED
    // ones overlapping them, a per-kind submission, a narrowing (AMBER objects revoked) and sightings.
    await env.publish('s0', 'AMBER', domains(0, 40));
    await env.publish('s1', 'AMBER', domains(20, 60));
    env.w.tick(60);
    await env.publish('s2', 'GREEN', domains(50, 80));
    await env.publish('s3', 'WHITE', [...domains(70, 90), { type: 'file-sha256', value: 'b'.repeat(64), kind: 'file' }]);
    env.w.tick(60);
    await env.publish('s4', 'YELLOW', domains(85, 95));
    await env.publish('s5', 'RED', domains(0, 5));
    const perKind: ClassByKind = { sample: 'RED', mail: 'AMBER', network: 'GREEN', file: 'AMBER' };
    await env.w.addSubmission('s6', env.orgs.water, env.people.waterSubmitter, perKind, [
      { ...dom('d100.walk.example'), class: 'GREEN' },
      { type: 'file-md5', value: 'c'.repeat(32), kind: 'file', class: 'AMBER' },
      { type: 'email-addr', value: 'boss@sender.walk.example', kind: 'mail', class: 'AMBER' },
    ]);
    await publishSubmission({ store: env.w.store, audit: env.w.audit, clock: env.w.clock }, 's6', env.people.secretariat.id);
    env.w.tick(60);
    await env.narrow('s1', 'RED');
    const at = env.w.clock().toISOString();
    for (const [value, cls] of [
      ['d1.walk.example', 'AMBER'],
      ['d75.walk.example', 'WHITE'],
    ] as const) {
      await env.w.store.addSighting(
        { indicatorId: indicatorId('domain-name', value), orgId: env.orgs.rail.id, class: cls, count: 3, seenAt: at, idempotencyKey: null },
        at,
      );
    }
    const out = await runPython([`${ROOT}/test/sharing/helpers/taxii_walk.py`, `${env.origin}/taxii2/`, 'sec', ...LIMITS.map(String)], {
      env: { C4TAP_TOKEN: await env.token(env.people.secretariat) },
      timeoutMs: 540_000,
    });
    report = JSON.parse(out) as Record<string, CollectionReport>;
    const ref = await runPython([`${ROOT}/test/sharing/helpers/medallion_walk.py`, `${env.origin}/taxii2/`, 'sec', ...MEDALLION_LIMITS.map(String)], {
      env: { C4TAP_TOKEN: await env.token(env.people.secretariat) },
      timeoutMs: 540_000,
    });
    medallion = JSON.parse(ref) as Record<string, CollectionReport>;
  });
  after(() => env?.close());

  /** The ids a collection must hold, read from the publication log independently of the TAXII code. */
  async function reference(cls: SharingClass): Promise<string[]> {
    const log = await env.w.store.listPublications({ afterSeq: 0, limit: 100_000, classes: [cls] });
    const ids = [...new Set(log.map((e) => e.indicatorId))];
    const sightings = await env.w.store.listSightings(ids);
    const out = staticObjects(EXCHANGE).map((o) => o.id);
    for (const { indicator } of await env.w.store.getIndicators(ids)) {
      out.push(indicatorStixId(indicator.id));
      const sco = observableOf(indicator.type, indicator.value, []);
      if (sco) out.push(sco.id);
      if (sightings.some((s) => s.indicatorId === indicator.id && s.class === cls)) out.push(sightingStixId(indicator.id, cls));
    }
    return out.sort();
  }

  for (const cls of CLASSES) {
    describe(`C4TAP ${cls}`, function () {
      const of = () => report[`C4TAP ${cls}`]!;

      for (const limit of LIMITS) {
        it(`returns every object once by next and by added_after at limit ${limit}, equal to the log and to the manifest`, async function () {
          const walk = of().limits[String(limit)]!;
          const expected = await reference(cls);
          const ids = (rows: readonly Row[]) => rows.map((r) => r[0]);
          expect(new Set(ids(walk.next)).size, 'distinct ids = objects returned (next)').to.equal(walk.next.length);
          expect(new Set(ids(walk.added_after)).size, 'distinct ids = objects returned (added_after)').to.equal(walk.added_after.length);
          expect([...ids(walk.next)].sort()).to.deep.equal(expected);
          expect([...ids(walk.added_after)].sort()).to.deep.equal(expected);
          expect(walk.manifest.map((m) => m[0]).sort()).to.deep.equal(expected);
          // Manifest versions are the objects' versions (objects without modified/created: their date added).
          const manifestVersion = new Map(walk.manifest.map((m) => [m[0], m[1]]));
          for (const [id, , version] of walk.next) if (version) expect(manifestVersion.get(id), id).to.equal(version);
          // Every page within the limit; every page but the last full (taxii2-client would shrink its limit otherwise).
          expect(walk.pages.every((p) => p.n <= limit)).to.equal(true);
          expect(
            walk.pages.slice(0, -1).every((p) => p.more && p.n === limit),
            JSON.stringify(walk.pages.slice(0, 5)),
          ).to.equal(true);
          expect(walk.pages[walk.pages.length - 1]!.more).to.equal(false);
          // date_added strictly increasing along the collection.
          const dates = walk.manifest.map((m) => m[2]);
          for (let i = 1; i < dates.length; i++) expect(dates[i]! > dates[i - 1]!, `${dates[i - 1]} < ${dates[i]}`).to.equal(true);
        });
      }

      it('gives the same objects as medallion (the OASIS reference server) loaded with them, walked the same way', function () {
        const theirs = medallion[`C4TAP ${cls}`]!;
        const ours = of()
          .limits['5000']!.next.map((r) => r[0])
          .sort();
        for (const limit of MEDALLION_LIMITS) {
          const walk = theirs.limits[String(limit)]!;
          expect(walk.next.map((r) => r[0]).sort(), `medallion next, limit ${limit}`).to.deep.equal(ours);
          expect(walk.added_after.map((r) => r[0]).sort(), `medallion added_after, limit ${limit}`).to.deep.equal(ours);
          expect(walk.manifest.map((m) => m[0]).sort(), `medallion manifest, limit ${limit}`).to.deep.equal(ours);
        }
        expect(Object.keys(theirs.by_type).sort()).to.deep.equal(Object.keys(of().by_type).sort());
        for (const [type, ids] of Object.entries(theirs.by_type)) expect([...ids].sort()).to.deep.equal([...of().by_type[type]!].sort());
      });

      it('answers match[type] with per-type sets that add up to the collection', function () {
        const all = of().limits['5000']!.next;
        const byType = of().by_type;
        expect(Object.values(byType).reduce((n, ids) => n + ids.length, 0)).to.equal(all.length);
        for (const [type, ids] of Object.entries(byType)) {
          expect([...ids].sort()).to.deep.equal(
            all
              .filter((r) => r[1] === type)
              .map((r) => r[0])
              .sort(),
          );
        }
      });

      it('answers match[id] with that object once, and match[version] with its current version only', function () {
        expect(Object.keys(of().by_id).length).to.be.greaterThan(1);
        for (const [id, got] of Object.entries(of().by_id)) expect(got, id).to.deep.equal([id]);
        for (const v of of().by_version) {
          expect(v, v.id).to.deep.include({ exact: 1, first_last_all: [1, 1, 1], other: 0 });
          expect(v.versions).to.have.length(1);
        }
      });

      it('answers match[spec_version]=2.0 with an empty last page and 2.1 with everything', function () {
        expect(of().spec_version['2.0']).to.deep.equal({ n: 0, more: false });
        expect([...of().spec_version['2.1']].sort()).to.deep.equal(
          of()
            .limits['5000']!.next.map((r) => r[0])
            .sort(),
        );
      });
    });
  }
});
