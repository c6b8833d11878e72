// The audit log in SQLite. The chain itself (hashing, verification) lives in core/audit.ts; this
// module keeps appends serial (IMMEDIATE transaction) and writes the head record in the same
// transaction as the event, so a removed tail shows as a head mismatch.
import { C4Error } from '../errors.ts';
import type { AuditEvent } from '../types.ts';
import { checkLimit, fromJson, inWriteTransaction, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import type { AuditStore } from './ports/audit.ts';

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

const HEAD_KEY = 'audit.head';

function rowToEvent(r: AuditRow): AuditEvent {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    data: fromJson(r.data),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function sqliteAudit(db: Db): SyncRole<AuditStore> {
  const lastEvent = db.prepare<[], AuditRow>('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare<AuditRow>(`
    INSERT INTO audit_events (seq, at, actor, action, target, data, prev_hash, hash)
    VALUES (@seq, @at, @actor, @action, @target, @data, @prev_hash, @hash)`);
  const list = db.prepare<[number, number], AuditRow>('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?');
  const readHead = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const writeHead = db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');

  const auditHead = (): AuditHead | null => {
    const row = readHead.get(HEAD_KEY);
    return row ? fromJson<AuditHead>(row.value) : null;
  };

  return {
    appendAudit(make) {
      return inWriteTransaction(db, () => {
        const prevRow = lastEvent.get();
        const prev = prevRow ? rowToEvent(prevRow) : null;
        // Appending after a removed tail would hide the removal: refuse while the chain's end and
        // the head record disagree.
        const head = auditHead();
        if ((head?.seq ?? 0) !== (prev?.seq ?? 0) || (head && head.hash !== prev?.hash)) {
          throw new C4Error('AUDIT_CHAIN_BROKEN', 'the last audit event does not match the audit head record', {
            headSeq: head?.seq ?? 0,
            lastSeq: prev?.seq ?? 0,
          });
        }
        const event = make(prev);
        if (event.seq !== (prev?.seq ?? 0) + 1) {
          throw new C4Error('AUDIT_CHAIN_BROKEN', `audit event seq ${event.seq} does not follow ${prev?.seq ?? 0}`);
        }
        insert.run({
          seq: event.seq,
          at: event.at,
          actor: event.actor,
          action: event.action,
          target: event.target,
          data: toJson(event.data),
          prev_hash: event.prevHash,
          hash: event.hash,
        });
        writeHead.run(HEAD_KEY, toJson({ seq: event.seq, hash: event.hash }));
        return event;
      });
    },
    listAudit: (afterSeq, limit) => list.all(afterSeq, checkLimit(limit)).map(rowToEvent),
    auditHead,
  };
}
