// The order indicators are listed in wherever people read them (digests, notifications): by type
// in the order of INDICATOR_TYPES, then by value.
import { INDICATOR_TYPES, type IndicatorType } from './types.ts';

const TYPE_RANK: ReadonlyMap<IndicatorType, number> = new Map(INDICATOR_TYPES.map((t, i) => [t, i]));

export function byTypeThenValue(
  a: { readonly type: IndicatorType; readonly value: string },
  b: { readonly type: IndicatorType; readonly value: string },
): number {
  return TYPE_RANK.get(a.type)! - TYPE_RANK.get(b.type)! || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}
