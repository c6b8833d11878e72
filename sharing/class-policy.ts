// The sharing classes of DESIGN.md §1 as pure functions. Every part of the system that decides
// who may see something asks here; nothing else compares tiers, roles and classes.
//
//   RED    the submitting organisation, the secretariat, the analysts
//   AMBER  RED + all participants
//   YELLOW AMBER + observers (who accepted the operating rules)
//   GREEN  YELLOW + affiliates
//   WHITE  anyone
//
// Only registered principals handle information: an active principal of an organisation that
// accepted the operating rules. Anyone else (and an anonymous reader) sees WHITE only.
import { KINDS, type ClassByKind, type InfoKind, type Role, type SharingClass, type Tier } from '../core/types.ts';
import { classesFrom, isWider } from '../core/class-order.ts';
import type { Viewer } from './viewer.ts';

export interface Audience {
  /** The organisation that submitted the information always sees it. */
  readonly submittingOrg: true;
  /** Roles that see every class (the secretariat and the analysts). */
  readonly roles: readonly Role[];
  /** Organisation tiers that see it besides the submitting organisation. */
  readonly tiers: readonly Tier[];
  /** Anyone, registered or not, may see it (may be published openly). */
  readonly public: boolean;
}

const ALL_CLASS_ROLES: readonly Role[] = ['secretariat', 'analyst'];

const TIERS_OF: Readonly<Record<SharingClass, readonly Tier[]>> = {
  RED: [],
  AMBER: ['participant'],
  YELLOW: ['participant', 'observer'],
  GREEN: ['participant', 'observer', 'affiliate'],
  WHITE: ['participant', 'observer', 'affiliate'],
};

export function audienceOf(cls: SharingClass): Audience {
  return { submittingOrg: true, roles: ALL_CLASS_ROLES, tiers: TIERS_OF[cls], public: cls === 'WHITE' };
}

/** Something shared under a class by a submitting organisation (a source, a sighting, a log entry). */
export interface Shareable {
  readonly orgId: string;
  readonly class: SharingClass;
}

/** An active principal of its own organisation, which accepted the operating rules. */
export function isRegistered(viewer: Viewer | null): viewer is Viewer {
  return viewer !== null && viewer.principal.status === 'active' && viewer.principal.orgId === viewer.org.id && viewer.org.rulesAcceptedAt !== null;
}

/** Secretariat and analysts: the RED audience of every submission. */
export function seesAllClasses(viewer: Viewer | null): boolean {
  return isRegistered(viewer) && viewer.principal.roles.some((r) => ALL_CLASS_ROLES.includes(r));
}

export function canSee(viewer: Viewer | null, item: Shareable): boolean {
  const audience = audienceOf(item.class);
  if (audience.public) return true;
  if (!isRegistered(viewer)) return false;
  if (viewer.org.id === item.orgId) return true;
  if (viewer.principal.roles.some((r) => audience.roles.includes(r))) return true;
  return audience.tiers.includes(viewer.org.tier);
}

/** May the viewer see this kind of a submission's information (per-kind classes)? */
export function canSeeKind(viewer: Viewer | null, item: { readonly orgId: string; readonly classes: ClassByKind }, kind: InfoKind): boolean {
  return canSee(viewer, { orgId: item.orgId, class: item.classes[kind] });
}

export function visibleKinds(viewer: Viewer | null, item: { readonly orgId: string; readonly classes: ClassByKind }): readonly InfoKind[] {
  return KINDS.filter((k) => canSeeKind(viewer, item, k));
}

/**
 * Raw samples (mail, attachments) go to the RED audience only, whatever the sample kind's class:
 * the submitting organisation, the secretariat and the analysts.
 */
export function mayReceiveSample(viewer: Viewer | null, submittingOrgId: string): boolean {
  return canSee(viewer, { orgId: submittingOrgId, class: 'RED' });
}

/**
 * What a store query must match for this viewer: entries of `classes` from any organisation,
 * plus every entry of `ownOrgId` (the viewer's own submissions), whatever their class.
 */
export interface VisibleScope {
  readonly classes: readonly SharingClass[];
  readonly ownOrgId: string | null;
}

export function visibleScope(viewer: Viewer | null): VisibleScope {
  if (!isRegistered(viewer)) return { classes: ['WHITE'], ownOrgId: null };
  if (seesAllClasses(viewer)) return { classes: classesFrom('RED'), ownOrgId: null };
  const first = (['AMBER', 'YELLOW', 'GREEN'] as const).find((c) => TIERS_OF[c].includes(viewer.org.tier)) ?? 'WHITE';
  return { classes: classesFrom(first), ownOrgId: viewer.org.id };
}

export type NarrowOutcome =
  | { readonly ok: true; readonly class: SharingClass; readonly changed: boolean }
  | { readonly ok: false; readonly reason: 'widening-needs-consent'; readonly current: SharingClass; readonly requested: SharingClass };

/**
 * A class change asked for by an analyst. Narrowing (or keeping) is always allowed; widening is
 * allowed only up to the widest class the submitter agreed to (`consent`: their original choice
 * or a consent recorded later), never beyond it.
 */
export function narrow(current: SharingClass, requested: SharingClass, consent: SharingClass | null = null): NarrowOutcome {
  const ceiling = consent !== null && isWider(consent, current) ? consent : current;
  if (isWider(requested, ceiling)) return { ok: false, reason: 'widening-needs-consent', current, requested };
  return { ok: true, class: requested, changed: requested !== current };
}

export type ClassesOutcome =
  { readonly ok: true; readonly classes: ClassByKind; readonly changed: readonly InfoKind[] } | { readonly ok: false; readonly refused: readonly InfoKind[] };

/** `narrow` for each kind of a submission; kinds left out keep their class. */
export function narrowClasses(current: ClassByKind, requested: Partial<ClassByKind>, consent: Partial<ClassByKind> = {}): ClassesOutcome {
  const next = { ...current };
  const changed: InfoKind[] = [];
  const refused: InfoKind[] = [];
  for (const kind of KINDS) {
    const want = requested[kind];
    if (want === undefined) continue;
    const r = narrow(current[kind], want, consent[kind] ?? null);
    if (!r.ok) refused.push(kind);
    else if (r.changed) {
      next[kind] = r.class;
      changed.push(kind);
    }
  }
  return refused.length > 0 ? { ok: false, refused } : { ok: true, classes: next, changed };
}
