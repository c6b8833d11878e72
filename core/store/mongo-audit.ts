// The audit log in MongoDB. The chain itself (hashing, verification) lives in core/audit.ts.
//
// Without a transaction the event and the head record are two writes:
//   1. insert the event with `_id` = its seq (unique: of two appenders that built seq n from the
//      same last event, one gets a duplicate key, reads again and builds n + 1 on the winner);
//   2. move the head record forward to it (`$set` only while the head is below that seq).
// So the head can lag behind the events: a crash or a concurrent appender between 1 and 2. Before
// appending, an appender reads the head, then the events from the head's seq on; it checks that
// the head's event is still there with the head's hash (a removed or edited tail is
// AUDIT_CHAIN_BROKEN, as on SQLite) and that every later event links to the one before it (seq + 1,
// prevHash = hash). Those later events are appends whose step 2 had not landed: it completes
// step 2 for them and builds on the last one, so `make` always sees the true last event.
import type { Db } from 'mongodb';
import { GENESIS_HASH } from '../audit.ts';
import { C4Error } from '../errors.ts';
import type { AuditEvent } from '../types.ts';
import { fromJson, isDuplicateKey, toJson } from './mongo-db.ts';
import { COLLECTIONS } from './mongo-schema.ts';
import { insertNumbered } from './mongo-sequence.ts';
import { checkLimit } from './store-values.ts';
import type { AuditStore } from './ports/audit.ts';

export type AuditDoc = Omit<AuditEvent, 'seq' | 'data'> & { _id: number; data: string };

interface HeadDoc {
  _id: string;
  seq: number;
  hash: string;
}

export const AUDIT_HEAD_ID = 'audit.head';

export function auditToDoc({ seq, data, ...rest }: AuditEvent): AuditDoc {
  return { _id: seq, ...rest, data: toJson(data) };
}

export function docToAudit(d: AuditDoc): AuditEvent {
  return { seq: d._id, at: d.at, actor: d.actor, action: d.action, target: d.target, data: fromJson(d.data), prevHash: d.prevHash, hash: d.hash };
}

/**
 * Creates the head record of an empty log ({ seq: 0 }) at start-up, so that a missing head with
 * events present can only mean a removed record (AUDIT_CHAIN_BROKEN), as on SQLite.
 */
export async function ensureAuditHead(db: Db): Promise<void> {
  try {
    await db.collection<HeadDoc>(COLLECTIONS.meta).updateOne({ _id: AUDIT_HEAD_ID }, { $setOnInsert: { seq: 0, hash: GENESIS_HASH } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err; // another process created it at the same moment
  }
}

/** Moves the head record forward to this event; never backwards. */
export async function advanceAuditHead(db: Db, event: { readonly seq: number; readonly hash: string }): Promise<void> {
  const meta = db.collection<HeadDoc>(COLLECTIONS.meta);
  try {
    await meta.updateOne({ _id: AUDIT_HEAD_ID, seq: { $lt: event.seq } }, { $set: { seq: event.seq, hash: event.hash } }, { upsert: true });
  } catch (err) {
    // The head exists and is already at or past this event (the upsert tried to insert a second one).
    if (!isDuplicateKey(err)) throw err;
  }
}

function broken(message: string, details: Record<string, unknown>): C4Error {
  return new C4Error('AUDIT_CHAIN_BROKEN', message, details);
}

export function mongoAudit(db: Db): AuditStore {
  const events = db.collection<AuditDoc>(COLLECTIONS.audit);
  const meta = db.collection<HeadDoc>(COLLECTIONS.meta);

  /** The true last event (see the file comment), completing lagging head updates. */
  async function lastEvent(): Promise<AuditEvent | null> {
    const head = await meta.findOne({ _id: AUDIT_HEAD_ID });
    if (!head) {
      if (await events.findOne({}, { projection: { _id: 1 } })) throw broken('the audit head record is missing', {});
      await ensureAuditHead(db);
    }
    const headSeq = head?.seq ?? 0;
    const tail = (
      await events
        .find({ _id: { $gte: headSeq } })
        .sort({ _id: 1 })
        .toArray()
    ).map(docToAudit);
    let last: AuditEvent | null = null;
    if (head && headSeq > 0) {
      last = tail.shift() ?? null;
      if (!last || last.seq !== headSeq || last.hash !== head.hash) {
        throw broken('the last audit event does not match the audit head record', { headSeq, lastSeq: last?.seq ?? 0 });
      }
    } else if (tail[0]?.seq === 0) {
      throw broken('an audit event has seq 0', {});
    }
    for (const e of tail) {
      if (e.seq !== (last?.seq ?? 0) + 1 || (last !== null && e.prevHash !== last.hash)) {
        throw broken(`audit event ${e.seq} does not follow ${last?.seq ?? 0}`, { headSeq, lastSeq: e.seq });
      }
      last = e;
    }
    if (last && last.seq > headSeq) await advanceAuditHead(db, last);
    return last;
  }

  return {
    async appendAudit(make) {
      const result = await insertNumbered<AuditDoc, never>(
        events,
        async () => {
          const prev = await lastEvent();
          const event = make(prev);
          if (event.seq !== (prev?.seq ?? 0) + 1) {
            throw broken(`audit event seq ${event.seq} does not follow ${prev?.seq ?? 0}`, {});
          }
          return auditToDoc(event);
        },
        async () => null, // no idempotency key: a duplicate seq always means "build again"
        async () => 0, // unused: the seq comes from `make`, which builds on the last event
      );
      if ('existing' in result) return result.existing;
      const event = docToAudit(result.inserted);
      await advanceAuditHead(db, event);
      return event;
    },
    async listAudit(afterSeq, limit) {
      return (
        await events
          .find({ _id: { $gt: afterSeq } })
          .sort({ _id: 1 })
          .limit(checkLimit(limit))
          .toArray()
      ).map(docToAudit);
    },
    async auditHead() {
      const head = await meta.findOne({ _id: AUDIT_HEAD_ID });
      return head && head.seq > 0 ? { seq: head.seq, hash: head.hash } : null;
    },
  };
}
