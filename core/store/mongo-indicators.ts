// Indicators and their sources in MongoDB: one document per indicator (`_id` derived from type and
// value by core/ids.ts) and one per (indicator, submission) source, `_id` "<indicatorId>:<submissionId>".
// Both are upserts, so re-running an analysis (or retrying after a crash) updates instead of adding.
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Db } from 'mongodb';
import { indicatorId } from '../ids.ts';
import type { Indicator, IndicatorSource } from '../types.ts';
import type { IndicatorInput, IndicatorWithSources } from './port.ts';
import { fromJson, isDuplicateKey, toJson } from './mongo-db.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { checkLimit } from './store-values.ts';
import type { IndicatorStore } from './ports/indicators.ts';

export type IndicatorDoc = Omit<Indicator, 'id'> & { _id: string };
export type SourceDoc = Omit<IndicatorSource, 'context'> & { _id: string; context: string };

export function sourceKey(indicatorId: string, submissionId: string): string {
  return `${indicatorId}:${submissionId}`;
}

export function indicatorToDoc({ id, ...rest }: Indicator): IndicatorDoc {
  return { _id: id, ...rest };
}

export function docToIndicator(d: IndicatorDoc): Indicator {
  return { id: d._id, type: d.type, value: d.value, createdAt: d.createdAt };
}

export function sourceToDoc(s: IndicatorSource): SourceDoc {
  return { ...s, _id: sourceKey(s.indicatorId, s.submissionId), context: toJson(s.context) };
}

export function docToSource(d: SourceDoc): IndicatorSource {
  return {
    indicatorId: d.indicatorId,
    submissionId: d.submissionId,
    orgId: d.orgId,
    kind: d.kind,
    class: d.class,
    seenAt: d.seenAt,
    falsePositive: d.falsePositive,
    context: fromJson(d.context),
  };
}

/** Indicator and source reads the sharing module shares. */
export interface IndicatorReads {
  /** The indicators with these ids that exist, each with all its sources, in the order of `ids`. */
  withSources(ids: readonly string[]): Promise<IndicatorWithSources[]>;
}

export function mongoIndicatorReads(db: Db): IndicatorReads {
  const indicators = db.collection<IndicatorDoc>(COLLECTIONS.indicators);
  const sources = db.collection<SourceDoc>(COLLECTIONS.sources);
  return {
    async withSources(ids) {
      if (ids.length === 0) return [];
      const list = [...new Set(ids)];
      const found = new Map((await indicators.find({ _id: { $in: list } }).toArray()).map((d) => [d._id, docToIndicator(d)]));
      const bySource = new Map<string, IndicatorSource[]>();
      for (const d of await sources
        .find({ indicatorId: { $in: list } })
        .sort({ seenAt: 1, submissionId: 1 })
        .toArray()) {
        const l = bySource.get(d.indicatorId) ?? [];
        l.push(docToSource(d));
        bySource.set(d.indicatorId, l);
      }
      return list.flatMap((id) => {
        const indicator = found.get(id);
        return indicator ? [{ indicator, sources: bySource.get(id) ?? [] }] : [];
      });
    },
  };
}

export function mongoIndicators(db: Db, reads: IndicatorReads): IndicatorStore {
  const indicators = db.collection<IndicatorDoc>(COLLECTIONS.indicators);
  const sources = db.collection<SourceDoc>(COLLECTIONS.sources);

  /**
   * Runs the upserts in one round trip and returns the `_id`s it inserted, or null when it had to
   * run them twice. A duplicate key means a concurrent upsert inserted the same document first;
   * the upserts are idempotent, so running them again completes them.
   */
  async function upsertAll<D extends { _id: string }>(coll: Collection<D>, ops: AnyBulkWriteOperation<D>[]): Promise<ReadonlySet<string> | null> {
    if (ops.length === 0) return new Set();
    try {
      const result = await coll.bulkWrite(ops, { ordered: false });
      return new Set(Object.values(result.upsertedIds).map(String));
    } catch (err) {
      const dup = isDuplicateKey(err) || (err instanceof MongoBulkWriteError && [err.writeErrors].flat().every((e) => e?.code === 11000));
      if (!dup) throw err;
      await coll.bulkWrite(ops, { ordered: false });
      return null;
    }
  }

  return {
    async upsertIndicators(submissionId, orgId, seenAt, inputs: readonly IndicatorInput[]) {
      const ids: string[] = []; // insertion order, each indicator once
      const written = new Map<string, Indicator>(); // each indicator as this call inserts it, if new
      const indicatorOps: AnyBulkWriteOperation<IndicatorDoc>[] = [];
      const sourceOps = new Map<string, AnyBulkWriteOperation<SourceDoc>>(); // the last input of an indicator wins, as on SQLite
      for (const input of inputs) {
        const id = indicatorId(input.type, input.value);
        if (!written.has(id)) {
          ids.push(id);
          const fields = { type: input.type, value: input.value, createdAt: seenAt };
          written.set(id, { id, ...fields });
          indicatorOps.push({ updateOne: { filter: { _id: id }, update: { $setOnInsert: fields }, upsert: true } });
        }
        // Seeing the indicator again in the same submission updates that source; seenAt and the
        // false-positive mark stay as they were.
        sourceOps.set(id, {
          updateOne: {
            filter: { _id: sourceKey(id, submissionId) },
            update: {
              $set: { kind: input.kind, class: input.class, context: toJson(input.context ?? {}) },
              $setOnInsert: { indicatorId: id, submissionId, orgId, seenAt, falsePositive: false },
            },
            upsert: true,
          },
        });
      }
      const inserted = await upsertAll(indicators, indicatorOps);
      await upsertAll(sources, [...sourceOps.values()]);
      // An indicator this call inserted is what it wrote; only those that existed are read back
      // (their createdAt is the first sighting's): on the corpus, a third of the messages had only
      // new indicators and needed no read.
      const found = new Map<string, Indicator>();
      for (const id of inserted ?? []) found.set(id, written.get(id)!);
      const existing = ids.filter((id) => !found.has(id));
      if (existing.length > 0) for (const d of await indicators.find({ _id: { $in: existing } }).toArray()) found.set(d._id, docToIndicator(d));
      return ids.map((id) => found.get(id)!);
    },
    async getIndicator(id) {
      return (await reads.withSources([id]))[0] ?? null;
    },
    async listIndicatorsForSubmission(submissionId) {
      const ids = (await sources.find({ submissionId }, { projection: { indicatorId: 1 } }).toArray()).map((d) => d.indicatorId);
      const listed = await reads.withSources(ids);
      return listed.sort((a, b) => compare(a.indicator.type, b.indicator.type) || compare(a.indicator.value, b.indicator.value));
    },
    async setSourceFalsePositive(indicatorId, submissionId, falsePositive) {
      return (await sources.updateOne({ _id: sourceKey(indicatorId, submissionId) }, { $set: { falsePositive } })).matchedCount === 1;
    },
    async removeIndicatorSource(indicatorId, submissionId) {
      return (await sources.deleteOne({ _id: sourceKey(indicatorId, submissionId) })).deletedCount === 1;
    },
    async listIndicators(afterId, limit) {
      const docs = await indicators
        .find({ _id: { $gt: afterId ?? '' } })
        .sort({ _id: 1 })
        .limit(checkLimit(limit))
        .toArray();
      return docs.map(docToIndicator);
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
