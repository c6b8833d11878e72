// Indicators and their sources in SQLite. An indicator is one row per (type, value), its id derived
// by core/ids.ts; each submission that saw it adds one source row, and every derived figure is
// computed from those sources by the sharing policy above the store.
import { indicatorId } from '../ids.ts';
import type { Indicator, IndicatorSource, IndicatorType, InfoKind, SharingClass } from '../types.ts';
import type { IndicatorInput, IndicatorWithSources } from './port.ts';
import { checkLimit, fromJson, inWriteTransaction, toFlag, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import type { IndicatorStore } from './ports/indicators.ts';

export interface IndicatorRow {
  id: string;
  type: string;
  value: string;
  created_at: string;
}

export interface SourceRow {
  indicator_id: string;
  submission_id: string;
  org_id: string;
  kind: string;
  class: string;
  seen_at: string;
  false_positive: number;
  context: string;
}

export function rowToIndicator(r: IndicatorRow): Indicator {
  return { id: r.id, type: r.type as IndicatorType, value: r.value, createdAt: r.created_at };
}

export function rowToSource(r: SourceRow): IndicatorSource {
  return {
    indicatorId: r.indicator_id,
    submissionId: r.submission_id,
    orgId: r.org_id,
    kind: r.kind as InfoKind,
    class: r.class as SharingClass,
    seenAt: r.seen_at,
    falsePositive: r.false_positive === 1,
    context: fromJson(r.context),
  };
}

export function sqliteIndicators(db: Db): SyncRole<IndicatorStore> {
  const insertIndicator = db.prepare<IndicatorRow>(`
    INSERT INTO indicators (id, type, value, created_at) VALUES (@id, @type, @value, @created_at)
    ON CONFLICT (id) DO NOTHING`);
  // Seeing the indicator again in the same submission updates that source; seenAt and the
  // false-positive mark stay as they were.
  const upsertSource = db.prepare<SourceRow>(`
    INSERT INTO indicator_sources (indicator_id, submission_id, org_id, kind, class, seen_at, false_positive, context)
    VALUES (@indicator_id, @submission_id, @org_id, @kind, @class, @seen_at, @false_positive, @context)
    ON CONFLICT (indicator_id, submission_id) DO UPDATE
       SET kind = excluded.kind, class = excluded.class, context = excluded.context`);
  const byId = db.prepare<[string], IndicatorRow>('SELECT * FROM indicators WHERE id = ?');
  const sourcesOf = db.prepare<[string], SourceRow>('SELECT * FROM indicator_sources WHERE indicator_id = ? ORDER BY seen_at, submission_id');
  const ofSubmission = db.prepare<[string], IndicatorRow>(`
    SELECT i.* FROM indicators i JOIN indicator_sources s ON s.indicator_id = i.id
     WHERE s.submission_id = ?
     ORDER BY i.type, i.value`);
  const sourcesOfSubmissionIndicators = db.prepare<[string], SourceRow>(`
    SELECT * FROM indicator_sources
     WHERE indicator_id IN (SELECT indicator_id FROM indicator_sources WHERE submission_id = ?)
     ORDER BY seen_at, submission_id`);
  const setFalsePositive = db.prepare<[number, string, string]>('UPDATE indicator_sources SET false_positive = ? WHERE indicator_id = ? AND submission_id = ?');
  const removeSource = db.prepare<[string, string]>('DELETE FROM indicator_sources WHERE indicator_id = ? AND submission_id = ?');
  const after = db.prepare<[string, number], IndicatorRow>('SELECT * FROM indicators WHERE id > ? ORDER BY id LIMIT ?');

  return {
    upsertIndicators(submissionId: string, orgId: string, seenAt: string, inputs: readonly IndicatorInput[]) {
      return inWriteTransaction(db, () => {
        const ids = new Set<string>(); // insertion order, each indicator once
        for (const input of inputs) {
          const id = indicatorId(input.type, input.value);
          insertIndicator.run({ id, type: input.type, value: input.value, created_at: seenAt });
          upsertSource.run({
            indicator_id: id,
            submission_id: submissionId,
            org_id: orgId,
            kind: input.kind,
            class: input.class,
            seen_at: seenAt,
            false_positive: toFlag(false),
            context: toJson(input.context ?? {}),
          });
          ids.add(id);
        }
        return [...ids].map((id) => rowToIndicator(byId.get(id)!));
      });
    },
    getIndicator(id): IndicatorWithSources | null {
      const row = byId.get(id);
      return row ? { indicator: rowToIndicator(row), sources: sourcesOf.all(id).map(rowToSource) } : null;
    },
    listIndicatorsForSubmission(submissionId) {
      const sources = new Map<string, IndicatorSource[]>();
      for (const s of sourcesOfSubmissionIndicators.all(submissionId).map(rowToSource)) {
        const list = sources.get(s.indicatorId) ?? [];
        list.push(s);
        sources.set(s.indicatorId, list);
      }
      return ofSubmission.all(submissionId).map((r) => ({ indicator: rowToIndicator(r), sources: sources.get(r.id) ?? [] }));
    },
    setSourceFalsePositive: (indicatorId, submissionId, falsePositive) => setFalsePositive.run(toFlag(falsePositive), indicatorId, submissionId).changes === 1,
    removeIndicatorSource: (indicatorId, submissionId) => removeSource.run(indicatorId, submissionId).changes === 1,
    listIndicators: (afterId, limit) => after.all(afterId ?? '', checkLimit(limit)).map(rowToIndicator),
  };
}
