// The order of sharing classes: RED is the most restrictive, WHITE the widest. Every comparison of
// classes in the system goes through these functions.
import { CLASSES, type SharingClass } from './types.ts';

const RANK: Readonly<Record<SharingClass, number>> = { RED: 0, AMBER: 1, YELLOW: 2, GREEN: 3, WHITE: 4 };

export function classRank(cls: SharingClass): number {
  return RANK[cls];
}

/** True when `a` reaches a wider audience than `b`. */
export function isWider(a: SharingClass, b: SharingClass): boolean {
  return RANK[a] > RANK[b];
}

/** The most restrictive of the classes (RED for an empty list: unspecified means RED). */
export function narrowest(classes: Iterable<SharingClass>): SharingClass {
  let out: SharingClass | null = null;
  for (const c of classes) if (out === null || RANK[c] < RANK[out]) out = c;
  return out ?? 'RED';
}

/** The widest of the classes, or null for an empty list. */
export function widest(classes: Iterable<SharingClass>): SharingClass | null {
  let out: SharingClass | null = null;
  for (const c of classes) if (out === null || RANK[c] > RANK[out]) out = c;
  return out;
}

/** Classes at least as wide as `cls`, most restrictive first (AMBER → AMBER, YELLOW, GREEN, WHITE). */
export function classesFrom(cls: SharingClass): readonly SharingClass[] {
  return CLASSES.filter((c) => RANK[c] >= RANK[cls]);
}
