// Sharing reads in MongoDB: indicators in batches, the latest publication of each source, the
// publication log filtered for one viewer (on the organisation and indicator type each entry
// carries, see mongo-publications.ts), and sightings. Sighting ids are numbered like the
// publication log (mongo-sequence.ts); the idempotency key is unique per organisation.
import type { Db, Filter } from 'mongodb';
import type { PublicationEntry, Sighting } from '../types.ts';
import type { FeedPageEntry, NewSighting, PublicationFeedQuery } from './port.ts';
import type { IndicatorReads } from './mongo-indicators.ts';
import { docToEntry, type PublicationDoc } from './mongo-publications.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { numberedLog } from './mongo-sequence.ts';
import { checkLimit } from './store-values.ts';
import type { SharingReadStore } from './ports/sharing.ts';

export interface SightingDoc extends Omit<Sighting, 'id'> {
  _id: number;
  /**
   * "k:<idempotency key>", or "n:<id>" for a sighting without one. Unique per organisation; the
   * prefixes keep the two apart, since FerretDB v1 has no partial indexes to leave keyless ones out.
   */
  dedup: string;
}

export function sightingToDoc({ id, ...rest }: Sighting, idempotencyKey: string | null): SightingDoc {
  return { _id: id, ...rest, dedup: idempotencyKey === null ? `n:${id}` : `k:${idempotencyKey}` };
}

export function docToSighting(d: SightingDoc): Sighting {
  return { id: d._id, indicatorId: d.indicatorId, orgId: d.orgId, class: d.class, count: d.count, seenAt: d.seenAt, reportedAt: d.reportedAt };
}

/** The idempotency key a stored sighting was recorded with, or null. */
export function sightingKey(d: SightingDoc): string | null {
  return d.dedup.startsWith('k:') ? d.dedup.slice(2) : null;
}

export function mongoSharing(db: Db, reads: IndicatorReads): SharingReadStore {
  const publications = db.collection<PublicationDoc>(COLLECTIONS.publications);
  const sightings = db.collection<SightingDoc>(COLLECTIONS.sightings);
  const log = numberedLog(sightings);

  const methods: SharingReadStore = {
    getIndicators: (ids) => reads.withSources(ids),
    async latestPublications(ids) {
      if (ids.length === 0) return [];
      // FerretDB v1 has no $last accumulator: the newest entry of each pair is kept while reading in seq order.
      const latest = new Map<string, PublicationEntry>();
      for (const d of await publications
        .find({ indicatorId: { $in: [...ids] } })
        .sort({ _id: 1 })
        .toArray()) {
        latest.set(`${d.indicatorId}\u0000${d.submissionId}`, docToEntry(d));
      }
      return [...latest.values()].sort((a, b) => a.seq - b.seq);
    },
    async listPublicationFeed(q: PublicationFeedQuery) {
      const limit = checkLimit(q.limit);
      const visible: Filter<PublicationDoc>[] = [{ class: { $in: [...q.classes] } }];
      if (q.ownOrg) visible.push({ orgId: q.ownOrg.orgId, class: { $in: [...q.ownOrg.classes] } });
      const conditions: Filter<PublicationDoc>[] = [{ _id: { $gt: q.afterSeq } }, { $or: visible }];
      if (q.types) conditions.push({ indicatorType: { $in: [...q.types] } });
      if (q.publishedAfter !== undefined) conditions.push({ publishedAt: { $gt: q.publishedAfter } });
      return (await publications.find({ $and: conditions }).sort({ _id: 1 }).limit(limit).toArray()).map(docToEntry);
    },
    async listFeedPage(q: PublicationFeedQuery) {
      const entries = await methods.listPublicationFeed(q);
      const newest = new Map<string, number>(entries.map((e) => [e.indicatorId, e.seq]));
      const ids = [...newest.keys()];
      const [items, latest, seen] = await Promise.all([methods.getIndicators(ids), methods.latestPublications(ids), methods.listSightings(ids)]);
      const decided = new Map(latest.map((e) => [`${e.indicatorId}\u0000${e.submissionId}`, e]));
      const sightingsOf = new Map<string, Sighting[]>();
      for (const g of seen) sightingsOf.set(g.indicatorId, [...(sightingsOf.get(g.indicatorId) ?? []), g]);
      const current = new Map(
        items.map((item) => [
          item.indicator.id,
          {
            indicator: item.indicator,
            sources: item.sources.flatMap((source) => {
              const e = decided.get(`${source.indicatorId}\u0000${source.submissionId}`);
              return e ? [{ source, latest: { action: e.action, class: e.class } }] : [];
            }),
            sightings: sightingsOf.get(item.indicator.id) ?? [],
          },
        ]),
      );
      return entries.map((entry): FeedPageEntry => ({
        entry,
        current: newest.get(entry.indicatorId) === entry.seq ? (current.get(entry.indicatorId) ?? null) : null,
      }));
    },
    async addSighting(s: NewSighting, now: string) {
      const byKey = async () => {
        if (s.idempotencyKey === null) return null;
        const d = await sightings.findOne({ orgId: s.orgId, dedup: `k:${s.idempotencyKey}` });
        return d ? docToSighting(d) : null;
      };
      // No lookup first: a repeated key makes the insert fail, and `byKey` then finds the first one.
      const result = await log.insert(
        (id) =>
          sightingToDoc(
            { id, indicatorId: s.indicatorId, orgId: s.orgId, class: s.class, count: s.count, seenAt: s.seenAt, reportedAt: now },
            s.idempotencyKey,
          ),
        byKey,
      );
      return 'inserted' in result ? { sighting: docToSighting(result.inserted), created: true } : { sighting: result.existing, created: false };
    },
    async listSightings(ids) {
      if (ids.length === 0) return [];
      return (
        await sightings
          .find({ indicatorId: { $in: [...ids] } })
          .sort({ _id: 1 })
          .toArray()
      ).map(docToSighting);
    },
  };
  return methods;
}
