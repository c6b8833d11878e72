// The last look before approval: does anything that would be published (indicator values — the
// subject, file names, URLs —, the campaign tag) still name the victim or the submitting
// organisation? It searches with the sanitizer's own identifiers (analysis/sanitize: victims'
// addresses, local parts and display names, the organisation's name and registered domains, in
// every encoding the sanitizer knows), so it catches what slipped past it or was added by hand.
// Findings block approval until an analyst acknowledges exactly this set of findings.
import { createHash } from 'node:crypto';
import { buildSanitizeContext, identifiersOf, redactText, victimTextsOf, type Identifier, type SanitizationRules, type SanitizeContext } from '../../../analysis/sanitize/index.ts';
import type { Organisation, Submission } from '../../../core/types.ts';
import type { OriginalItem, Unwrapped } from '../../../ingest/unwrap/index.ts';
import { exchangeIdentity } from '../../../analysis/pipeline-indicators.ts';

export interface VictimFinding {
  /** What would be published: `email-subject`, `file-name`, `url`, …, or `campaign`. */
  readonly field: string;
  readonly value: string;
  /** Why the match is protected (`recipient display name`, `organisation name`, …). */
  readonly reasons: readonly string[];
}

export interface VictimCheck {
  readonly findings: readonly VictimFinding[];
  /** Names this exact set of findings; an acknowledgement is valid for it only. */
  readonly fingerprint: string;
}

export interface VictimCheckInput {
  readonly submission: Submission;
  readonly organisations: readonly Organisation[];
  readonly unwrapped: Unwrapped | null;
  readonly item: OriginalItem | null;
  readonly dropAddress: string;
  readonly hostname: string;
  readonly rules: SanitizationRules;
  /** Texts that would be published, by field. */
  readonly published: readonly { readonly field: string; readonly value: string }[];
}

/** The sanitizer's context for this submission (recipients, submitter, organisations, exchange). */
export function sanitizeContextFor(input: Omit<VictimCheckInput, 'published'>): SanitizeContext {
  return buildSanitizeContext({
    headers: input.item?.headers ?? { to: [], cc: [], raw: [] },
    forward: input.unwrapped && input.unwrapped.note !== null ? { outer: input.unwrapped.outer, note: input.unwrapped.note, innerNotes: input.unwrapped.innerNotes } : null,
    envelope: input.submission.envelope,
    texts: input.item ? victimTextsOf(input.item) : [],
    organisations: input.organisations,
    submitterOrgId: input.submission.orgId,
    exchange: exchangeIdentity({ dropAddress: input.dropAddress, hostname: input.hostname }),
    warningLists: [],
    rules: input.rules,
  });
}

export function checkVictimNames(input: VictimCheckInput): VictimCheck {
  const ids: Identifier[] = identifiersOf(sanitizeContextFor(input));
  const findings: VictimFinding[] = [];
  for (const p of input.published) {
    const hits = redactText(p.value, ids).hits;
    if (hits.length > 0) findings.push({ field: p.field, value: p.value, reasons: [...new Set(hits.map((h) => h.identifier.reason))] });
  }
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(findings.map((f) => [f.field, f.value]).sort()))
    .digest('hex');
  return { findings, fingerprint };
}
