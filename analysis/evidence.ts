// The original's evidence (core/analysis-record OriginalEvidence): what the console shows of the
// original and what the victim gate protects, taken from the message as this analysis unwrapped it
// and sealed in the vault like the raw mail, with a sample record (role `evidence`) so retention
// purges it with the submission's other blobs and the orphan sweep leaves it alone. The
// AnalysisRecord names it by hash; the console and triage read it instead of the raw mail.
import {
  ORIGINAL_EVIDENCE_VERSION,
  serializeOriginalEvidence,
  type EvidenceRef,
  type OriginalEvidence,
  type ProtectedPeople,
} from '../core/analysis-record/index.ts';
import { decodeHeaderValue } from '../core/mail/decode-mime-japanese.ts';
import type { OriginalItem, Unwrapped, UnwrapFailure } from '../core/mail/forward/index.ts';
import type { Store } from '../core/store/port.ts';
import type { Submission } from '../core/types.ts';
import { hashBuffer } from '../quarantine/hashes.ts';
import { keepStored } from '../quarantine/keep-stored.ts';
import type { Vault } from '../quarantine/vault-port.ts';
import { readHtml } from './indicators/html.ts';

/** Characters of a body kept for display (the console shows a clipped body with a trailing …). */
export const EVIDENCE_BODY_MAX = 200_000;
/** Bytes of a message that could not be unwrapped, kept as text for display. */
export const EVIDENCE_RAW_TEXT_MAX = 256 * 1024;

function clip(text: string | null): string | null {
  return text !== null && text.length > EVIDENCE_BODY_MAX ? `${text.slice(0, EVIDENCE_BODY_MAX)}\n…` : text;
}

/** An HTML body as the text a reader would see (script and style dropped), blank runs squeezed. */
function htmlAsText(source: string): string {
  return readHtml(source)
    .text.replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The evidence of an original this analysis found; `people` null when the sanitizer has not run yet. */
export function originalEvidence(unwrapped: Unwrapped, item: OriginalItem, people: ProtectedPeople | null): OriginalEvidence {
  return {
    version: ORIGINAL_EVIDENCE_VERSION,
    kind: 'original',
    note: unwrapped.note,
    headers: item.headers.raw.map((h) => ({
      name: h.name,
      value: h.value,
      decoded: h.name.toLowerCase() === 'received' ? h.value : decodeHeaderValue(h.value),
    })),
    received: item.headers.received,
    text: clip(item.text),
    html: clip(item.html),
    htmlText: item.html !== null ? clip(htmlAsText(item.html)) : null,
    people,
  };
}

/** The evidence of a message that could not be unwrapped: why, and its first bytes as text. */
export function unwrapFailedEvidence(failure: UnwrapFailure, raw: Buffer): OriginalEvidence {
  return {
    version: ORIGINAL_EVIDENCE_VERSION,
    kind: 'unwrap-failed',
    reason: `${failure.reason}: ${failure.message}`,
    rawText: raw.subarray(0, EVIDENCE_RAW_TEXT_MAX).toString('latin1'),
  };
}

/** Seals the evidence in the vault and records it as a sample of the submission; idempotent. */
export async function storeEvidence(
  deps: { readonly store: Pick<Store, 'putSample'>; readonly vault: Vault; readonly now: () => string },
  submission: Pick<Submission, 'id' | 'classes'>,
  evidence: OriginalEvidence,
): Promise<EvidenceRef> {
  const content = serializeOriginalEvidence(evidence);
  const stored = await deps.vault.put(content);
  const hashes = hashBuffer(content);
  await deps.store.putSample({
    submissionId: submission.id,
    ...hashes,
    size: content.length,
    role: 'evidence',
    declaredName: null,
    declaredType: 'application/json',
    detectedType: 'application/json',
    class: submission.classes.sample,
    storedAt: deps.now(),
    details: {},
  });
  await keepStored(deps.vault, [{ sha256: stored.sha256, content }]);
  return { sha256: stored.sha256 };
}
