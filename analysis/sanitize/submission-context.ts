// The sanitizer's context for one submission (recipients, submitter, organisations, exchange): built
// by the analysis (pipeline-indicators.ts) from the original, and rebuilt by the triage victim
// check (sharing/triage/victim-gate.ts) from the people the analysis recorded (ProtectedPeople in
// the sealed evidence), so both protect the same people without the check reading the mail again.
import type { ProtectedPeople } from '../../core/analysis-record/index.ts';
import type { Envelope, Submission } from '../../core/types.ts';
import type { OriginalItem, Unwrapped } from '../../core/mail/forward/index.ts';
import { buildSanitizeContext, victimTextsOf, type ExchangeIdentity, type OrganisationRecord, type SanitizeContext } from './context.ts';
import type { SanitizationRules } from './rules.ts';
import type { WarningList } from './warning-lists.ts';

export interface SubmissionContextInput {
  readonly submission: Pick<Submission, 'orgId'> & { readonly envelope: Pick<Envelope, 'mailFrom'> };
  /** The unwrapped message and this submission's original; null when it could not be read or unwrapped. */
  readonly original: { readonly unwrapped: Unwrapped; readonly item: OriginalItem } | null;
  /** Contents of archive members (the analysis extracts them; the triage check reads the original only). */
  readonly memberContents?: readonly Buffer[];
  readonly organisations: readonly OrganisationRecord[];
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

/**
 * The context of a submission from what its analysis recorded: the people it protected, with the
 * registry (organisations, names, domains) and the exchange as they are now. Without a record
 * (not analysed, or the original could not be read) it is the context without an original: the
 * registry's identifiers and the envelope sender.
 */
export function recordedSanitizeContext(
  input: Omit<SubmissionContextInput, 'original' | 'memberContents'> & { readonly people: ProtectedPeople | null },
): SanitizeContext {
  const base = submissionSanitizeContext({ ...input, original: null });
  return input.people ? { ...base, victims: input.people.victims, submitters: input.people.submitters } : base;
}
