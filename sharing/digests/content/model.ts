// What one digest says, before it is written as text or HTML: the binding class, and the lines of
// new and withdrawn indicators grouped by campaign and type. Each line is the indicator as the
// STIX export states it (the slice at its primary class: sharing/stix/slice.ts), so the class
// printed on a line covers every figure printed with it, and the value is defanged for reading.
import type { IndicatorType, SharingClass } from '../../../core/types.ts';
import { latestMap, primaryClass, sliceAt } from '../../stix/index.ts';
import { bindingClass } from './banner.ts';
import { defang } from './defang.ts';
import { groupByCampaignAndType, latestPerIndicator, type CampaignGroup } from './grouping.ts';
import type { DigestInput } from './types.ts';

export interface DigestLine {
  readonly indicatorId: string;
  readonly type: IndicatorType;
  /** The live value: only for ordering, never written into a body. */
  readonly value: string;
  /** Defanged, on one line, invisible characters made visible: what the body shows. */
  readonly shown: string;
  readonly class: SharingClass;
  readonly withdrawn: boolean;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Submissions behind the line (at its class); 0 for a withdrawn indicator the reader no longer sees. */
  readonly reports: number;
  readonly campaigns: readonly string[];
}

export interface DigestSection {
  readonly withdrawn: boolean;
  readonly campaigns: readonly CampaignGroup<DigestLine>[];
}

export interface DigestModel {
  readonly class: SharingClass;
  /** The non-empty sections, new or updated indicators first. */
  readonly sections: readonly DigestSection[];
  readonly published: number;
  readonly withdrawn: number;
}

/**
 * Control, bidirectional and zero-width characters as visible `⟨U+202E⟩` markers, so a subject can
 * neither reorder nor hide what the reader sees, nor break the line.
 */
export function oneLine(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g,
    (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}

export function digestModel(input: DigestInput): DigestModel {
  const cls = bindingClass(input);
  const latest = latestMap(input.stixContext.latest);
  const lines = latestPerIndicator(input.entries).map((e): DigestLine => {
    const v = e.view;
    const slice = sliceAt(v, primaryClass(v), latest);
    return {
      indicatorId: v.id,
      type: v.type,
      value: v.value,
      shown: oneLine(defang(v.type, v.value)),
      class: slice?.class ?? v.class,
      // Withdrawn for this reader when every source it may see was retracted (STIX `revoked`).
      withdrawn: v.falsePositive,
      firstSeen: slice?.firstSeen ?? v.firstSeen,
      lastSeen: slice?.lastSeen ?? v.lastSeen,
      reports: slice?.submissionCount ?? v.submissionCount,
      campaigns: e.campaigns,
    };
  });
  const published = lines.filter((l) => !l.withdrawn);
  const withdrawn = lines.filter((l) => l.withdrawn);
  const sections = [
    { withdrawn: false, campaigns: groupByCampaignAndType(published) },
    { withdrawn: true, campaigns: groupByCampaignAndType(withdrawn) },
  ].filter((s) => s.campaigns.length > 0);
  return { class: cls, sections, published: published.length, withdrawn: withdrawn.length };
}
