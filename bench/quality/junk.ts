// Share of published indicators (union over every surface, by type and value) that the reference
// says a warning list or the Received cut should have withheld, by category.
import type { RefClassified } from './reference.ts';

export interface JunkFigures {
  readonly published: number;
  readonly junk: number;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly byType: Readonly<Record<string, number>>;
  readonly examples: Readonly<Record<string, readonly string[]>>;
  /** Every published value the reference would have withheld, with its category. */
  readonly items: readonly RefClassified[];
}

export function junkFigures(classified: readonly RefClassified[]): JunkFigures {
  const byCategory: Record<string, number> = {};
  const byType: Record<string, number> = {};
  const examples: Record<string, string[]> = {};
  let junk = 0;
  for (const c of classified) {
    if (!c.category) continue;
    junk++;
    byCategory[c.category] = (byCategory[c.category] ?? 0) + 1;
    byType[c.type] = (byType[c.type] ?? 0) + 1;
    const ex = (examples[c.category] ??= []);
    if (ex.length < 5) ex.push(`${c.type} ${c.value}`);
  }
  return { published: classified.length, junk, byCategory, byType, examples, items: classified.filter((c) => c.category) };
}
