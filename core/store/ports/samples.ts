// Role port: sample records, the references from submissions to vault blobs (tombstones after a
// purge; retention reads them back in pages).
import type { Sample } from '../../types.ts';

export interface NewSample extends Omit<Sample, 'purgedAt'> {}

/** A sample record written together with its submission (the submission id is filled in). */
export type SubmissionSample = Omit<NewSample, 'submissionId'>;

export interface SampleRefQuery {
  /** Only records whose blob is still stored (purgedAt null). */
  readonly unpurgedOnly: boolean;
  /** Records stored strictly before this time. */
  readonly storedBefore?: string;
  /** Paging on (sha256, submissionId). */
  readonly after?: { readonly sha256: string; readonly submissionId: string } | null;
  readonly limit: number;
}

export interface SampleStore {
  putSample(sample: NewSample): Promise<Sample>;
  listSamples(submissionId: string): Promise<readonly Sample[]>;
  listSampleRefs(query: SampleRefQuery): Promise<readonly Sample[]>;
  /**
   * Marks the blob's unpurged references purged and returns how many changed; with
   * `submissionIds`, only those (the ones retention judged), so a reference recorded since stays live.
   */
  markBlobPurged(sha256: string, at: string, submissionIds?: readonly string[]): Promise<number>;
}
