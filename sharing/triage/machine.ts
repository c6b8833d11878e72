// The triage state machine over a submission's status. Pure: which step may run from which status.
//
//   awaiting-triage ──approve──▶ published ──reopen──▶ awaiting-triage
//   awaiting-triage ──reject───▶ rejected  ──reopen──▶ awaiting-triage
//   published ──reject──▶ rejected (retracts)     failed ──reject──▶ rejected
//   published ──approve──▶ published (republishes what changed; appends nothing otherwise)
//
// A rejected submission is never published without a reopen first (and a reopen is audited), so
// the submitter never hears "published" after "rejected" from one stray click. Analysis not yet
// finished (received, analysing) allows no step at all.
import type { SubmissionStatus } from '../../core/types.ts';

export const STATUS_TRANSITIONS = ['approve', 'reject', 'reopen'] as const;
export type StatusTransition = (typeof STATUS_TRANSITIONS)[number];

const FROM: Readonly<Record<StatusTransition, readonly SubmissionStatus[]>> = {
  approve: ['awaiting-triage', 'published'],
  reject: ['awaiting-triage', 'published', 'failed'],
  reopen: ['published', 'rejected'],
};

/** The status a step leads to. */
export const TO: Readonly<Record<StatusTransition, SubmissionStatus>> = {
  approve: 'published',
  reject: 'rejected',
  reopen: 'awaiting-triage',
};

/** Statuses whose submission an analyst can work on (edit classes, indicators, labels). */
const TRIAGEABLE: readonly SubmissionStatus[] = ['awaiting-triage', 'published', 'rejected', 'failed'];

export function allowedFrom(step: StatusTransition): readonly SubmissionStatus[] {
  return FROM[step];
}

export function mayTransition(step: StatusTransition, status: SubmissionStatus): boolean {
  return FROM[step].includes(status);
}

/** The steps a submission in this status offers (the console shows these controls only). */
export function offeredSteps(status: SubmissionStatus): readonly StatusTransition[] {
  return STATUS_TRANSITIONS.filter((s) => mayTransition(s, status));
}

/** True once analysis has finished (or failed): triage may look and edit. */
export function isTriageable(status: SubmissionStatus): boolean {
  return TRIAGEABLE.includes(status);
}
