// Indicator views: every figure comes from the sources (and sightings) the viewer may see, never
// from the others. Property-based (fast-check) over random viewers, sources and sightings.
import { expect } from 'chai';
import fc from 'fast-check';
import { CLASSES, ROLES, type IndicatorSource, type InfoKind, type SharingClass, type Sighting } from '../../core/types.ts';
import type { IndicatorWithSources } from '../../core/store/port.ts';
import { viewOf } from '../../sharing/indicator-view.ts';
import type { Viewer } from '../../sharing/viewer.ts';
import { oracleSees, org, viewer } from './helpers/oracle.ts';

const ORGS = [
  org('p1', 'participant', 'finance'),
  org('p2', 'participant', 'rail'),
  org('obs', 'observer', 'telecom'),
  org('aff', 'affiliate', 'gas'),
  org('sec', 'participant', 'secretariat'),
  org('unaccepted', 'participant', 'water', false),
];
const SECTOR = new Map(ORGS.map((o) => [o.id, o.sector]));
const sectorOf = (id: string) => SECTOR.get(id) ?? null;
const BASE = Date.UTC(2026, 0, 1);
const INDICATOR = { id: 'ind_view', type: 'url' as const, value: 'https://evil.example/login' };

const viewerArb: fc.Arbitrary<Viewer | null> = fc.option(
  fc
    .record({
      org: fc.constantFrom(...ORGS),
      roles: fc.subarray([...ROLES], { minLength: 1 }),
      status: fc.constantFrom('active' as const, 'disabled' as const),
    })
    .map((r) => viewer(r.org, r.roles, r.status)),
  { freq: 8 },
);

interface SourceDraft {
  orgId: string;
  kind: InfoKind;
  class: SharingClass;
  minutes: number;
  falsePositive: boolean;
}
const sourceArb: fc.Arbitrary<SourceDraft> = fc.record({
  orgId: fc.constantFrom(...ORGS.map((o) => o.id)),
  kind: fc.constantFrom<InfoKind>('mail', 'network', 'file'),
  class: fc.constantFrom(...CLASSES),
  minutes: fc.integer({ min: 0, max: 100_000 }),
  falsePositive: fc.boolean(),
});
const sightingArb = fc.record({
  orgId: fc.constantFrom(...ORGS.map((o) => o.id)),
  class: fc.constantFrom(...CLASSES),
  count: fc.integer({ min: 1, max: 5 }),
});

function toSource(d: SourceDraft, submissionId: string): IndicatorSource {
  return {
    indicatorId: INDICATOR.id,
    submissionId,
    orgId: d.orgId,
    kind: d.kind,
    class: d.class,
    seenAt: new Date(BASE + d.minutes * 60_000).toISOString(),
    falsePositive: d.falsePositive,
    context: { note: `context of ${submissionId}` },
  };
}

function toSighting(d: { orgId: string; class: SharingClass; count: number }, id: number): Sighting {
  return {
    id,
    indicatorId: INDICATOR.id,
    orgId: d.orgId,
    class: d.class,
    count: d.count,
    seenAt: new Date(BASE + id * 1000).toISOString(),
    reportedAt: new Date(BASE).toISOString(),
  };
}

/**
 * As the store gives it: sources in (seenAt, submissionId) order, and the indicator's createdAt the
 * earliest seenAt of ALL its sources.
 */
function item(sources: readonly IndicatorSource[]): IndicatorWithSources {
  const sorted = [...sources].sort((a, b) => a.seenAt.localeCompare(b.seenAt) || a.submissionId.localeCompare(b.submissionId));
  return { indicator: { ...INDICATOR, createdAt: sorted[0]?.seenAt ?? new Date(BASE).toISOString() }, sources: sorted };
}

