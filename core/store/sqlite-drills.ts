// Drills (情報連絡訓練) in SQLite: one row per drill, one per notice. A notice is found by the keyed
// hash of its acknowledgement token; the first acknowledgement is kept by a conditional UPDATE.
import type { Language } from '../types.ts';
import type { Drill, DrillAckVia, DrillNotice } from './port.ts';
import { checkLimit, inWriteTransaction, type Db, type SyncRole } from './sqlite-db.ts';
import type { DrillStore } from './ports/drills.ts';

interface DrillRow {
  id: string;
  title: string;
  started_by: string;
  started_at: string;
}

interface NoticeRow {
  id: string;
  drill_id: string;
  org_id: string;
  org_name: string;
  language: string;
  contact_name: string;
  address: string;
  token_hash: string;
  sent_at: string | null;
  ack_at: string | null;
  ack_via: string | null;
  last_error: string | null;
}

function rowToDrill(r: DrillRow): Drill {
  return { id: r.id, title: r.title, startedBy: r.started_by, startedAt: r.started_at };
}

function rowToNotice(r: NoticeRow): DrillNotice {
  return {
    id: r.id,
    drillId: r.drill_id,
    orgId: r.org_id,
    orgName: r.org_name,
    language: r.language as Language,
    contactName: r.contact_name,
    address: r.address,
    tokenHash: r.token_hash,
    sentAt: r.sent_at,
    ackAt: r.ack_at,
    ackVia: r.ack_via as DrillAckVia | null,
    lastError: r.last_error,
  };
}

export function sqliteDrills(db: Db): SyncRole<DrillStore> {
  const insertDrill = db.prepare<DrillRow>('INSERT INTO drills (id, title, started_by, started_at) VALUES (@id, @title, @started_by, @started_at)');
  const insertNotice = db.prepare<NoticeRow>(`
    INSERT INTO drill_notices (id, drill_id, org_id, org_name, language, contact_name, address, token_hash, sent_at, ack_at, ack_via, last_error)
    VALUES (@id, @drill_id, @org_id, @org_name, @language, @contact_name, @address, @token_hash, @sent_at, @ack_at, @ack_via, @last_error)`);
  const getDrill = db.prepare<[string], DrillRow>('SELECT * FROM drills WHERE id = ?');
  const listDrills = db.prepare<[number], DrillRow>('SELECT * FROM drills ORDER BY started_at DESC, id DESC LIMIT ?');
  const drillsAfter = db.prepare<[string, number], DrillRow>('SELECT * FROM drills WHERE id > ? ORDER BY id LIMIT ?');
  const listNotices = db.prepare<[string], NoticeRow>('SELECT * FROM drill_notices WHERE drill_id = ? ORDER BY org_name, contact_name, address, id');
  const byHash = db.prepare<[string], NoticeRow>('SELECT * FROM drill_notices WHERE token_hash = ?');
  const byId = db.prepare<[string], NoticeRow>('SELECT * FROM drill_notices WHERE id = ?');
  const sent = db.prepare<[string, string]>('UPDATE drill_notices SET sent_at = ?, last_error = NULL WHERE id = ?');
  const failed = db.prepare<[string, string]>('UPDATE drill_notices SET last_error = ? WHERE id = ?');
  const reissue = db.prepare<[string, string]>('UPDATE drill_notices SET token_hash = ? WHERE id = ? AND sent_at IS NULL AND ack_at IS NULL');
  const ack = db.prepare<[string, string, string]>('UPDATE drill_notices SET ack_at = ?, ack_via = ? WHERE token_hash = ? AND ack_at IS NULL');

  return {
    createDrill(drill, notices) {
      inWriteTransaction(db, () => {
        insertDrill.run({ id: drill.id, title: drill.title, started_by: drill.startedBy, started_at: drill.startedAt });
        for (const n of notices) {
          insertNotice.run({
            id: n.id,
            drill_id: drill.id,
            org_id: n.orgId,
            org_name: n.orgName,
            language: n.language,
            contact_name: n.contactName,
            address: n.address,
            token_hash: n.tokenHash,
            sent_at: null,
            ack_at: null,
            ack_via: null,
            last_error: n.lastError,
          });
        }
      });
      return { ...drill };
    },
    getDrill(id) {
      const r = getDrill.get(id);
      return r ? rowToDrill(r) : null;
    },
    listDrills(limit) {
      return listDrills.all(checkLimit(limit)).map(rowToDrill);
    },
    listDrillsAfter(afterId, limit) {
      return drillsAfter.all(afterId ?? '', checkLimit(limit)).map(rowToDrill);
    },
    listDrillNotices(drillId) {
      return listNotices.all(drillId).map(rowToNotice);
    },
    getDrillNoticeByTokenHash(tokenHash) {
      const r = byHash.get(tokenHash);
      return r ? rowToNotice(r) : null;
    },
    markDrillNoticeSent(noticeId, outcome) {
      if ('sentAt' in outcome) sent.run(outcome.sentAt, noticeId);
      else failed.run(outcome.error, noticeId);
      const r = byId.get(noticeId);
      return r ? rowToNotice(r) : null;
    },
    reissueDrillNotice(noticeId, tokenHash) {
      if (reissue.run(tokenHash, noticeId).changes !== 1) return null;
      const r = byId.get(noticeId);
      return r ? rowToNotice(r) : null;
    },
    acknowledgeDrillNotice(tokenHash, at, via) {
      const first = ack.run(at, via, tokenHash).changes === 1;
      const r = byHash.get(tokenHash);
      return r ? { notice: rowToNotice(r), first } : null;
    },
  };
}
