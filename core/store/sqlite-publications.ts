// The publication log in SQLite: AUTOINCREMENT gives a strictly increasing seq that is never
// reused; the idempotency key makes republishing return the entry already in the log. Each new
// entry also becomes, in the same transaction, the latest decision of its (indicator, submission)
// pair in `publication_latest`; triggers (migration 9) write the entry and the indicator's view
// into `feed_rows`, which feed pages read.
import type { InfoKind, PublicationAction, PublicationEntry, SharingClass } from '../types.ts';
import type { NewPublication, PublicationQuery } from './port.ts';
import { checkLimit, inWriteTransaction, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import type { PublicationLogStore } from './ports/publications.ts';

export interface PublicationRow {
  seq: number;
  idempotency_key: string;
  action: string;
  indicator_id: string;
  submission_id: string;
  kind: string;
  class: string;
  published_at: string;
}

export function rowToEntry(r: PublicationRow): PublicationEntry {
  return {
    seq: r.seq,
    idempotencyKey: r.idempotency_key,
    action: r.action as PublicationAction,
    indicatorId: r.indicator_id,
    submissionId: r.submission_id,
    kind: r.kind as InfoKind,
    class: r.class as SharingClass,
    publishedAt: r.published_at,
  };
}

export function sqlitePublications(db: Db): SyncRole<PublicationLogStore> {
  const byKey = db.prepare<[string], PublicationRow>('SELECT * FROM publications WHERE idempotency_key = ?');
  const insert = db.prepare<Omit<PublicationRow, 'seq'>, PublicationRow>(`
    INSERT INTO publications (idempotency_key, action, indicator_id, submission_id, kind, class, published_at)
    VALUES (@idempotency_key, @action, @indicator_id, @submission_id, @kind, @class, @published_at)
    RETURNING *`);
  // `classes` and `indicators` are JSON arrays, or NULL for no restriction.
  const list = db.prepare<{ after: number; classes: string | null; indicators: string | null; limit: number }, PublicationRow>(`
    SELECT * FROM publications
     WHERE seq > @after
       AND (@classes IS NULL OR class IN (SELECT value FROM json_each(@classes)))
       AND (@indicators IS NULL OR indicator_id IN (SELECT value FROM json_each(@indicators)))
     ORDER BY seq
     LIMIT @limit`);
  const last = db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM publications');
  const decide = db.prepare<PublicationRow>(`
    INSERT INTO publication_latest (indicator_id, submission_id, seq, action, class)
    VALUES (@indicator_id, @submission_id, @seq, @action, @class)
    ON CONFLICT (indicator_id, submission_id) DO UPDATE
       SET seq = excluded.seq, action = excluded.action, class = excluded.class
     WHERE excluded.seq > publication_latest.seq`);

  return {
    appendPublications(entries: readonly NewPublication[], now: string) {
      return inWriteTransaction(db, () =>
        entries.map((e) => {
          const existing = byKey.get(e.idempotencyKey);
          if (existing) return rowToEntry(existing);
          const row = insert.get({
            idempotency_key: e.idempotencyKey,
            action: e.action,
            indicator_id: e.indicatorId,
            submission_id: e.submissionId,
            kind: e.kind,
            class: e.class,
            published_at: now,
          })!;
          decide.run(row);
          return rowToEntry(row);
        }),
      );
    },
    listPublications(q: PublicationQuery) {
      return list
        .all({
          after: q.afterSeq,
          classes: q.classes ? toJson(q.classes) : null,
          indicators: q.indicatorIds ? toJson(q.indicatorIds) : null,
          limit: checkLimit(q.limit),
        })
        .map(rowToEntry);
    },
    lastPublicationSeq: () => last.get()!.seq ?? 0,
  };
}