describe('indicator views', function () {
  it('computes every figure from the visible sources and sightings only (oracle)', function () {
    fc.assert(
      fc.property(viewerArb, fc.array(sourceArb, { maxLength: 8 }), fc.array(sightingArb, { maxLength: 6 }), (v, drafts, sightingDrafts) => {
        const sources = drafts.map((d, i) => toSource(d, `sub-${i}`));
        const sightings = sightingDrafts.map(toSighting);
        // Every sector named (threshold 1); the threshold itself is tested in sector-privacy.test.ts.
        const view = viewOf(v, item(sources), { sectorOf, sightings, rules: { minOrgsPerSector: 1 } });
        const visible = sources.filter((s) => oracleSees(v, s));
        if (visible.length === 0) {
          expect(view).to.equal(null);
          return;
        }
        const times = visible.map((s) => s.seenAt).sort();
        expect(view).to.not.equal(null);
        expect(view!.sources).to.have.deep.members(visible);
        expect(view!.submissionCount).to.equal(visible.length);
        expect(view!.firstSeen).to.equal(times[0]);
        expect(view!.lastSeen).to.equal(times[times.length - 1]);
        expect(view!.sectors).to.deep.equal([...new Set(visible.map((s) => SECTOR.get(s.orgId)!))].sort());
        expect(view!.sightingCount).to.equal(sightings.filter((s) => oracleSees(v, s)).reduce((n, s) => n + s.count, 0));
        expect(view!.falsePositive).to.equal(visible.every((s) => s.falsePositive));
        expect(view!.class).to.equal(CLASSES[Math.max(...visible.map((s) => CLASSES.indexOf(s.class)))]);
        expect(view!.redData).to.equal(visible.some((s) => s.class === 'RED'));
        expect(view!.kinds).to.have.members([...new Set(visible.map((s) => s.kind))]);
      }),
      { numRuns: 400 },
    );
  });

  it('is unchanged by any source or sighting the viewer may not see (no ids, times, sectors or counts leak)', function () {
    fc.assert(
      fc.property(
        viewerArb,
        fc.array(sourceArb, { maxLength: 6 }),
        fc.array(sightingArb, { maxLength: 4 }),
        fc.array(sourceArb, { minLength: 1, maxLength: 6 }),
        fc.array(sightingArb, { maxLength: 4 }),
        (v, drafts, sightingDrafts, hiddenDrafts, hiddenSightingDrafts) => {
          const sources = drafts.map((d, i) => toSource(d, `sub-${i}`)).filter((s) => oracleSees(v, s));
          const sightings = sightingDrafts.map(toSighting).filter((s) => oracleSees(v, s));
          const hidden = hiddenDrafts.map((d, i) => toSource(d, `hidden-sub-${i}`)).filter((s) => !oracleSees(v, s));
          const hiddenSightings = hiddenSightingDrafts.map((d, i) => toSighting(d, 1000 + i)).filter((s) => !oracleSees(v, s));
          fc.pre(hidden.length + hiddenSightings.length > 0);

          const alone = viewOf(v, item(sources), { sectorOf, sightings });
          const mixed = viewOf(v, item([...hidden, ...sources]), {
            sectorOf,
            sightings: [...hiddenSightings, ...sightings],
          });
          expect(mixed).to.deep.equal(alone);
          expect(JSON.stringify(mixed)).not.to.contain('hidden-sub');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never tells an AMBER reader that a RED submission shares an indicator with an AMBER one', function () {
    const reader = viewer(ORGS[1]!, ['reader']); // p2, a participant
    const amber = toSource({ orgId: 'obs', kind: 'network', class: 'AMBER', minutes: 500, falsePositive: false }, 'sub-amber');
    const red = toSource({ orgId: 'p1', kind: 'network', class: 'RED', minutes: 10, falsePositive: false }, 'sub-red');
    const redSighting = toSighting({ orgId: 'p1', class: 'RED', count: 4 }, 1);
    const amberSighting = toSighting({ orgId: 'sec', class: 'AMBER', count: 1 }, 2);

    const rules = { minOrgsPerSector: 1 };
    const withRed = viewOf(reader, item([red, amber]), { sectorOf, sightings: [redSighting, amberSighting], rules });
    const withoutRed = viewOf(reader, item([amber]), { sectorOf, sightings: [amberSighting], rules });
    expect(withRed).to.deep.equal(withoutRed);
    expect(withRed).to.deep.include({
      submissionCount: 1,
      firstSeen: amber.seenAt,
      lastSeen: amber.seenAt,
      sectors: ['telecom'],
      sightingCount: 1,
      redData: false,
    });

    const analyst = viewer(ORGS[4]!, ['analyst']);
    expect(viewOf(analyst, item([red, amber]), { sectorOf, sightings: [redSighting, amberSighting] })).to.deep.include({
      submissionCount: 2,
      firstSeen: red.seenAt,
      sectors: ['finance', 'telecom'],
      sightingCount: 5,
      redData: true,
    });
  });

  it('shows the submitting organisation its own RED source, and no one else’s', function () {
    const owner = viewer(ORGS[0]!, ['submitter']); // p1
    const red = toSource({ orgId: 'p1', kind: 'file', class: 'RED', minutes: 1, falsePositive: false }, 'sub-own');
    const othersRed = toSource({ orgId: 'p2', kind: 'file', class: 'RED', minutes: 0, falsePositive: false }, 'sub-theirs');
    const view = viewOf(owner, item([othersRed, red]), { sectorOf });
    expect(view?.sources.map((s) => s.submissionId)).to.deep.equal(['sub-own']);
    expect(view?.firstSeen).to.equal(red.seenAt);
    expect(viewOf(owner, item([othersRed]), { sectorOf })).to.equal(null);
  });
});
