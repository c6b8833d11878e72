// The MISP feed of one audience, built from indicator views, written as MISP itself writes feeds
// (PyMISP's schema.json: in events, numbers such as `analysis`, `threat_level_id`, `distribution`
// and the timestamps are strings; `published`, `to_ids`, `deleted` booleans; the manifest has
// them as numbers, as PyMISP's MISPEvent.manifest writes it).
//
// One event per (submission, class): the attributes of one submission the audience may see, split
// by their class, so an event's marking (TLP tag, c4tap:class tag, distribution) is exactly the
// class of every attribute in it — never wider. A per-kind submission (network=GREEN file=AMBER)
// becomes a GREEN event and an AMBER event; both name the same report reference in `info`.
// The manifest lists the events; hashes.csv has one line per distinct value (MD5 of the value, and
// the most recently changed event holding it), leaving out soft-deleted attributes.
// The creator (Orgc) is always the exchange; UUIDs are UUIDv5 in the C⁴TAP namespace, so a
// submission's id never appears and re-fetches update the same events.
import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { IndicatorSource, PublicationEntry, SharingClass } from '../../core/types.ts';
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
  readonly disable_correlation: false;
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
  /** '2': completed. */
  readonly analysis: '2';
  /** '4': undefined — the exchange does not rate threat levels. */
  readonly threat_level_id: '4';
  readonly distribution: MispDistribution;
  readonly Orgc: { readonly name: string; readonly uuid: string };
  readonly Tag: readonly MispTag[];
  readonly Attribute: readonly MispAttribute[];
}

/** A manifest entry as PyMISP writes it (MISPEvent.manifest): here the numbers are numbers. */
export interface MispManifestEntry {
  readonly Orgc: MispEvent['Orgc'];
  readonly Tag: readonly MispTag[];
  readonly info: string;
  readonly date: string;
  readonly analysis: 2;
  readonly threat_level_id: 4;
  readonly timestamp: number;
}

export interface MispFeed {
  readonly events: ReadonlyMap<string, MispEvent>;
  readonly manifest: Readonly<Record<string, MispManifestEntry>>;
  readonly hashesCsv: string;
}

const mispUuid = (name: string) => uuidv5(name, C4TAP_STIX_NAMESPACE);
/** The MISP event UUID of a submission's attributes at one class. */
export function eventUuid(submissionId: string, cls: SharingClass): string {
  return mispUuid(`misp-event\u0000${submissionId}\u0000${cls}`);
}
/** A short reference naming the report in `info`, shared by the events of one submission. */
const reportRef = (submissionId: string) => mispUuid(`misp-report\u0000${submissionId}`).slice(0, 8);

const unix = (iso: string) => String(Math.floor(Date.parse(iso) / 1000));
const md5 = (value: string) => createHash('md5').update(value, 'utf8').digest('hex');

function attributeOf(view: IndicatorView, s: IndicatorSource, publishedAt: string): MispAttribute {
  const t = attributeTypeOf(view.type, s.kind);
  return {
    uuid: mispUuid(`misp-attribute\u0000${s.submissionId}\u0000${view.id}\u0000${s.class}`),
    type: t.type,
    category: t.category,
    value: view.value,
    to_ids: t.toIds && !s.falsePositive,
    comment: t.comment ?? '',
    timestamp: unix(publishedAt),
    distribution: DISTRIBUTION[s.class],
    disable_correlation: false,
    deleted: s.falsePositive,
    Tag: tagsFor(s.class),
  };
}

interface Group {
  readonly submissionId: string;
  readonly cls: SharingClass;
  readonly attrs: MispAttribute[];
  readonly seen: string[];
}

function eventOf(g: Group, orgc: MispEvent['Orgc']): MispEvent {
  const uuid = eventUuid(g.submissionId, g.cls);
  const date = g.seen.reduce((a, b) => (b < a ? b : a)).slice(0, 10);
  const timestamp = String(Math.max(...g.attrs.map((a) => Number(a.timestamp))));
  return {
    uuid,
    info: `C4TAP targeted-attack mail report ${reportRef(g.submissionId)} (${date}), ${g.cls} part`,
    date,
    timestamp,
    publish_timestamp: timestamp,
    published: true,
    analysis: '2',
    threat_level_id: '4',
    distribution: DISTRIBUTION[g.cls],
    Orgc: orgc,
    Tag: tagsFor(g.cls),
    Attribute: [...g.attrs].sort((a, b) => (a.uuid < b.uuid ? -1 : 1)),
  };
}

/** One line per distinct live value: its MD5 and the most recently changed event holding it. */
function hashesCsvOf(events: Iterable<MispEvent>): string {
  const holder = new Map<string, MispEvent>();
  for (const e of events) {
    for (const a of e.Attribute) {
      if (a.deleted) continue;
      const h = md5(a.value);
      const prev = holder.get(h);
      if (!prev || Number(e.timestamp) > Number(prev.timestamp) || (e.timestamp === prev.timestamp && e.uuid < prev.uuid)) holder.set(h, e);
    }
  }
  return [...holder]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([h, e]) => `${h},${e.uuid}\n`)
    .join('');
}

/**
 * The feed for views as one audience sees them. `latest` holds the latest log entry of each
 * (indicator, submission) pair: its time is the attribute's timestamp.
 */
export function mispFeed(views: readonly IndicatorView[], latest: ReadonlyMap<string, PublicationEntry>, exchange: ExchangeInfo): MispFeed {
  const groups = new Map<string, Group>();
  for (const view of views) {
    for (const s of view.sources) {
      const publishedAt = latest.get(pairKey(s.indicatorId, s.submissionId))?.publishedAt ?? s.seenAt;
      const key = `${s.submissionId}\u0000${s.class}`;
      const g = groups.get(key) ?? { submissionId: s.submissionId, cls: s.class, attrs: [], seen: [] };
      g.attrs.push(attributeOf(view, s, publishedAt));
      g.seen.push(s.seenAt);
      groups.set(key, g);
    }
  }
  const orgc = { name: exchange.name, uuid: mispUuid(`misp-org\u0000${exchange.name}`) };
  const events = new Map<string, MispEvent>();
  for (const g of groups.values()) {
    const e = eventOf(g, orgc);
    events.set(e.uuid, e);
  }
  const manifest: Record<string, MispManifestEntry> = {};
  for (const e of events.values()) {
    manifest[e.uuid] = { Orgc: e.Orgc, Tag: e.Tag, info: e.info, date: e.date, analysis: 2, threat_level_id: 4, timestamp: Number(e.timestamp) };
  }
  return { events, manifest, hashesCsv: hashesCsvOf(events.values()) };
}
