// Sanitized candidates as the store takes them: one input per (type, value). A value found as two
// kinds (a domain as sender domain, `mail`, and as URL host, `network`) is stored once, under the
// kind whose class is the most restrictive, so nothing reaches a wider audience than the
// submitter allowed for any of the places it was found. The context keeps every origin, kind and
// warning list for the analyst and for correlation.
import type { IndicatorInput } from '../../core/store/port.ts';
import { CLASSES, type ClassByKind, type InfoKind } from '../../core/types.ts';
import type { CandidateIndicator } from '../types.ts';

export interface StoredContext {
  readonly origins: CandidateIndicator['origins'];
  readonly kinds: readonly InfoKind[];
  readonly warningLists: readonly string[];
  /** Lists that only warn (the indicator is published): for the analyst. */
  readonly advisories?: readonly string[];
  readonly unicode?: string;
}

export function toIndicatorInputs(candidates: readonly CandidateIndicator[], classes: ClassByKind): IndicatorInput[] {
  const byKey = new Map<string, CandidateIndicator[]>();
  for (const c of candidates) {
    const key = `${c.type}\u0000${c.value}`;
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  return [...byKey.values()].map((group) => {
    const first = group[0]!;
    const strictest = group.reduce((a, b) => (CLASSES.indexOf(classes[b.kind]) < CLASSES.indexOf(classes[a.kind]) ? b : a));
    const unicode = group.find((c) => c.unicode)?.unicode;
    const advisories = [...new Set(group.flatMap((c) => c.advisories ?? []))];
    const context: StoredContext = {
      origins: group.flatMap((c) => c.origins),
      kinds: [...new Set(group.map((c) => c.kind))],
      warningLists: [...new Set(group.flatMap((c) => c.warningLists))],
      ...(advisories.length > 0 ? { advisories } : {}),
      ...(unicode ? { unicode } : {}),
    };
    return { type: first.type, value: first.value, kind: strictest.kind, class: classes[strictest.kind], context: { ...context } };
  });
}

/** The warning lists recorded in a stored source's context (see toIndicatorInputs), or []. */
export { warningListsOf as storedWarningLists } from '../../core/indicator-context.ts';
