// How a digest orders its indicators: by campaign (named campaigns alphabetically, the
// unattributed ones last), then by indicator type (in the order of INDICATOR_TYPES), then by value.
// An indicator tied to several campaigns is listed under each, so every campaign reads complete.
import type { IndicatorType } from '../../../core/types.ts';
import { byTypeThenValue } from '../../../core/indicator-order.ts';
import type { DigestEntry } from './types.ts';

export interface TypeGroup<T> {
  readonly type: IndicatorType;
  readonly items: readonly T[];
}

export interface CampaignGroup<T> {
  /** null: no source the recipient may see names a campaign. */
  readonly campaign: string | null;
  readonly types: readonly TypeGroup<T>[];
}

export interface Groupable {
  readonly type: IndicatorType;
  readonly value: string;
  readonly campaigns: readonly string[];
}

/** One entry per indicator, the latest (highest seq) when the caller passed several. */
export function latestPerIndicator(entries: readonly DigestEntry[]): readonly DigestEntry[] {
  const byId = new Map<string, DigestEntry>();
  for (const e of entries) {
    const seen = byId.get(e.view.id);
    if (!seen || e.seq > seen.seq) byId.set(e.view.id, e);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export function groupByCampaignAndType<T extends Groupable>(items: readonly T[]): readonly CampaignGroup<T>[] {
  const byCampaign = new Map<string | null, T[]>();
  for (const item of items) {
    const names = [...new Set(item.campaigns.map((c) => c.trim()).filter((c) => c !== ''))];
    for (const name of names.length > 0 ? names : [null]) {
      const list = byCampaign.get(name) ?? [];
      list.push(item);
      byCampaign.set(name, list);
    }
  }
  const named = [...byCampaign.keys()].filter((k): k is string => k !== null).sort((a, b) => a.localeCompare(b, 'en'));
  const order = byCampaign.has(null) ? [...named, null] : named;
  return order.map((campaign) => {
    const sorted = [...byCampaign.get(campaign)!].sort(byTypeThenValue);
    const types: { type: IndicatorType; items: T[] }[] = [];
    for (const item of sorted) {
      const last = types[types.length - 1];
      if (last && last.type === item.type) last.items.push(item);
      else types.push({ type: item.type, items: [item] });
    }
    return { campaign, types };
  });
}
