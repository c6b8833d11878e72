// The console's collections in MongoDB: server-side sessions, second-factor bookkeeping and the
// queue search over submissions. Using a recovery code and accepting a TOTP step are one
// conditional single-document update each, so a code or a step is accepted once, also when two
// requests race.
import type { Db, Filter } from 'mongodb';
import type { ConsoleSession, SecondFactor, SubmissionSearch } from './port.ts';
import { fromJson, isDuplicateKey, toJson } from './mongo-db.ts';
import type { IndicatorDoc, SourceDoc } from './mongo-indicators.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { countByStatus, pageSubmissions, submissionFilter, type SubmissionDoc } from './mongo-submissions.ts';
import { definedOnly } from './store-values.ts';
import { containsPatternSource } from './search-pattern.ts';
import type { ConsoleStore } from './ports/console.ts';

export type SessionDoc = Omit<ConsoleSession, 'idHash' | 'data'> & { _id: string; data: string };
export type FactorDoc = Omit<SecondFactor, 'principalId'> & { _id: string };

export function sessionToDoc({ idHash, data, ...rest }: ConsoleSession): SessionDoc {
  return { _id: idHash, ...rest, data: toJson(data) };
}

export function docToSession(d: SessionDoc): ConsoleSession {
  return {
    idHash: d._id,
    principalId: d.principalId,
    stage: d.stage,
    createdAt: d.createdAt,
    lastSeenAt: d.lastSeenAt,
    clientAddress: d.clientAddress,
    data: fromJson(d.data),
  };
}

export function factorToDoc({ principalId, ...rest }: SecondFactor): FactorDoc {
  return { _id: principalId, ...rest };
}

export function docToFactor(d: FactorDoc): SecondFactor {
  return { principalId: d._id, recoveryCodeHashes: d.recoveryCodeHashes, lastTotpStep: d.lastTotpStep, updatedAt: d.updatedAt };
}

/** Contains, ignoring case and width: the pattern the SQLite adapter evaluates too (core/store/search-pattern.ts). */
function containsPattern(text: string): { $regex: string } {
  return { $regex: containsPatternSource(text) };
}

/**
 * details (JSON text, JSON.stringify without spaces) holding the object `parent` whose first key
 * is `key` with `value`: analysis.verdict is {verdict, score, reasons}, analysis.cluster {label, …}.
 * A quote inside a string value is escaped in that text, so mail text cannot imitate the key.
 */
function jsonKeyPattern(parent: string, key: string, value: string): RegExp {
  return new RegExp(`"${parent}":\\{"${key}":${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}`);
}

export function mongoConsole(db: Db): ConsoleStore {
  const sessions = db.collection<SessionDoc>(COLLECTIONS.sessions);
  const factors = db.collection<FactorDoc>(COLLECTIONS.secondFactors);
  const submissions = db.collection<SubmissionDoc>(COLLECTIONS.submissions);
  const indicators = db.collection<IndicatorDoc>(COLLECTIONS.indicators);
  const sources = db.collection<SourceDoc>(COLLECTIONS.sources);

  /** The submission filter plus the search's own conditions (indicator names resolved to submission ids). */
  async function searchFilter(search: Omit<SubmissionSearch, 'order'>): Promise<Filter<SubmissionDoc>> {
    const conditions: Filter<SubmissionDoc>[] = [submissionFilter(search)];
    if (search.orgIds) conditions.push({ orgId: { $in: [...search.orgIds] } });
    if (search.verdicts) conditions.push({ verdict: { $in: [...search.verdicts] } });
    // details travel as JSON text: a key path is matched in its serialized form (a quote inside a
    // string value is escaped there, so mail text cannot imitate it).
    if (search.suggestedVerdicts) conditions.push({ $or: search.suggestedVerdicts.map((v) => ({ details: jsonKeyPattern('verdict', 'verdict', v) })) });
    if (search.assignee !== undefined) conditions.push(search.assignee === null ? { assignee: null } : { 'assignee.principalId': search.assignee });
    if (search.clusterLabels) conditions.push({ $or: search.clusterLabels.map((v) => ({ details: jsonKeyPattern('cluster', 'label', v) })) });
    if (search.text) {
      const pattern = containsPattern(search.text);
      conditions.push({ $or: [{ subject: pattern }, { _id: pattern }, { messageId: pattern }, { campaign: pattern }] });
    }
    for (const ind of search.indicators ?? []) {
      const ids = (await indicators.find({ type: { $in: [...ind.types] }, value: containsPattern(ind.contains) }, { projection: { _id: 1 } }).toArray()).map(
        (d) => d._id,
      );
      const subIds = ids.length === 0 ? [] : await sources.distinct('submissionId', { indicatorId: { $in: ids } });
      conditions.push({ _id: { $in: subIds } });
    }
    return { $and: conditions };
  }

  return {
    async createConsoleSession(session) {
      await sessions.insertOne(sessionToDoc(session));
      return session;
    },
    async getConsoleSession(idHash) {
      const d = await sessions.findOne({ _id: idHash });
      return d ? docToSession(d) : null;
    },
    async updateConsoleSession(idHash, patch) {
      const { data, ...rest } = definedOnly(patch);
      const fields = { ...rest, ...(data === undefined ? {} : { data: toJson(data) }) };
      const d =
        Object.keys(fields).length === 0
          ? await sessions.findOne({ _id: idHash })
          : await sessions.findOneAndUpdate({ _id: idHash }, { $set: fields }, { returnDocument: 'after' });
      return d ? docToSession(d) : null;
    },
    async deleteConsoleSession(idHash) {
      return (await sessions.deleteOne({ _id: idHash })).deletedCount > 0;
    },
    async deleteConsoleSessions(filter) {
      let n = 0;
      if (filter.principalId !== undefined) n += (await sessions.deleteMany({ principalId: filter.principalId })).deletedCount;
      if (filter.lastSeenBefore !== undefined) n += (await sessions.deleteMany({ lastSeenAt: { $lt: filter.lastSeenBefore } })).deletedCount;
      return n;
    },
    async getSecondFactor(principalId) {
      const d = await factors.findOne({ _id: principalId });
      return d ? docToFactor(d) : null;
    },
    async putSecondFactor(factor) {
      const doc = factorToDoc(factor);
      await factors.replaceOne({ _id: doc._id }, doc, { upsert: true });
      return factor;
    },
    async deleteSecondFactor(principalId) {
      return (await factors.deleteOne({ _id: principalId })).deletedCount > 0;
    },
    async consumeRecoveryCode(principalId, codeHash, now) {
      const r = await factors.updateOne(
        { _id: principalId, recoveryCodeHashes: codeHash },
        { $pull: { recoveryCodeHashes: codeHash }, $set: { updatedAt: now } },
      );
      return r.modifiedCount === 1;
    },
    async acceptTotpStep(principalId, step, now) {
      try {
        // Matches only when the step is later than the last one; a missing record is created.
        const r = await factors.updateOne(
          { _id: principalId, $or: [{ lastTotpStep: null }, { lastTotpStep: { $lt: step } }] },
          { $set: { lastTotpStep: step, updatedAt: now }, $setOnInsert: { recoveryCodeHashes: [] } },
          { upsert: true },
        );
        return r.matchedCount + r.upsertedCount === 1;
      } catch (err) {
        // The record exists with a later or equal step, so the upsert tried to insert a second one.
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async searchSubmissions(search, page) {
      return pageSubmissions(submissions, await searchFilter(search), page, search.order ?? 'newest');
    },
    async countSubmissionSearch(search) {
      return countByStatus(submissions, await searchFilter({ ...search, status: undefined }));
    },
  };
}
