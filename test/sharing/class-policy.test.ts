// The authorisation matrix: every tier × role × class × kind, for the submitting organisation and
// for another one, with and without accepted operating rules, against DESIGN.md §1 (test/sharing/helpers/oracle.ts).
import { expect } from 'chai';
import { CLASSES, KINDS, ROLES, TIERS, type ClassByKind, type SharingClass } from '../../core/types.ts';
import { audienceOf, canSee, canSeeKind, mayReceiveSample, narrow, narrowClasses, visibleKinds, visibleScope } from '../../sharing/class-policy.ts';
import { classRank, narrowest, widest } from '../../core/class-order.ts';
import type { Viewer } from '../../sharing/viewer.ts';
import { oracleSees, org, viewer } from './helpers/oracle.ts';

const SUBMITTER_ORG = 'org-submitter';
const an = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

type Registration = 'registered' | 'rules-not-accepted' | 'disabled';
const REGISTRATIONS: readonly Registration[] = ['registered', 'rules-not-accepted', 'disabled'];

function makeViewer(tier: (typeof TIERS)[number], role: (typeof ROLES)[number], own: boolean, reg: Registration): Viewer {
  const o = org(own ? SUBMITTER_ORG : `org-${tier}`, tier, 'rail', reg !== 'rules-not-accepted');
  return viewer(o, [role], reg === 'disabled' ? 'disabled' : 'active');
}

/** A submission whose `kind` has class `cls` and whose other kinds have a class of the opposite visibility. */
function submissionWith(kind: (typeof KINDS)[number], cls: SharingClass, contrast: SharingClass): { orgId: string; classes: ClassByKind } {
  const classes = { sample: contrast, mail: contrast, network: contrast, file: contrast, [kind]: cls } as ClassByKind;
  return { orgId: SUBMITTER_ORG, classes };
}

describe('class policy: authorisation matrix (DESIGN.md §1)', function () {
  for (const tier of TIERS) {
    for (const role of ROLES) {
      it(`decides every class, kind and registration state for ${an(role)} ${role} of ${an(tier)} ${tier} organisation`, function () {
        const mismatches: string[] = [];
        let checked = 0;
        for (const own of [true, false]) {
          for (const reg of REGISTRATIONS) {
            const v = makeViewer(tier, role, own, reg);
            for (const cls of CLASSES) {
              const expected = oracleSees(v, { orgId: SUBMITTER_ORG, class: cls });
              if (canSee(v, { orgId: SUBMITTER_ORG, class: cls }) !== expected) mismatches.push(`canSee own=${own} ${reg} ${cls}`);
              for (const kind of KINDS) {
                for (const contrast of CLASSES) {
                  const sub = submissionWith(kind, cls, contrast);
                  const expectedKinds = KINDS.filter((k) => oracleSees(v, { orgId: SUBMITTER_ORG, class: sub.classes[k] }));
                  if (canSeeKind(v, sub, kind) !== expected) mismatches.push(`canSeeKind own=${own} ${reg} ${kind}=${cls}`);
                  if (visibleKinds(v, sub).join() !== expectedKinds.join()) mismatches.push(`visibleKinds own=${own} ${reg} ${kind}=${cls} others=${contrast}`);
                  checked++;
                }
              }
            }
          }
        }
        expect(checked).to.equal(2 * 3 * 5 * 4 * 5);
        expect(mismatches).to.deep.equal([]);
      });
    }
  }

  it('lets an anonymous reader see WHITE only', function () {
    expect(CLASSES.filter((c) => canSee(null, { orgId: SUBMITTER_ORG, class: c }))).to.deep.equal(['WHITE']);
    expect(visibleKinds(null, submissionWith('network', 'WHITE', 'GREEN'))).to.deep.equal(['network']);
  });

  it('refuses a principal who claims an organisation it does not belong to', function () {
    const v = makeViewer('participant', 'reader', true, 'registered');
    const impostor: Viewer = { ...v, principal: { ...v.principal, orgId: 'org-elsewhere' } };
    expect(CLASSES.filter((c) => canSee(impostor, { orgId: SUBMITTER_ORG, class: c }))).to.deep.equal(['WHITE']);
  });

  it('describes each audience as the design table does', function () {
    expect(CLASSES.map((c) => [c, audienceOf(c).tiers, audienceOf(c).public])).to.deep.equal([
      ['RED', [], false],
      ['AMBER', ['participant'], false],
      ['YELLOW', ['participant', 'observer'], false],
      ['GREEN', ['participant', 'observer', 'affiliate'], false],
      ['WHITE', ['participant', 'observer', 'affiliate'], true],
    ]);
    for (const c of CLASSES) expect(audienceOf(c).roles).to.have.members(['secretariat', 'analyst']);
  });

  it('scopes store queries exactly as canSee decides, for every viewer', function () {
    const viewers: (Viewer | null)[] = [null];
    for (const tier of TIERS)
      for (const role of ROLES) for (const own of [true, false]) for (const reg of REGISTRATIONS) viewers.push(makeViewer(tier, role, own, reg));
    for (const v of viewers) {
      const scope = visibleScope(v);
      for (const orgId of [SUBMITTER_ORG, 'org-other']) {
        for (const cls of CLASSES) {
          const byScope = scope.classes.includes(cls) || scope.ownOrgId === orgId;
          expect(byScope, `${v?.principal.id ?? 'anonymous'} ${orgId} ${cls}`).to.equal(canSee(v, { orgId, class: cls }));
        }
      }
    }
  });

  it('hands raw samples to the RED audience only, whatever the class', function () {
    for (const tier of TIERS) {
      for (const role of ROLES) {
        const other = makeViewer(tier, role, false, 'registered');
        const own = makeViewer(tier, role, true, 'registered');
        expect(mayReceiveSample(own, SUBMITTER_ORG), `own ${tier} ${role}`).to.equal(true);
        expect(mayReceiveSample(other, SUBMITTER_ORG), `other ${tier} ${role}`).to.equal(role === 'secretariat' || role === 'analyst');
      }
    }
    expect(mayReceiveSample(null, SUBMITTER_ORG)).to.equal(false);
    expect(mayReceiveSample(makeViewer('participant', 'analyst', false, 'rules-not-accepted'), SUBMITTER_ORG)).to.equal(false);
  });
});

