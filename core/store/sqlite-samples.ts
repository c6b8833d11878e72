// Sample records in SQLite: one per (blob, submission). Purging a blob keeps the record as a
// tombstone with its hashes, so the history still says what was received.
import type { Sample, SampleRole, SharingClass } from '../types.ts';
import type { NewSample, SampleRefQuery } from './port.ts';
import { checkLimit, fromJson, inWriteTransaction, toFlag, toJson, type Db, type SyncRole } from './sqlite-db.ts';
import type { SampleStore } from './ports/samples.ts';

interface SampleRow {
  sha256: string;
  submission_id: string;
  sha1: string;
  md5: string;
  size: number;
  role: string;
  declared_name: string | null;
  declared_type: string | null;
  detected_type: string | null;
  class: string;
  stored_at: string;
  purged_at: string | null;
  details: string;
}

function rowToSample(r: SampleRow): Sample {
  return {
    submissionId: r.submission_id,
    sha256: r.sha256,
    sha1: r.sha1,
    md5: r.md5,
    size: r.size,
    role: r.role as SampleRole,
    declaredName: r.declared_name,
    declaredType: r.declared_type,
    detectedType: r.detected_type,
    class: r.class as SharingClass,
    storedAt: r.stored_at,
    purgedAt: r.purged_at,
    details: fromJson(r.details),
  };
}

/** The sample write the submissions module shares (a submission's first samples are written with it). */
export interface SampleQueries {
  put(sample: NewSample): Sample;
}

export function sqliteSampleQueries(db: Db): SampleQueries {
  // Putting the same (blob, submission) again replaces the record: the caller has just stored
  // the blob, so it is no longer purged.
  const upsert = db.prepare<Omit<SampleRow, 'purged_at'>, SampleRow>(`
    INSERT INTO samples (sha256, submission_id, sha1, md5, size, role, declared_name, declared_type,
                         detected_type, class, stored_at, purged_at, details)
    VALUES (@sha256, @submission_id, @sha1, @md5, @size, @role, @declared_name, @declared_type,
            @detected_type, @class, @stored_at, NULL, @details)
    ON CONFLICT (sha256, submission_id) DO UPDATE
       SET sha1 = excluded.sha1, md5 = excluded.md5, size = excluded.size, role = excluded.role,
           declared_name = excluded.declared_name, declared_type = excluded.declared_type,
           detected_type = excluded.detected_type, class = excluded.class,
           stored_at = excluded.stored_at, purged_at = NULL, details = excluded.details
    RETURNING *`);
  return {
    put(s: NewSample) {
      const row = upsert.get({
        sha256: s.sha256,
        submission_id: s.submissionId,
        sha1: s.sha1,
        md5: s.md5,
        size: s.size,
        role: s.role,
        declared_name: s.declaredName,
        declared_type: s.declaredType,
        detected_type: s.detectedType,
        class: s.class,
        stored_at: s.storedAt,
        details: toJson(s.details),
      });
      return rowToSample(row!);
    },
  };
}

export function sqliteSamples(db: Db, samples: SampleQueries): SyncRole<SampleStore> {
  const ofSubmission = db.prepare<[string], SampleRow>('SELECT * FROM samples WHERE submission_id = ? ORDER BY stored_at, sha256');
  const refs = db.prepare<
    { unpurged_only: number; stored_before: string | null; after_sha256: string | null; after_submission: string | null; limit: number },
    SampleRow
  >(`
    SELECT * FROM samples
     WHERE (@unpurged_only = 0 OR purged_at IS NULL)
       AND (@stored_before IS NULL OR stored_at < @stored_before)
       AND (@after_sha256 IS NULL OR (sha256, submission_id) > (@after_sha256, @after_submission))
     ORDER BY sha256, submission_id
     LIMIT @limit`);
  const purge = db.prepare<[string, string]>('UPDATE samples SET purged_at = ? WHERE sha256 = ? AND purged_at IS NULL');
  const purgeOne = db.prepare<[string, string, string]>('UPDATE samples SET purged_at = ? WHERE sha256 = ? AND submission_id = ? AND purged_at IS NULL');

  return {
    putSample: (s: NewSample) => samples.put(s),
    listSamples: (submissionId) => ofSubmission.all(submissionId).map(rowToSample),
    listSampleRefs(q: SampleRefQuery) {
      return refs
        .all({
          unpurged_only: toFlag(q.unpurgedOnly),
          stored_before: q.storedBefore ?? null,
          after_sha256: q.after?.sha256 ?? null,
          after_submission: q.after?.submissionId ?? null,
          limit: checkLimit(q.limit),
        })
        .map(rowToSample);
    },
    markBlobPurged: (sha256, at, submissionIds) =>
      submissionIds === undefined
        ? purge.run(at, sha256).changes
        : inWriteTransaction(db, () => submissionIds.reduce((n, id) => n + purgeOne.run(at, sha256, id).changes, 0)),
  };
}
