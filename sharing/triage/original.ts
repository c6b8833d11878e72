// The original suspicious message of a submission as its analysis recorded it: the sealed evidence
// blob the AnalysisRecord names (analysis/evidence.ts), read from the vault for the victim-name
// check (victim-gate.ts) and for the console's display of the original. The raw mail is never read
// or parsed here: the analysis parsed it once and recorded what later stages need.
import { parseOriginalEvidence, readAnalysisRecord, type OriginalEvidence } from '../../core/analysis-record/index.ts';
import { isC4Error } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { Submission } from '../../core/types.ts';
import type { Vault } from '../../quarantine/vault-port.ts';

export type OriginalView =
  | { readonly kind: 'ok'; readonly evidence: Extract<OriginalEvidence, { kind: 'original' }> }
  | { readonly kind: 'unwrap-failed'; readonly reason: string; readonly rawText: string }
  /** No analysis recorded yet (or none that got as far as the original). */
  | { readonly kind: 'not-analysed' }
  /** Analysed before analyses recorded the original (no AnalysisRecord version): re-run the analysis. */
  | { readonly kind: 'legacy' }
  /** The evidence cannot be read: vault error code, or STORE_CORRUPT for a record of the wrong shape. */
  | { readonly kind: 'unavailable'; readonly code: string };

export async function readOriginal(vault: Vault | null, sub: Pick<Submission, 'id' | 'details'>, log?: Logger): Promise<OriginalView> {
  const read = readAnalysisRecord(sub.details);
  if (read.kind === 'none') return { kind: 'not-analysed' };
  if (read.kind === 'legacy') return { kind: 'legacy' };
  if (read.kind === 'unreadable') {
    log?.warn({ event: 'triage.analysis_record_unreadable', submissionId: sub.id, code: 'STORE_CORRUPT', reason: read.reason }, 'analysis record unreadable');
    return { kind: 'unavailable', code: 'STORE_CORRUPT' };
  }
  const ref = read.record.evidence;
  if (!ref) return { kind: 'not-analysed' };
  if (!vault) return { kind: 'unavailable', code: 'VAULT_UNAVAILABLE' };
  let bytes: Buffer;
  try {
    bytes = await vault.get(ref.sha256);
  } catch (err) {
    if (isC4Error(err)) return { kind: 'unavailable', code: err.code };
    throw err;
  }
  const parsed = parseOriginalEvidence(bytes);
  if (!parsed.ok) {
    log?.warn(
      { event: 'triage.evidence_unreadable', submissionId: sub.id, sha256: ref.sha256, code: 'STORE_CORRUPT', reason: parsed.reason },
      'evidence unreadable',
    );
    return { kind: 'unavailable', code: 'STORE_CORRUPT' };
  }
  const e = parsed.evidence;
  return e.kind === 'original' ? { kind: 'ok', evidence: e } : { kind: 'unwrap-failed', reason: e.reason, rawText: e.rawText };
}