describe('class policy: narrowing', function () {
  it('allows every narrowing and refuses every widening without consent', function () {
    for (const current of CLASSES) {
      for (const requested of CLASSES) {
        const r = narrow(current, requested);
        const allowed = CLASSES.indexOf(requested) <= CLASSES.indexOf(current);
        expect(r.ok, `${current} → ${requested}`).to.equal(allowed);
        if (r.ok) expect(r).to.deep.equal({ ok: true, class: requested, changed: requested !== current });
        else expect(r).to.deep.equal({ ok: false, reason: 'widening-needs-consent', current, requested });
      }
    }
  });

  it('widens up to the recorded consent and no further', function () {
    for (const current of CLASSES) {
      for (const consent of CLASSES) {
        for (const requested of CLASSES) {
          const ceiling = Math.max(CLASSES.indexOf(current), CLASSES.indexOf(consent));
          expect(narrow(current, requested, consent).ok, `${current} → ${requested} with consent ${consent}`).to.equal(CLASSES.indexOf(requested) <= ceiling);
        }
      }
    }
  });

  it('narrows per kind and refuses the whole change when one kind would widen', function () {
    const current: ClassByKind = { sample: 'RED', mail: 'AMBER', network: 'GREEN', file: 'AMBER' };
    expect(narrowClasses(current, { network: 'AMBER', mail: 'AMBER' })).to.deep.equal({
      ok: true,
      classes: { ...current, network: 'AMBER' },
      changed: ['network'],
    });
    expect(narrowClasses(current, { network: 'RED', file: 'WHITE' })).to.deep.equal({ ok: false, refused: ['file'] });
    expect(narrowClasses(current, { file: 'GREEN' }, { file: 'GREEN' })).to.deep.include({ ok: true, changed: ['file'] });
  });

  it('orders classes from RED (narrowest) to WHITE (widest)', function () {
    expect([...CLASSES].sort((a, b) => classRank(a) - classRank(b))).to.deep.equal(['RED', 'AMBER', 'YELLOW', 'GREEN', 'WHITE']);
    expect(narrowest(['GREEN', 'AMBER', 'WHITE'])).to.equal('AMBER');
    expect(narrowest([])).to.equal('RED');
    expect(widest(['GREEN', 'AMBER', 'RED'])).to.equal('GREEN');
    expect(widest([])).to.equal(null);
  });
});
