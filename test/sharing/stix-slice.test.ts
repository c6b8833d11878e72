// Property: a STIX object marked with class C carries nothing from a source or sighting of
// another class — its dates, counts, kinds and revocation all come from class-C data.
import { expect } from 'chai';
import fc from 'fast-check';
import { CLASSES, KINDS, type IndicatorSource, type PublicationEntry, type Sighting } from '../../core/types.ts';
import type { IndicatorView } from '../../sharing/indicator-view.ts';
import { pairKey } from '../../sharing/publication-plan.ts';
import { CLASS_MARKINGS, indicatorObjects, primaryClass, sightingObject, sightingSlices, sliceAt } from '../../sharing/stix/index.ts';

const time = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }).map((t) => new Date(t).toISOString());
const source = fc.record({
  submissionId: fc.constantFrom('s1', 's2', 's3', 's4', 's5', 's6'),
  orgId: fc.constantFrom('o1', 'o2'),
  kind: fc.constantFrom(...KINDS),
  class: fc.constantFrom(...CLASSES),
  seenAt: time,
  publishedAt: time,
  falsePositive: fc.boolean(),
});
const sighting = fc.record({ class: fc.constantFrom(...CLASSES), count: fc.integer({ min: 1, max: 50 }), seenAt: time, reportedAt: time });

type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

function world(raw: Of<typeof source>[], rawSightings: Of<typeof sighting>[]) {
  const unique = [...new Map(raw.map((s) => [s.submissionId, s])).values()];
  const sources: IndicatorSource[] = unique.map((s) => ({ ...s, indicatorId: 'ind_x', context: {} }));
  const latest = new Map<string, PublicationEntry>(
    unique.map((s, i) => [
      pairKey('ind_x', s.submissionId),
      {
        seq: i + 1,
        idempotencyKey: `k${i}`,
        action: s.falsePositive ? 'retract' : 'publish',
        indicatorId: 'ind_x',
        submissionId: s.submissionId,
        kind: s.kind,
        class: s.class,
        publishedAt: s.publishedAt,
      },
    ]),
  );
  const view = {
    id: 'ind_x',
    type: 'domain-name',
    value: 'evil.example',
    class: 'WHITE',
    kinds: KINDS,
    sources,
    submissionCount: sources.length,
    firstSeen: '',
    lastSeen: '',
    sectors: [],
    sightingCount: 0,
    falsePositive: false,
    redData: false,
  } as IndicatorView;
  const sightings: Sighting[] = rawSightings.map((s, i) => ({ ...s, id: i, indicatorId: 'ind_x', orgId: 'o1' }));
  return { view, latest, sightings, sources };
}

describe('STIX slices', function () {
  it('builds the object of class C from class-C sources and sightings only', function () {
    fc.assert(
      fc.property(
        fc.array(source, { minLength: 1, maxLength: 6 }),
        fc.array(sighting, { maxLength: 6 }),
        fc.constantFrom(...CLASSES),
        (raw, rawSightings, cls) => {
          const { view, latest, sightings, sources } = world(raw, rawSightings);
          const own = sources.filter((s) => s.class === cls);
          const slice = sliceAt(view, cls, latest);
          if (own.length === 0) {
            expect(slice).to.equal(null);
            return;
          }
          const indicator = indicatorObjects(slice!, 'identity--x')[0] as unknown as Record<string, unknown>;
          expect(own.map((s) => s.seenAt)).to.include(indicator['valid_from']);
          expect(own.every((s) => s.seenAt >= (indicator['created'] as string))).to.equal(true);
          expect([indicator['created'], ...own.map((s) => latest.get(pairKey('ind_x', s.submissionId))!.publishedAt)]).to.include(indicator['modified']);
          expect(slice!.kinds).to.have.members([...new Set(own.map((s) => s.kind))]);
          expect(slice!.submissionCount).to.equal(own.length);
          expect(indicator['revoked'] === true).to.equal(own.every((s) => s.falsePositive));
          expect((indicator['object_marking_refs'] as string[]).at(-1)).to.equal(CLASS_MARKINGS[cls].id);
          for (const s of sightingSlices('ind_x', sightings)) {
            const o = sightingObject(s, 'identity--x');
            const same = sightings.filter((x) => x.class === s.class);
            expect(o.count).to.equal(same.reduce((n, x) => n + x.count, 0));
            expect((o.object_marking_refs ?? []).at(-1)).to.equal(CLASS_MARKINGS[s.class].id);
          }
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('marks a whole view at the widest class that still stands, or the widest when all were retracted', function () {
    fc.assert(
      fc.property(fc.array(source, { minLength: 1, maxLength: 6 }), (raw) => {
        const { view, sources } = world(raw, []);
        const standing = sources.filter((s) => !s.falsePositive).map((s) => CLASSES.indexOf(s.class));
        const all = sources.map((s) => CLASSES.indexOf(s.class));
        const expected = CLASSES[standing.length > 0 ? Math.max(...standing) : Math.max(...all)];
        expect(primaryClass({ ...view, class: CLASSES[Math.max(...all)]! })).to.equal(expected);
      }),
      { seed: 6, numRuns: 200 },
    );
  });
});
