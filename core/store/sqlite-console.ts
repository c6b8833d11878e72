// The console's tables in SQLite: server-side sessions, second-factor bookkeeping (recovery codes,
// last TOTP step) and the queue search over submissions (filters the analysts use, both orders).
import { SUBMISSION_STATUSES, type SubmissionStatus } from '../types.ts';
import type { ConsoleSession, ConsoleSessionStage, SecondFactor, SubmissionSearch } from './port.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';
import { checkLimit, definedOnly, fromJson, inWriteTransaction, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import { filterSql, rowToSubmission, type SubmissionRow } from './sqlite-submissions.ts';
import { containsPatternSource, patternMatcher } from './search-pattern.ts';
import type { ConsoleStore } from './ports/console.ts';

interface SessionRow {
  id_hash: string;
  principal_id: string;
  stage: string;
  created_at: string;
  last_seen_at: string;
  client_address: string;
  data: string;
}

interface FactorRow {
  principal_id: string;
  recovery_codes: string;
  last_totp_step: number | null;
  updated_at: string;
}

function rowToSession(r: SessionRow): ConsoleSession {
  return {
    idHash: r.id_hash,
    principalId: r.principal_id,
    stage: r.stage as ConsoleSessionStage,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    clientAddress: r.client_address,
    data: fromJson(r.data),
  };
}

function sessionToRow(s: ConsoleSession): SessionRow {
  return {
    id_hash: s.idHash,
    principal_id: s.principalId,
    stage: s.stage,
    created_at: s.createdAt,
    last_seen_at: s.lastSeenAt,
    client_address: s.clientAddress,
    data: toJson(s.data),
  };
}

function rowToFactor(r: FactorRow): SecondFactor {
  return { principalId: r.principal_id, recoveryCodeHashes: fromJson(r.recovery_codes), lastTotpStep: r.last_totp_step, updatedAt: r.updated_at };
}

/** The filter's WHERE clause plus the search's own conditions. */
function searchSql(search: Omit<SubmissionSearch, 'order'>): { where: string; params: Record<string, string> } {
  const base = filterSql(search);
  const conditions = [base.where];
  const params: Record<string, string> = { ...base.params };
  if (search.orgIds) {
    conditions.push('org_id IN (SELECT value FROM json_each(@searchOrgIds))');
    params.searchOrgIds = toJson(search.orgIds);
  }
  if (search.verdicts) {
    conditions.push('verdict IN (SELECT value FROM json_each(@searchVerdicts))');
    params.searchVerdicts = toJson(search.verdicts);
  }
  if (search.suggestedVerdicts) {
    conditions.push("json_extract(details, '$.analysis.verdict.verdict') IN (SELECT value FROM json_each(@searchSuggested))");
    params.searchSuggested = toJson(search.suggestedVerdicts);
  }
  if (search.clusterLabels) {
    conditions.push("json_extract(details, '$.analysis.cluster.label') IN (SELECT value FROM json_each(@searchClusterLabels))");
    params.searchClusterLabels = toJson(search.clusterLabels);
  }
  if (search.assignee !== undefined) {
    conditions.push(search.assignee === null ? 'assignee IS NULL' : 'assignee = @searchAssignee');
    if (search.assignee !== null) params.searchAssignee = search.assignee;
  }
  if (search.text) {
    conditions.push(
      `(c4_contains(@searchText, subject) OR c4_contains(@searchText, id)
        OR c4_contains(@searchText, message_id) OR c4_contains(@searchText, campaign))`,
    );
    params.searchText = containsPatternSource(search.text);
  }
  (search.indicators ?? []).forEach((ind, i) => {
    conditions.push(`EXISTS (SELECT 1 FROM indicator_sources s JOIN indicators i ON i.id = s.indicator_id
                      WHERE s.submission_id = submissions.id
                        AND i.type IN (SELECT value FROM json_each(@searchIndicatorTypes${i}))
                        AND c4_contains(@searchIndicatorValue${i}, i.value))`);
    params[`searchIndicatorTypes${i}`] = toJson(ind.types);
    params[`searchIndicatorValue${i}`] = containsPatternSource(ind.contains);
  });
  return { where: conditions.join(' AND '), params };
}

export function sqliteConsole(db: Db): SyncRole<ConsoleStore> {
  // The queue search's matcher (core/store/search-pattern.ts), the same pattern the MongoDB adapter sends.
  const matches = patternMatcher();
  db.function('c4_contains', { deterministic: true }, (source: unknown, value: unknown) =>
    matches(String(source), typeof value === 'string' ? value : null) ? 1 : 0,
  );
  const insertSession = db.prepare<SessionRow>(`
    INSERT INTO console_sessions (id_hash, principal_id, stage, created_at, last_seen_at, client_address, data)
    VALUES (@id_hash, @principal_id, @stage, @created_at, @last_seen_at, @client_address, @data)`);
  const sessionById = db.prepare<[string], SessionRow>('SELECT * FROM console_sessions WHERE id_hash = ?');
  const updateSession = db.prepare<SessionRow>(
    'UPDATE console_sessions SET stage = @stage, last_seen_at = @last_seen_at, data = @data WHERE id_hash = @id_hash',
  );
  const deleteSession = db.prepare<[string]>('DELETE FROM console_sessions WHERE id_hash = ?');
  const deleteOfPrincipal = db.prepare<[string]>('DELETE FROM console_sessions WHERE principal_id = ?');
  const deleteSeenBefore = db.prepare<[string]>('DELETE FROM console_sessions WHERE last_seen_at < ?');
  const factorById = db.prepare<[string], FactorRow>('SELECT * FROM second_factors WHERE principal_id = ?');
  const upsertFactor = db.prepare<FactorRow>(`
    INSERT INTO second_factors (principal_id, recovery_codes, last_totp_step, updated_at)
    VALUES (@principal_id, @recovery_codes, @last_totp_step, @updated_at)
    ON CONFLICT (principal_id) DO UPDATE SET recovery_codes = excluded.recovery_codes,
      last_totp_step = excluded.last_totp_step, updated_at = excluded.updated_at`);
  const deleteFactor = db.prepare<[string]>('DELETE FROM second_factors WHERE principal_id = ?');

  function getFactor(principalId: string): SecondFactor | null {
    const row = factorById.get(principalId);
    return row ? rowToFactor(row) : null;
  }

  function writeFactor(f: SecondFactor): void {
    upsertFactor.run({ principal_id: f.principalId, recovery_codes: toJson(f.recoveryCodeHashes), last_totp_step: f.lastTotpStep, updated_at: f.updatedAt });
  }

  return {
    createConsoleSession(session) {
      insertSession.run(sessionToRow(session));
      return session;
    },
    getConsoleSession(idHash) {
      const row = sessionById.get(idHash);
      return row ? rowToSession(row) : null;
    },
    updateConsoleSession(idHash, patch) {
      return inWriteTransaction(db, () => {
        const row = sessionById.get(idHash);
        if (!row) return null;
        const next: ConsoleSession = { ...rowToSession(row), ...definedOnly(patch) };
        updateSession.run(sessionToRow(next));
        return next;
      });
    },
    deleteConsoleSession(idHash) {
      return deleteSession.run(idHash).changes > 0;
    },
    deleteConsoleSessions(filter) {
      return inWriteTransaction(db, () => {
        let n = 0;
        if (filter.principalId !== undefined) n += deleteOfPrincipal.run(filter.principalId).changes;
        if (filter.lastSeenBefore !== undefined) n += deleteSeenBefore.run(filter.lastSeenBefore).changes;
        return n;
      });
    },
    getSecondFactor: getFactor,
    putSecondFactor(factor) {
      writeFactor(factor);
      return factor;
    },
    deleteSecondFactor(principalId) {
      return deleteFactor.run(principalId).changes > 0;
    },
    consumeRecoveryCode(principalId, codeHash, now) {
      return inWriteTransaction(db, () => {
        const f = getFactor(principalId);
        if (!f || !f.recoveryCodeHashes.includes(codeHash)) return false;
        writeFactor({ ...f, recoveryCodeHashes: f.recoveryCodeHashes.filter((h) => h !== codeHash), updatedAt: now });
        return true;
      });
    },
    acceptTotpStep(principalId, step, now) {
      return inWriteTransaction(db, () => {
        const f = getFactor(principalId) ?? { principalId, recoveryCodeHashes: [], lastTotpStep: null, updatedAt: now };
        if (f.lastTotpStep !== null && step <= f.lastTotpStep) return false;
        writeFactor({ ...f, lastTotpStep: step, updatedAt: now });
        return true;
      });
    },
    searchSubmissions(search, page) {
      const limit = checkLimit(page.limit);
      const { where, params } = searchSql(search);
      const oldest = search.order === 'oldest';
      const cmp = oldest ? '>' : '<';
      const dir = oldest ? 'ASC' : 'DESC';
      let after = '';
      const cursorParams: Record<string, string> = {};
      if (page.cursor) {
        const position = decodeCursor(page.cursor);
        after = `AND (received_at ${cmp} @cursorAt OR (received_at = @cursorAt AND id ${cmp} @cursorId))`;
        cursorParams.cursorAt = position.receivedAt;
        cursorParams.cursorId = position.id;
      }
      const rows = db
        .prepare<Record<string, string | number>, SubmissionRow>(
          `SELECT * FROM submissions WHERE ${where} ${after} ORDER BY received_at ${dir}, id ${dir} LIMIT @limit`,
        )
        .all({ ...params, ...cursorParams, limit: limit + 1 });
      const items = rows.slice(0, limit).map(rowToSubmission);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor({ receivedAt: last.receivedAt, id: last.id }) : null };
    },
    countSubmissionSearch(search) {
      const { where, params } = searchSql({ ...search, status: undefined });
      const rows = db
        .prepare<Record<string, string>, { status: string; n: number }>(`SELECT status, COUNT(*) AS n FROM submissions WHERE ${where} GROUP BY status`)
        .all(params);
      const counts = Object.fromEntries(SUBMISSION_STATUSES.map((s) => [s, 0])) as Record<SubmissionStatus, number>;
      for (const row of rows) if (row.status in counts) counts[row.status as SubmissionStatus] = row.n;
      return counts;
    },
  };
}
