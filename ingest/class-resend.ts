// A report sent again (same original, so the same submission) with another class: the submission
// keeps the class it has — a resend must not widen what was shared, nor silently narrow it — and
// the submitter is told so, in the SMTP reply and the receipt, with how to change it (issue 15).
import { CLASSES, KINDS, type ClassByKind, type InfoKind, type SharingClass } from '../core/types.ts';

/** CLASSES runs from the most restrictive (RED) to the widest (WHITE), as in class-directives. */
const isWider = (a: SharingClass, b: SharingClass) => CLASSES.indexOf(a) > CLASSES.indexOf(b);

/** The classes a duplicate asked for that were not applied, beside the ones the submission keeps. */
export interface ClassNotApplied {
  readonly current: ClassByKind;
  readonly requested: ClassByKind;
  /** Kinds the message asked to narrow / to widen. */
  readonly narrower: readonly InfoKind[];
  readonly wider: readonly InfoKind[];
}

/** null when the message asked for exactly the classes the submission has. */
export function classNotApplied(current: ClassByKind, requested: ClassByKind): ClassNotApplied | null {
  const narrower = KINDS.filter((k) => isWider(current[k], requested[k]));
  const wider = KINDS.filter((k) => isWider(requested[k], current[k]));
  return narrower.length + wider.length === 0 ? null : { current, requested, narrower, wider };
}

/** "AMBER" when every kind has it, else "sample=RED mail=GREEN network=GREEN file=AMBER" (directive syntax). */
export function classesText(c: ClassByKind): string {
  const first = c[KINDS[0]];
  return KINDS.every((k) => c[k] === first) ? first : KINDS.map((k) => `${k}=${c[k]}`).join(' ');
}
