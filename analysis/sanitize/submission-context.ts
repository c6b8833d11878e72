// The sanitizer's context for one submission (recipients, submitter, organisations, exchange): the
// one builder used by the analysis (pipeline-indicators.ts) and by the triage victim check
// (sharing/triage/victim-gate.ts), so both protect the same identifiers under the same conditions.
import type { Organisation, Submission } from '../../core/types.ts';
import type { OriginalItem, Unwrapped } from '../../core/mail/forward/index.ts';
import { buildSanitizeContext, victimTextsOf, type ExchangeIdentity, type SanitizeContext } from './context.ts';
import type { SanitizationRules } from './rules.ts';
import type { WarningList } from './warning-lists.ts';

export interface SubmissionContextInput {
  readonly submission: Pick<Submission, 'envelope' | 'orgId'>;
  /** The unwrapped message and this submission's original; null when it could not be read or unwrapped. */
  readonly original: { readonly unwrapped: Unwrapped; readonly item: OriginalItem } | null;
  /** Contents of archive members (the analysis extracts them; the triage check reads the original only). */
  readonly memberContents?: readonly Buffer[];
  readonly organisations: readonly Organisation[];
  readonly exchange: ExchangeIdentity;
  readonly policies: { readonly rules: SanitizationRules; readonly warningLists?: readonly WarningList[] };
}

export function submissionSanitizeContext(input: SubmissionContextInput): SanitizeContext {
  const { original } = input;
  return buildSanitizeContext({
    headers: original?.item.headers ?? { to: [], cc: [], raw: [] },
    forward:
      !original || original.unwrapped.form === 'none'
        ? null
        : { outer: original.unwrapped.outer, note: original.unwrapped.note, innerNotes: original.unwrapped.innerNotes },
    envelope: input.submission.envelope,
    texts: original ? victimTextsOf(original.item, input.memberContents ?? []) : [],
    organisations: input.organisations,
    submitterOrgId: input.submission.orgId,
    exchange: input.exchange,
    warningLists: input.policies.warningLists ?? [],
    rules: input.policies.rules,
  });
}
