// Collecting candidate indicators: one candidate per (type, value, kind) with every place it was
// found. A value found as two kinds (a domain as sender domain and as URL host) stays two
// candidates, because each kind carries its own class; the store keeps the most restrictive.
import type { IndicatorType, InfoKind } from '../../core/types.ts';
import type { CandidateIndicator, IndicatorOrigin } from '../types.ts';

export interface CandidateInput {
  readonly type: IndicatorType;
  readonly value: string;
  readonly unicode?: string | undefined;
  readonly kind: InfoKind;
  readonly origin: IndicatorOrigin;
  readonly warningLists?: readonly string[];
}

const key = (type: string, value: string, kind: string) => `${type}\u0000${kind}\u0000${value}`;

function sameOrigin(a: IndicatorOrigin, b: IndicatorOrigin): boolean {
  return a.field === b.field && a.detail === b.detail;
}

/** Adds candidates one by one and merges duplicates, keeping the first-seen order. */
export class CandidateSet {
  private readonly byKey = new Map<string, { -readonly [K in keyof CandidateIndicator]: CandidateIndicator[K] }>();

  add(input: CandidateInput): void {
    if (input.value === '') return;
    const k = key(input.type, input.value, input.kind);
    const found = this.byKey.get(k);
    if (!found) {
      this.byKey.set(k, {
        type: input.type,
        value: input.value,
        ...(input.unicode && input.unicode !== input.value ? { unicode: input.unicode } : {}),
        kind: input.kind,
        origins: [input.origin],
        warningLists: [...(input.warningLists ?? [])],
      });
      return;
    }
    if (!found.origins.some((o) => sameOrigin(o, input.origin))) found.origins = [...found.origins, input.origin];
    const lists = (input.warningLists ?? []).filter((l) => !found.warningLists.includes(l));
    if (lists.length > 0) found.warningLists = [...found.warningLists, ...lists];
  }

  /** Adds an existing candidate, keeping all its origins. */
  addCandidate(c: CandidateIndicator): void {
    for (const origin of c.origins) {
      this.add({ type: c.type, value: c.value, unicode: c.unicode, kind: c.kind, origin, warningLists: c.warningLists });
    }
  }

  list(): CandidateIndicator[] {
    return [...this.byKey.values()];
  }
}

/** Candidates merged by (type, value, kind), origins and warning lists united. */
export function mergeCandidates(candidates: readonly CandidateIndicator[]): CandidateIndicator[] {
  const set = new CandidateSet();
  for (const c of candidates) set.addCandidate(c);
  return set.list();
}
