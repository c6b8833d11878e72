// Which clustering features make submissions one campaign (pure). analysis/correlate records five
// feature types per submission; only the ones an analyst can check as "the same mailing" bind:
//   attachment-sha256            the same attachment, byte for byte;
//   url-host                     a link to the same registrable domain (warning-listed hosts such
//                                as webmail, cloud storage and shorteners were never recorded);
//   sender-ip + subject-template the same sending host with the same subject template;
//   sender-domain + subject-template the same sender domain with the same subject template.
// A subject template alone ("invoice #"), a sender domain alone (spoofed freely) or a sender IP
// alone (a shared relay) link unrelated mail and do not bind. Campaigns are the connected
// components of submissions linked by a binding key (union-find), so two waves of one campaign
// that share a URL host with a third submission are one campaign.
import type { ClusterFeature, ClusterFeatureType } from '../../core/types.ts';

/** A binding key: what members of a campaign share, as shown in its evidence. */
export interface BindingKey {
  /** `attachment-sha256`, `url-host`, `sender-ip+subject-template`, `sender-domain+subject-template`. */
  readonly type: string;
  /** The value (for pairs: sender, then template, separated by ` | `). */
  readonly value: string;
}

const ALONE: readonly ClusterFeatureType[] = ['attachment-sha256', 'url-host'];
const WITH_TEMPLATE: readonly ClusterFeatureType[] = ['sender-ip', 'sender-domain'];
/** Every feature type that takes part in a binding key. */
export const BINDING_TYPES: readonly ClusterFeatureType[] = [...ALONE, ...WITH_TEMPLATE, 'subject-template'];

/** The binding keys of one submission's features. */
export function bindingKeys(features: readonly ClusterFeature[]): BindingKey[] {
  const out: BindingKey[] = features.filter((f) => ALONE.includes(f.type)).map((f) => ({ type: f.type, value: f.value }));
  const templates = features.filter((f) => f.type === 'subject-template');
  for (const sender of features.filter((f) => WITH_TEMPLATE.includes(f.type)))
    for (const t of templates) out.push({ type: `${sender.type}+subject-template`, value: `${sender.value} | ${t.value}` });
  return out;
}

/** The features to search the store by to find a submission's possible campaign mates (one per key: the template stands for a pair). */
export function searchFeatures(features: readonly ClusterFeature[]): ClusterFeature[] {
  const hasSender = features.some((f) => WITH_TEMPLATE.includes(f.type));
  return features.filter((f) => ALONE.includes(f.type) || (f.type === 'subject-template' && hasSender));
}

export const keyText = (k: BindingKey): string => `${k.type}\u0000${k.value}`;

/** Groups of submissions linked by binding keys: only groups of two or more, each with the keys its members share. */
export interface BindingGroup {
  readonly members: string[];
  /** The keys at least two members share. */
  readonly keys: Map<string, { readonly key: BindingKey; readonly members: string[] }>;
}

export function groupByBinding(featuresBySubmission: ReadonlyMap<string, readonly ClusterFeature[]>): BindingGroup[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let y = x; y !== root;) {
      const next = parent.get(y)!;
      parent.set(y, root);
      y = next;
    }
    return root;
  };
  const byKey = new Map<string, { key: BindingKey; members: string[] }>();
  for (const [id, features] of featuresBySubmission) {
    parent.set(id, id);
    for (const key of bindingKeys(features)) {
      const entry = byKey.get(keyText(key)) ?? { key, members: [] };
      if (!entry.members.includes(id)) entry.members.push(id);
      byKey.set(keyText(key), entry);
    }
  }
  for (const { members } of byKey.values()) for (const m of members.slice(1)) parent.set(find(m), find(members[0]!));
  const groups = new Map<string, BindingGroup>();
  for (const id of featuresBySubmission.keys()) {
    const root = find(id);
    const g: BindingGroup = groups.get(root) ?? { members: [], keys: new Map() };
    g.members.push(id);
    groups.set(root, g);
  }
  for (const [text, entry] of byKey) if (entry.members.length > 1) groups.get(find(entry.members[0]!))!.keys.set(text, entry);
  return [...groups.values()].filter((g) => g.members.length > 1);
}
