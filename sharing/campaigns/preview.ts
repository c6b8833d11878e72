// What approving a campaign would hand each reader tier (pure over what the store says): the
// members approval may publish (mayTransition), each source decided exactly as publication.ts
// will (publication-plan.ts decide: false positives and warning-listed values withheld, the
// narrower of the source's and the submission's class). Values in the store are the sanitized
// ones. An indicator reaches a reader of class X when one of its sources is published at X or a
// wider class (RED readers — the staff and the submitting organisations — see every one).
import { classesFrom, classRank } from '../../core/class-order.ts';
import type { FalsePositiveStore, IndicatorStore } from '../../core/store/port.ts';
import { CLASSES, type IndicatorType, type SharingClass, type Submission } from '../../core/types.ts';
import { decide } from '../publication-plan.ts';
import { mayTransition } from '../triage/index.ts';

export interface TierPreview {
  readonly tier: SharingClass;
  readonly indicators: number;
  /** A few of them, the most telling types first. */
  readonly examples: readonly { readonly type: IndicatorType; readonly value: string }[];
}

export interface CampaignPreview {
  /** Members approval may publish (awaiting triage or published). */
  readonly approvable: readonly string[];
  readonly tiers: readonly TierPreview[];
  /** Indicators no tier gets (false positive or warning-listed). */
  readonly withheld: number;
}

const EXAMPLE_ORDER: readonly IndicatorType[] = [
  'url',
  'domain-name',
  'ipv4-addr',
  'ipv6-addr',
  'file-sha256',
  'email-addr',
  'email-subject',
  'file-name',
  'yara-rule',
  'av-signature',
  'email-message-id-domain',
  'x-mailer',
  'file-sha1',
  'file-md5',
];
export const EXAMPLES_PER_TIER = 5;

export async function previewCampaign(store: IndicatorStore & FalsePositiveStore, members: readonly Submission[]): Promise<CampaignPreview> {
  const approvable = members.filter((m) => mayTransition('approve', m.status));
  const widestById = new Map<string, { type: IndicatorType; value: string; cls: SharingClass }>();
  const withheld = new Set<string>();
  for (const sub of approvable) {
    const items = await store.listIndicatorsForSubmission(sub.id);
    const marked = new Set(await store.markedFalsePositives(items.map((i) => i.indicator.id)));
    for (const { indicator, sources } of items)
      for (const s of sources.filter((x) => x.submissionId === sub.id)) {
        const d = decide(s, sub.classes, marked.has(indicator.id));
        if (d.kind === 'withhold') {
          withheld.add(indicator.id);
          continue;
        }
        const before = widestById.get(indicator.id);
        if (!before || classRank(d.class) > classRank(before.cls)) widestById.set(indicator.id, { type: indicator.type, value: indicator.value, cls: d.class });
      }
  }
  for (const id of widestById.keys()) withheld.delete(id);
  const all = [...widestById.values()].sort(
    (a, b) => EXAMPLE_ORDER.indexOf(a.type) - EXAMPLE_ORDER.indexOf(b.type) || classRank(b.cls) - classRank(a.cls) || a.value.localeCompare(b.value),
  );
  const tiers = CLASSES.map((tier) => {
    const seen = all.filter((i) => classesFrom(tier).includes(i.cls));
    return { tier, indicators: seen.length, examples: seen.slice(0, EXAMPLES_PER_TIER).map(({ type, value }) => ({ type, value })) };
  });
  return { approvable: approvable.map((m) => m.id), tiers, withheld: withheld.size };
}
