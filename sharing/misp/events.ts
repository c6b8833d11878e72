// The MISP feed of one audience, built from indicator views: one event per submission holding the
// attributes of that submission's sources the audience may see, a manifest of the events and
// hashes.csv (MD5 of each attribute value with its event, as PyMISP writes feeds). The creator
// (Orgc) is always the exchange; event and attribute UUIDs are UUIDv5 in the C⁴TAP namespace, so
// a submission's id never appears and re-fetches update the same events.
import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { IndicatorSource, PublicationEntry, SharingClass } from '../../core/types.ts';
import { widest } from '../class-order.ts';
import type { IndicatorView } from '../indicator-view.ts';
import { pairKey } from '../publication-plan.ts';
import { C4TAP_STIX_NAMESPACE, type ExchangeInfo } from '../stix/index.ts';
import { DISTRIBUTION, attributeTypeOf, tagsFor, type MispDistribution, type MispTag } from './mapping.ts';

export interface MispAttribute {
  readonly uuid: string;
  readonly type: string;
  readonly category: string;
  readonly value: string;
  readonly to_ids: boolean;
  readonly comment: string;
  readonly timestamp: string;
  readonly distribution: MispDistribution;
  /** A retracted source: consumers soft-delete the attribute. */
  readonly deleted: boolean;
  readonly Tag: readonly MispTag[];
}

export interface MispEvent {
  readonly uuid: string;
  readonly info: string;
  readonly date: string;
  readonly timestamp: string;
  readonly publish_timestamp: string;
  readonly published: true;
  readonly analysis: 2;
  /** 4: undefined — the exchange does not rate threat levels. */
  readonly threat_level_id: 4;
  readonly distribution: MispDistribution;
  readonly Orgc: { readonly name: string; readonly uuid: string };
  readonly Tag: readonly MispTag[];
  readonly Attribute: readonly MispAttribute[];
}

export interface MispManifestEntry {
  readonly Orgc: MispEvent['Orgc'];
  readonly Tag: readonly MispTag[];
  readonly info: string;
  readonly date: string;
  readonly analysis: 2;
  readonly threat_level_id: 4;
  readonly timestamp: string;
}

export interface MispFeed {
  readonly events: ReadonlyMap<string, MispEvent>;
  readonly manifest: Readonly<Record<string, MispManifestEntry>>;
  readonly hashesCsv: string;
}

const mispUuid = (name: string) => uuidv5(name, C4TAP_STIX_NAMESPACE);
/** The MISP event UUID of a submission. */
export function eventUuid(submissionId: string): string {
  return mispUuid(`misp-event\u0000${submissionId}`);
}

const unix = (iso: string) => String(Math.floor(Date.parse(iso) / 1000));

function attributeOf(view: IndicatorView, s: IndicatorSource, publishedAt: string): MispAttribute {
  const t = attributeTypeOf(view.type, s.kind);
  return {
    uuid: mispUuid(`misp-attribute\u0000${s.submissionId}\u0000${view.id}`),
    type: t.type,
    category: t.category,
    value: view.value,
    to_ids: t.toIds && !s.falsePositive,
    comment: t.comment ?? '',
    timestamp: unix(publishedAt),
    distribution: DISTRIBUTION[s.class],
    deleted: s.falsePositive,
    Tag: tagsFor(s.class),
  };
}

/**
 * The feed for views as one audience sees them. `latest` holds the latest log entry of each
 * (indicator, submission) pair: its time is the attribute's timestamp.
 */
export function mispFeed(views: readonly IndicatorView[], latest: ReadonlyMap<string, PublicationEntry>, exchange: ExchangeInfo): MispFeed {
  const bySubmission = new Map<string, { attrs: MispAttribute[]; classes: SharingClass[]; seen: string[] }>();
  for (const view of views) {
    for (const s of view.sources) {
      const publishedAt = latest.get(pairKey(s.indicatorId, s.submissionId))?.publishedAt ?? s.seenAt;
      const group = bySubmission.get(s.submissionId) ?? { attrs: [], classes: [], seen: [] };
      group.attrs.push(attributeOf(view, s, publishedAt));
      group.classes.push(s.class);
      group.seen.push(s.seenAt);
      bySubmission.set(s.submissionId, group);
    }
  }
  const orgc = { name: exchange.name, uuid: mispUuid(`misp-org\u0000${exchange.name}`) };
  const events = new Map<string, MispEvent>();
  for (const [submissionId, g] of bySubmission) {
    // The event reaches as far as its widest attribute; MISP keeps each narrower attribute narrower.
    const cls = widest(g.classes)!;
    const uuid = eventUuid(submissionId);
    const date = g.seen.reduce((a, b) => (b < a ? b : a)).slice(0, 10);
    const timestamp = String(Math.max(...g.attrs.map((a) => Number(a.timestamp))));
    const attrs = [...g.attrs].sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
    events.set(uuid, {
      uuid,
      info: `C4TAP targeted-attack mail report ${uuid.slice(0, 8)} (${date})`,
      date,
      timestamp,
      publish_timestamp: timestamp,
      published: true,
      analysis: 2,
      threat_level_id: 4,
      distribution: DISTRIBUTION[cls],
      Orgc: orgc,
      Tag: tagsFor(cls),
      Attribute: attrs,
    });
  }
  const manifest: Record<string, MispManifestEntry> = {};
  const hashes: string[] = [];
  for (const e of events.values()) {
    manifest[e.uuid] = { Orgc: e.Orgc, Tag: e.Tag, info: e.info, date: e.date, analysis: e.analysis, threat_level_id: e.threat_level_id, timestamp: e.timestamp };
    for (const a of e.Attribute) hashes.push(`${createHash('md5').update(a.value, 'utf8').digest('hex')},${e.uuid}\n`);
  }
  return { events, manifest, hashesCsv: hashes.join('') };
}
