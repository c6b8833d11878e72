// Drills (情報連絡訓練) in MongoDB: one document per drill, one per notice (unique token hash).
//
// Without a transaction, a drill is created notices first and the drill document last: a crash in
// between leaves notices of a drill nobody lists, never a listed drill missing notices. When a
// notice or the drill cannot be inserted (duplicate id or token hash), the notices this call
// inserted are removed again, so a refused drill leaves nothing behind, as on SQLite. The first
// acknowledgement is kept by a conditional single-document update.
import { MongoBulkWriteError, type Db } from 'mongodb';
import type { Drill, DrillNotice } from './port.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { checkLimit } from './store-values.ts';
import type { DrillStore } from './ports/drills.ts';

export type DrillDoc = Omit<Drill, 'id'> & { _id: string };
export type DrillNoticeDoc = Omit<DrillNotice, 'id'> & { _id: string };

export function drillToDoc({ id, ...rest }: Drill): DrillDoc {
  return { _id: id, ...rest };
}

export function noticeToDoc({ id, ...rest }: DrillNotice): DrillNoticeDoc {
  return { _id: id, ...rest };
}

function docToDrill(d: DrillDoc): Drill {
  return { id: d._id, title: d.title, startedBy: d.startedBy, startedAt: d.startedAt };
}

function docToNotice(d: DrillNoticeDoc): DrillNotice {
  return {
    id: d._id,
    drillId: d.drillId,
    orgId: d.orgId,
    orgName: d.orgName,
    language: d.language,
    contactName: d.contactName,
    address: d.address,
    tokenHash: d.tokenHash,
    sentAt: d.sentAt,
    ackAt: d.ackAt,
    ackVia: d.ackVia,
    lastError: d.lastError,
  };
}

export function mongoDrills(db: Db): DrillStore {
  const drills = db.collection<DrillDoc>(COLLECTIONS.drills);
  const notices = db.collection<DrillNoticeDoc>(COLLECTIONS.drillNotices);

  return {
    async createDrill(drill, list) {
      const docs = list.map((n) => noticeToDoc({ ...n, drillId: drill.id, sentAt: null, ackAt: null, ackVia: null }));
      let inserted: string[] = [];
      try {
        if (docs.length > 0) {
          await notices.insertMany(docs, { ordered: true });
          inserted = docs.map((d) => d._id);
        }
        await drills.insertOne(drillToDoc({ id: drill.id, title: drill.title, startedBy: drill.startedBy, startedAt: drill.startedAt }));
      } catch (err) {
        if (err instanceof MongoBulkWriteError) inserted = Object.values(err.insertedIds).map(String);
        if (inserted.length > 0) await notices.deleteMany({ _id: { $in: inserted }, drillId: drill.id });
        throw err;
      }
      return { ...drill };
    },
    async getDrill(id) {
      const d = await drills.findOne({ _id: id });
      return d ? docToDrill(d) : null;
    },
    async listDrills(limit) {
      const docs = await drills.find({}).sort({ startedAt: -1, _id: -1 }).limit(checkLimit(limit)).toArray();
      return docs.map(docToDrill);
    },
    async listDrillsAfter(afterId, limit) {
      const docs = await drills
        .find({ _id: { $gt: afterId ?? '' } })
        .sort({ _id: 1 })
        .limit(checkLimit(limit))
        .toArray();
      return docs.map(docToDrill);
    },
    async listDrillNotices(drillId) {
      const docs = await notices.find({ drillId }).sort({ orgName: 1, contactName: 1, address: 1, _id: 1 }).toArray();
      return docs.map(docToNotice);
    },
    async getDrillNoticeByTokenHash(tokenHash) {
      const d = await notices.findOne({ tokenHash });
      return d ? docToNotice(d) : null;
    },
    async markDrillNoticeSent(noticeId, outcome) {
      const update = 'sentAt' in outcome ? { sentAt: outcome.sentAt, lastError: null } : { lastError: outcome.error };
      const d = await notices.findOneAndUpdate({ _id: noticeId }, { $set: update }, { returnDocument: 'after' });
      return d ? docToNotice(d) : null;
    },
    async reissueDrillNotice(noticeId, tokenHash) {
      const d = await notices.findOneAndUpdate({ _id: noticeId, sentAt: null, ackAt: null }, { $set: { tokenHash } }, { returnDocument: 'after' });
      return d ? docToNotice(d) : null;
    },
    async acknowledgeDrillNotice(tokenHash, at, via) {
      const first = await notices.findOneAndUpdate({ tokenHash, ackAt: null }, { $set: { ackAt: at, ackVia: via } }, { returnDocument: 'after' });
      if (first) return { notice: docToNotice(first), first: true };
      const later = await notices.findOne({ tokenHash });
      return later ? { notice: docToNotice(later), first: false } : null;
    },
  };
}
