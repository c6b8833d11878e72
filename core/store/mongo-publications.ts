// The publication log in MongoDB: `_id` is the seq, taken with core/store/mongo-sequence.ts, so
// the log is strictly increasing and gap-free, and a reader pulling after a seq never misses an
// entry that a slower writer adds later. The idempotency key has a unique index: republishing
// returns the entry already in the log, also when two writers publish the same key at once.
//
// Each entry also carries the organisation of its submission and the type of its indicator,
// copied when it is appended (both never change), so the viewer's feed (mongo-sharing.ts) is one
// indexed query instead of the joins SQLite uses. An entry appended before its submission or
// indicator exists has null there and, as with SQLite's joins, matches no "own organisation" or
// "type" condition.
import type { Db, Filter } from 'mongodb';
import type { IndicatorType, PublicationEntry } from '../types.ts';
import type { NewPublication, PublicationQuery } from './port.ts';
import type { IndicatorDoc } from './mongo-indicators.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { numberedLog } from './mongo-sequence.ts';
import type { SubmissionDoc } from './mongo-submissions.ts';
import { checkLimit } from './store-values.ts';
import type { PublicationLogStore } from './ports/publications.ts';

export interface PublicationDoc {
  _id: number;
  key: string;
  action: PublicationEntry['action'];
  indicatorId: string;
  submissionId: string;
  kind: PublicationEntry['kind'];
  class: PublicationEntry['class'];
  publishedAt: string;
  /** Copied from the submission when appended (null if it did not exist). */
  orgId: string | null;
  /** Copied from the indicator when appended (null if it did not exist). */
  indicatorType: IndicatorType | null;
}

export function publicationToDoc(e: PublicationEntry, orgId: string | null, indicatorType: IndicatorType | null): PublicationDoc {
  return {
    _id: e.seq,
    key: e.idempotencyKey,
    action: e.action,
    indicatorId: e.indicatorId,
    submissionId: e.submissionId,
    kind: e.kind,
    class: e.class,
    publishedAt: e.publishedAt,
    orgId,
    indicatorType,
  };
}

export function docToEntry(d: PublicationDoc): PublicationEntry {
  return {
    seq: d._id,
    idempotencyKey: d.key,
    action: d.action,
    indicatorId: d.indicatorId,
    submissionId: d.submissionId,
    kind: d.kind,
    class: d.class,
    publishedAt: d.publishedAt,
  };
}

type EntryContext = { orgId: string | null; indicatorType: IndicatorType | null };

/**
 * The submission's organisation and the indicator's type entries carry (see the file comment),
 * looked up once per submission and indicator of a batch.
 */
export function publicationContexts(db: Db): (submissionId: string, indicatorId: string) => Promise<EntryContext> {
  const orgs = new Map<string, Promise<string | null>>();
  const types = new Map<string, Promise<IndicatorType | null>>();
  const orgOf = (id: string) =>
    db
      .collection<SubmissionDoc>(COLLECTIONS.submissions)
      .findOne({ _id: id }, { projection: { orgId: 1 } })
      .then((d) => d?.orgId ?? null);
  const typeOf = (id: string) =>
    db
      .collection<IndicatorDoc>(COLLECTIONS.indicators)
      .findOne({ _id: id }, { projection: { type: 1 } })
      .then((d) => d?.type ?? null);
  return async (submissionId, indicatorId) => {
    if (!orgs.has(submissionId)) orgs.set(submissionId, orgOf(submissionId));
    if (!types.has(indicatorId)) types.set(indicatorId, typeOf(indicatorId));
    return { orgId: await orgs.get(submissionId)!, indicatorType: await types.get(indicatorId)! };
  };
}

export function mongoPublications(db: Db): PublicationLogStore {
  const publications = db.collection<PublicationDoc>(COLLECTIONS.publications);
  const byKey = async (key: string) => {
    const d = await publications.findOne({ key });
    return d ? docToEntry(d) : null;
  };

  const log = numberedLog(publications);

  async function appendOne(e: NewPublication, now: string, contextOf: ReturnType<typeof publicationContexts>): Promise<PublicationEntry> {
    const context = await contextOf(e.submissionId, e.indicatorId);
    // No lookup first: an existing idempotency key makes the insert fail, and `byKey` then finds it.
    const result = await log.insert(
      (seq) => publicationToDoc({ ...e, seq, publishedAt: now }, context.orgId, context.indicatorType),
      () => byKey(e.idempotencyKey),
    );
    return 'inserted' in result ? docToEntry(result.inserted) : result.existing;
  }

  return {
    async appendPublications(entries: readonly NewPublication[], now: string) {
      // In order, one after the other: each entry's seq is above the previous one's.
      const out: PublicationEntry[] = [];
      const contextOf = publicationContexts(db);
      for (const e of entries) out.push(await appendOne(e, now, contextOf));
      return out;
    },
    async listPublications(q: PublicationQuery) {
      const limit = checkLimit(q.limit);
      const filter: Filter<PublicationDoc> = { _id: { $gt: q.afterSeq } };
      if (q.classes) filter.class = { $in: [...q.classes] };
      if (q.indicatorIds) filter.indicatorId = { $in: [...q.indicatorIds] };
      return (await publications.find(filter).sort({ _id: 1 }).limit(limit).toArray()).map(docToEntry);
    },
    lastPublicationSeq: () => log.highest(),
  };
}
