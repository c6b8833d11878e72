// Searches every collected byte, under every reading (decodings.ts), for every planted identifier.
import { readingsOf } from './decodings.ts';
import type { Identifier } from './identifiers.ts';
import type { Surface } from './collect-api.ts';

export interface LeakHit {
  readonly surface: string;
  readonly kind: string;
  readonly identifier: string;
  readonly owner: string;
  readonly encoding: string;
  readonly context: string;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function matcherOf(identifiers: readonly Identifier[]): RegExp {
  // Longest first, so an address is reported as the address and not as its domain.
  const sorted = [...identifiers].sort((a, b) => b.text.length - a.text.length);
  return new RegExp(sorted.map((i) => escape(i.text)).join('|'), 'gi');
}

/** Hits in one text: one per (identifier, reading), the first place it occurs. */
export function scanText(surface: string, text: string, identifiers: readonly Identifier[], matcher: RegExp): LeakHit[] {
  const byText = new Map(identifiers.map((i) => [i.text, i]));
  const hits = new Map<string, LeakHit>();
  const seenIds = new Set<string>();
  for (const r of readingsOf(text)) {
    const lower = r.text.normalize('NFKC').toLowerCase();
    for (const m of lower.matchAll(matcher)) {
      const id = byText.get(m[0]);
      if (!id || seenIds.has(id.text)) continue;
      seenIds.add(id.text);
      const at = m.index ?? 0;
      const context = lower.slice(Math.max(0, at - 60), at + m[0].length + 60).replace(/\s+/g, ' ');
      hits.set(id.text, { surface, kind: id.kind, identifier: id.text, owner: id.owner, encoding: r.encoding, context });
    }
  }
  return [...hits.values()];
}

export function scanSurfaces(surfaces: readonly Surface[], identifiers: readonly Identifier[]): LeakHit[] {
  const matcher = matcherOf(identifiers);
  return surfaces.flatMap((s) => scanText(s.name, s.body, identifiers, matcher));
}
