// Why a triage step was refused: a closed union of reasons, each with its stable error code
// (core/errors.ts). Steps return refusals as values; the console maps the reason to a message, the
// REST API throws the code (HTTP status and problem details from the catalogue).
import { C4Error, type ErrorCode } from '../../core/errors.ts';
import type { InfoKind, SubmissionStatus } from '../../core/types.ts';
import type { StatusTransition } from './machine.ts';

export type Refusal =
  /** Analysis has not finished (received, analysing): nothing may be decided yet. */
  | { readonly reason: 'not-triageable'; readonly status: SubmissionStatus }
  /** The step is not allowed from the current status (approve after reject: reopen first). */
  | {
      readonly reason: 'illegal-transition';
      readonly step: StatusTransition;
      readonly status: SubmissionStatus;
      readonly allowedFrom: readonly SubmissionStatus[];
    }
  | { readonly reason: 'victim-check-required'; readonly fingerprint: string; readonly findings: number }
  | { readonly reason: 'victim-check-changed' }
  | { readonly reason: 'widening-needs-consent'; readonly kinds: readonly InfoKind[] }
  | { readonly reason: 'no-proposal'; readonly kind: InfoKind }
  | { readonly reason: 'forbidden'; readonly needs: 'staff' | 'secretariat' | 'submitter-org' }
  | { readonly reason: 'invalid-input'; readonly field: string; readonly detail: string }
  | { readonly reason: 'no-such-indicator' }
  | { readonly reason: 'never-indicator'; readonly detail: string }
  /** Another analyst holds the submission (assignment.ts): taking, handing over or releasing it is theirs. */
  | { readonly reason: 'already-assigned'; readonly holder: string };

export type RefusalReason = Refusal['reason'];

export const REFUSAL_CODES: Readonly<Record<RefusalReason, ErrorCode>> = {
  'not-triageable': 'ILLEGAL_TRANSITION',
  'illegal-transition': 'ILLEGAL_TRANSITION',
  'victim-check-required': 'VICTIM_CHECK_REQUIRED',
  'victim-check-changed': 'VICTIM_CHECK_CHANGED',
  'widening-needs-consent': 'WIDENING_NEEDS_CONSENT',
  'no-proposal': 'CONFLICT',
  forbidden: 'FORBIDDEN',
  'invalid-input': 'VALIDATION_FAILED',
  'no-such-indicator': 'NOT_FOUND',
  'never-indicator': 'VALIDATION_FAILED',
  'already-assigned': 'ALREADY_ASSIGNED',
};

/** An outcome of a triage step: its result, or why it was refused. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: Refusal };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = <T = never>(refusal: Refusal): Outcome<T> => ({ ok: false, refusal });

/** A sentence for logs and problem details. */
export function describeRefusal(r: Refusal): string {
  switch (r.reason) {
    case 'not-triageable':
      return `the submission is ${r.status}: its analysis has not finished`;
    case 'illegal-transition':
      return `cannot ${r.step} a submission that is ${r.status} (allowed from: ${r.allowedFrom.join(', ')})${r.status === 'rejected' ? '; reopen it first' : ''}`;
    case 'victim-check-required':
      return `${r.findings} value(s) that would be published may name the victim: review GET …/victim-check and acknowledge fingerprint ${r.fingerprint}`;
    case 'victim-check-changed':
      return 'the victim check’s findings are not the ones acknowledged: review them again';
    case 'widening-needs-consent':
      return `widening beyond the submitter’s choice needs their recorded consent, refused for: ${r.kinds.join(', ')}`;
    case 'no-proposal':
      return `no wider class was proposed for ${r.kind}`;
    case 'forbidden':
      return {
        staff: 'only the secretariat and analysts take this triage step',
        secretariat: 'only the secretariat records a consent given outside the exchange',
        'submitter-org': 'only the submitting organisation and the staff take this step',
      }[r.needs];
    case 'invalid-input':
      return `${r.field}: ${r.detail}`;
    case 'no-such-indicator':
      return 'the submission has no such indicator';
    case 'never-indicator':
      return `never an indicator: ${r.detail}`;
    case 'already-assigned':
      return `${r.holder} has taken this submission: only they (or the secretariat) hand it over or release it`;
  }
}

/** The refusal as an error with its code (for the HTTP surfaces). */
export function refusalError(r: Refusal): C4Error {
  return new C4Error(REFUSAL_CODES[r.reason], describeRefusal(r), { ...r });
}

/** The value of an outcome, or its refusal thrown as a C4Error. */
export function valueOrThrow<T>(o: Outcome<T>): T {
  if (!o.ok) throw refusalError(o.refusal);
  return o.value;
}
